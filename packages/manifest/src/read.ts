/**
 * Reads the manifest file of a database directory.
 *
 * @module
 */
import { join } from 'node:path'
import { type FileHandle, isNotFound } from '@lsmkit/fs'
import { decodeManifest } from './decode.js'
import { MANIFEST_FILE_NAME } from './format.js'
import { fileSystemOf, type ManifestFileOptions } from './options.js'
import type { ManifestState } from './state.js'

// One character per byte, so that a stray byte is rejected on its own line rather than merged
// into a neighbour or swallowed (UTF-8 decoding would also drop a leading BOM).
const bytesAsText = new TextDecoder('latin1')

/**
 * Reads and verifies `<dir>/manifest`.
 *
 * Resolves to `undefined` when there is no manifest yet (the file, or `dir` itself, is missing).
 * A leftover `manifest.tmp` from an interrupted {@link writeManifest} is ignored, never read or
 * promoted: it may be incomplete. Read-only: to remove that leftover, call
 * {@link removeStaleManifestTemp} (the engine does on open) or let the next write remove it.
 * Safe to call while a {@link writeManifest} runs: the rename makes it see the old file or the
 * new one.
 *
 * @param dir - the database directory.
 * @param options - `fs` defaults to a new `NodeFileSystem`.
 * @throws {LsmError} `LEVEL_CORRUPTION` when the file is not a valid manifest (see
 *   {@link decodeManifest}; an empty file is corruption); `LEVEL_NOT_SUPPORTED` for an intact
 *   manifest of a newer format version; `LEVEL_IO_ERROR` when the file system fails.
 *
 * @example
 * ```ts
 * const state = await readManifest('/data/db')
 * if (state === undefined) {
 *   // a new database
 * } else {
 *   console.log(`replay logs from ${state.logNumber}, L0 = ${state.levels[0]}`)
 * }
 * ```
 */
export async function readManifest(
  dir: string,
  options: ManifestFileOptions = {},
): Promise<ManifestState | undefined> {
  const fs = fileSystemOf(options)
  const path = join(dir, MANIFEST_FILE_NAME)
  let handle: FileHandle
  try {
    handle = await fs.open(path, 'read')
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
  let bytes: Uint8Array
  try {
    bytes = await handle.read(0, handle.size())
  } catch (err) {
    // The read's failure is the one worth reporting; a failing close would only hide it.
    await handle.close().catch(() => {})
    throw err
  }
  await handle.close()
  return decodeManifest(bytesAsText.decode(bytes), path)
}
