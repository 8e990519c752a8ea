/**
 * lsmkit's file-system seam: the `FileSystem` interface that every writer and reader takes, its
 * two implementations, and the `LsmError` class that every lsmkit package throws.
 *
 * @module
 */

/** The details an `LsmError` can carry: cause, file, offset, system code. */
export type { LsmErrorOptions } from './errors.js'
/** The error class of every lsmkit package, its stable codes, and the checks for them. */
export { ErrorCode, isCorruption, isIoError, isLsmError, isNotFound, LsmError } from './errors.js'

/** The seam itself: what the engine asks of files, directories and locks. */
export type { FileHandle, FileLock, FileSystem, OpenMode } from './file-system.js'
/** The options of `MemoryFileSystem.powerCut`, `injectFault` and `writeFileSync`. */
export type {
  FaultOptions,
  MemoryFileSystemOptions,
  PowerCutOptions,
  WriteFileOptions,
} from './memory-file-system.js'

/** For tests: files in memory, with power cuts, torn writes and injected I/O faults. */
export { MemoryFileSystem } from './memory-file-system.js'
/** For production: real files through `node:fs`, with a cross-process lock file. */
export { NodeFileSystem } from './node-file-system.js'
