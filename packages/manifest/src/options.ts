/**
 * Options shared by the functions that touch the manifest file.
 *
 * @module
 */
import { type FileSystem, NodeFileSystem } from '@lsmkit/fs'

/** Options for {@link readManifest}, {@link writeManifest} and {@link removeStaleManifestTemp}. */
export interface ManifestFileOptions {
  /**
   * The file system holding the database directory. Defaults to a new `NodeFileSystem` (the
   * real disk); pass a `MemoryFileSystem` to simulate power cuts and I/O faults.
   */
  fs?: FileSystem
}

/** The file system to use; created per call because a `NodeFileSystem` holds no state. */
export function fileSystemOf(options: ManifestFileOptions): FileSystem {
  return options.fs ?? new NodeFileSystem()
}
