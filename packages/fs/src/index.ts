export type { LsmErrorOptions } from './errors.js'
export { ErrorCode, isCorruption, isIoError, isLsmError, isNotFound, LsmError } from './errors.js'
export type { FileHandle, FileLock, FileSystem, OpenMode } from './file-system.js'
