/**
 * The file-system seam: exactly the operations lsmkit's writers and readers need, so that the
 * engine runs on real files in production and on {@link MemoryFileSystem} when a test must cut
 * the power or fail a call.
 *
 * Contract shared by every implementation:
 * - Paths are absolute or relative strings, resolved the way `node:path` resolves them.
 * - Every failure is an {@link LsmError}: `LEVEL_IO_ERROR` with the system's code in
 *   `systemCode` (`ENOENT` for a missing file, `EEXIST`, `EIO`, `ENOSPC`…), `LEVEL_LOCKED` from
 *   {@link FileSystem.lock}, `LEVEL_CLOSED` for a handle used after `close()`.
 * - Nothing is durable until it is synced: file contents by {@link FileHandle.sync}, the
 *   existence of a name (create, rename, unlink, mkdir) by {@link FileSystem.syncDir} on the
 *   directory that holds it.
 *
 * @module
 */

/**
 * How {@link FileSystem.open} opens a file.
 * - `'read'`: an existing file, for reading only.
 * - `'append'`: read and append; the file is created if missing, and writes go to its end.
 * - `'create'`: read and append to a new file; fails with `EEXIST` if the name is taken, so
 *   that no file is ever overwritten by accident.
 */
export type OpenMode = 'read' | 'append' | 'create'

/** An open file. Not safe for concurrent appends from several writers. */
export interface FileHandle {
  /** The path the file was opened with, used in error messages. */
  readonly path: string

  /** The file's current size in bytes, including appended bytes that are not yet synced. */
  size(): number

  /**
   * Reads up to `length` bytes at `position`. Returns fewer bytes only at the end of the file
   * (none past it). Positional: does not move the append position. The result is new memory
   * the caller owns (never a view of memory the file system keeps), so it may be modified or
   * transferred to another thread.
   *
   * @throws `LEVEL_INVALID_OPTION` when `position` or `length` is not a non-negative integer.
   */
  read(position: number, length: number): Promise<Uint8Array>

  /**
   * The synchronous twin of {@link FileHandle.read}, for reads served by the page cache.
   *
   * `into`, when given and at least `length` bytes long, is memory the caller offers for the
   * result: an implementation may read into its start and return a view of it, or ignore it
   * and return a new array. Callers use what is returned either way. It lets a cache recycle
   * the memory of blocks it evicts instead of allocating each read (an ArrayBuffer of 4 KiB
   * costs several times the read itself from JavaScript).
   */
  readSync(position: number, length: number, into?: Uint8Array): Uint8Array

  /**
   * Appends `data[start, end)` (all of `data` by default) at the end of the file,
   * synchronously, handing it to the operating system: after it returns, the bytes survive a
   * crash of this process but not a power cut. A range spares a caller that writes part of a
   * buffer (the log, every write) a view of it.
   * A partial write is retried until every byte is written or an error is thrown. Once it
   * returns, `data` is the caller's again, to reuse or release (the log reuses its buffer, the
   * engine detaches a written table's memory): an implementation copies what it keeps.
   *
   * @throws `LEVEL_IO_ERROR` with `EBADF` on a file opened in `'read'` mode;
   *   `LEVEL_INVALID_OPTION`, appending nothing, unless `0 <= start <= end <= data.length` (integers).
   */
  append(data: Uint8Array, start?: number, end?: number): void

  /** Makes the file's contents and size durable (fdatasync). */
  sync(): Promise<void>

  /**
   * Cuts (or extends with zeros) the file to `size` bytes. Durable only after {@link FileHandle.sync}.
   *
   * @throws `LEVEL_IO_ERROR` with `EINVAL` on a file opened in `'read'` mode.
   */
  truncate(size: number): Promise<void>

  /** Releases the handle. Does not sync. Closing twice is harmless. */
  close(): Promise<void>
}

/** A held lock; see {@link FileSystem.lock}. */
export interface FileLock {
  /** The lock file's path. */
  readonly path: string
  /**
   * Releases the lock. Releasing twice is harmless. A release that fails (`LEVEL_IO_ERROR`) has
   * still freed the lock; only its file may be left behind, which the next `lock()` takes over.
   */
  release(): Promise<void>
}

/**
 * The operations lsmkit performs on files and directories.
 *
 * A method that returns a promise reports every failure by rejecting it, never by throwing:
 * callers start several such calls before awaiting any (a close beside a rename), and a
 * synchronous throw would leave the others' failures unhandled. Both implementations here are
 * `async` throughout; an implementation of your own should be too.
 */
export interface FileSystem {
  /**
   * Opens `path` as `mode` describes. A missing file in `'read'` mode, or a missing directory in
   * any mode, fails with `ENOENT`; a directory fails with `EISDIR` (`EEXIST` in `'create'` mode).
   */
  open(path: string, mode: OpenMode): Promise<FileHandle>

  /** True when `path` names an existing file or directory. */
  exists(path: string): Promise<boolean>

  /** Atomically replaces `to` with `from`. Durable after {@link FileSystem.syncDir}. */
  rename(from: string, to: string): Promise<void>

  /** Removes the file `path`. Durable after {@link FileSystem.syncDir}. */
  unlink(path: string): Promise<void>

  /** The names (not paths) of the entries of directory `dir`, sorted. */
  list(dir: string): Promise<string[]>

  /** Creates directory `dir` and any missing parents; an existing directory is fine. */
  mkdir(dir: string): Promise<void>

  /** Makes the entries of directory `dir` durable: files created, renamed or removed in it. */
  syncDir(dir: string): Promise<void>

  /**
   * Takes an exclusive lock named by the file `path`, held until released or until the process
   * ends. Fails with `LEVEL_LOCKED` while another holder, in this process or another, has it.
   * A lock left behind by a process that died does not block.
   */
  lock(path: string): Promise<FileLock>
}
