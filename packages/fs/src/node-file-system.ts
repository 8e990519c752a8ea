/**
 * The production {@link FileSystem}: real files through `node:fs`.
 *
 * @module
 */

import { closeSync, constants, fsync, openSync } from 'node:fs'
import { mkdir, type FileHandle as NodeHandle, open, readdir, rename, stat, unlink } from 'node:fs/promises'
import { promisify } from 'node:util'
import type { FileHandle, FileLock, FileSystem, OpenMode } from './file-system.js'
import { checkOpenMode, fromNodeError, type IoErrorSite, ioError } from './internal/fs-errors.js'
import { NodeFileHandle } from './internal/node-file-handle.js'
import { acquireLock } from './internal/node-lock.js'

/** The `open(2)` flags behind each {@link OpenMode}. */
const FLAGS: Readonly<Record<OpenMode, string>> = {
  read: 'r',
  append: 'a+',
  create: 'ax+',
}

/**
 * {@link FileSystem} on the real file system, through `node:fs`.
 *
 * - Handles append, `readSync` and `size` with synchronous calls on the descriptor
 *   (`writeSync`, `readSync`, `fstatSync`), so a writer can frame records without awaiting each
 *   one; `read`, `sync` (fdatasync), `truncate` and `close` are asynchronous.
 * - Opening a directory fails with `EISDIR` in every mode.
 * - {@link NodeFileSystem.syncDir} opens the directory read-only and fsyncs it, as POSIX needs
 *   for a new, renamed or removed name to survive a power cut.
 * - Paths are passed to Node as given, so relative paths resolve against `process.cwd()`.
 *
 * Every failure is an `LsmError`: Node's errors become `LEVEL_IO_ERROR` with Node's `code` as
 * `systemCode` and the original error as `cause`.
 *
 * Concurrency: calls may overlap, except that appends to one file must come from one writer.
 *
 * @example
 * ```ts
 * const fs = new NodeFileSystem()
 * await fs.mkdir('/var/db')
 * const lock = await fs.lock('/var/db/LOCK')
 * const log = await fs.open('/var/db/000001.log', 'create')
 * log.append(new TextEncoder().encode('hello'))
 * await log.sync()
 * await fs.syncDir('/var/db')
 * await log.close()
 * await lock.release()
 * ```
 */
export class NodeFileSystem implements FileSystem {
  /**
   * Opens `path`: `'read'` with flags `r`, `'append'` with `a+` (created if missing, every write
   * at the end), `'create'` with `ax+` (fails if the name is taken).
   *
   * @throws `LEVEL_IO_ERROR` with `ENOENT` (missing file in `'read'` mode, or missing directory),
   *   `EEXIST` (`'create'` of a taken name), `EISDIR` (a directory), or whatever else the system
   *   reports.
   */
  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    checkOpenMode(path, mode)
    const site = { op: 'open', path }
    const handle = await attempt(site, () => open(path, FLAGS[mode]))
    if (mode === 'read') await refuseDirectory(site, handle)
    return new NodeFileHandle(path, handle)
  }

  /**
   * True when `path` names an existing file or directory (following symbolic links).
   *
   * @throws `LEVEL_IO_ERROR` when the answer is unknown, e.g. `EACCES` on a parent directory.
   */
  async exists(path: string): Promise<boolean> {
    try {
      await stat(path)
      return true
    } catch (err) {
      const code = (err as { code?: unknown }).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return false
      throw fromNodeError({ op: 'exists', path }, err)
    }
  }

  /**
   * Atomically renames `from` to `to`, replacing a file at `to`. Durable after `syncDir` of both
   * parent directories.
   *
   * @throws `LEVEL_IO_ERROR` with `ENOENT` when `from` or the directory of `to` is missing.
   */
  async rename(from: string, to: string): Promise<void> {
    await attempt({ op: 'rename', path: from, to }, () => rename(from, to))
  }

  /** Removes the file `path`. @throws `LEVEL_IO_ERROR` with `ENOENT` when it is missing. */
  async unlink(path: string): Promise<void> {
    await attempt({ op: 'unlink', path }, () => unlink(path))
  }

  /**
   * The names in directory `dir`, sorted by UTF-16 code unit.
   *
   * @throws `LEVEL_IO_ERROR` with `ENOENT` when `dir` is missing, `ENOTDIR` when it is a file.
   */
  async list(dir: string): Promise<string[]> {
    const names = await attempt({ op: 'list', path: dir }, () => readdir(dir))
    return names.sort()
  }

  /** Creates `dir` and its missing parents. @throws `LEVEL_IO_ERROR` with `EEXIST` when `dir` is a file. */
  async mkdir(dir: string): Promise<void> {
    await attempt({ op: 'mkdir', path: dir }, () => mkdir(dir, { recursive: true }))
  }

  /**
   * Fsyncs directory `dir`, making the names created, renamed or removed in it durable.
   *
   * @throws `LEVEL_IO_ERROR` with `ENOENT` when `dir` is missing.
   */
  async syncDir(dir: string): Promise<void> {
    const site = { op: 'syncDir', path: dir }
    // Opening and closing a directory are cheap, so they are synchronous: of the three steps
    // only the fsync waits for the thread pool, and an engine busy writing pays one round
    // trip through its event loop instead of three.
    let fd: number
    try {
      fd = openSync(dir, constants.O_RDONLY)
    } catch (err) {
      throw fromNodeError(site, err)
    }
    try {
      await fsyncAsync(fd)
    } catch (err) {
      closeQuietly(fd)
      throw fromNodeError(site, err)
    }
    try {
      closeSync(fd)
    } catch (err) {
      throw fromNodeError(site, err)
    }
  }

  /**
   * Takes the exclusive lock named by the file `path`, between processes and within this one.
   *
   * The lock file is published atomically (written under a temporary name, then hard-linked to
   * `path`) and holds the holder's pid, a token of its own, and (on Linux) the kernel's boot id
   * and the holder's start time. A lock file is stale when its content is not a pid (a crash or
   * power cut mid-write), or when it names:
   * - no running process;
   * - this process's pid, without being one of this process's locks: a container restarted
   *   after a crash runs as pid 1 again and finds its predecessor's file;
   * - a process of another boot (a service that got the same pid after a reboot);
   * - a running process that started at another time than the one recorded (a reused pid).
   *
   * A stale file is renamed aside, checked to be unchanged, removed, and the lock is taken.
   * `release()` removes the lock file if it is still this holder's.
   *
   * Limits, inherent in pid lock files:
   * - Where `/proc` is missing (macOS, say), only the pid is checked: a stale lock file whose
   *   pid now belongs to an unrelated process blocks until it is removed by hand.
   * - Liveness is judged in this machine's and this pid namespace's view, so holders on other
   *   hosts (network file systems) or in other containers sharing the directory look dead.
   * - The file system must support hard links.
   * - Two processes clearing the same stale lock while a third takes it can, in a very narrow
   *   race, leave two holders; each clearing step is atomic, the sequence is not.
   * - A crash between steps can leave a `*.tmp` or `*.stale` file beside the lock file.
   *
   * @throws `LEVEL_LOCKED` while a live process, this one included, holds the lock;
   *   `LEVEL_IO_ERROR` with `ENOENT` when the directory of `path` is missing.
   */
  async lock(path: string): Promise<FileLock> {
    return acquireLock(path)
  }
}

/**
 * POSIX lets a directory be opened read-only; refuse it, as the other modes do, so that the
 * mistake surfaces at open rather than at the first read.
 */
async function refuseDirectory(site: IoErrorSite, handle: NodeHandle): Promise<void> {
  let isDirectory: boolean
  try {
    isDirectory = (await handle.stat()).isDirectory()
  } catch (err) {
    await handle.close().catch(() => undefined)
    throw fromNodeError(site, err)
  }
  if (isDirectory) {
    await handle.close().catch(() => undefined)
    throw ioError(site, 'EISDIR')
  }
}

const fsyncAsync = promisify(fsync)

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // The fsync's error is the one to report.
  }
}

/** Runs one Node call, turning what it throws into an `LsmError`. */
async function attempt<T>(site: IoErrorSite, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw fromNodeError(site, err)
  }
}
