/**
 * An in-memory {@link FileSystem} for tests that cut the power or fail a call.
 *
 * @module
 */

import type { FileHandle, FileLock, FileSystem, OpenMode } from './file-system.js'
import { FaultPlan } from './internal/fault-plan.js'
import { checkOpenMode, type IoErrorSite, ioError, lockedError } from './internal/fs-errors.js'
import { MemoryFileHandle, MemoryFileLock, type MemoryHost } from './internal/memory-file-handle.js'
import { DirNode, FileNode, lookup, plantFile, revertToDurable, splitPath } from './internal/memory-tree.js'

/** Options of {@link MemoryFileSystem.powerCut}. */
export interface PowerCutOptions {
  /**
   * Simulates torn writes. Called once for each surviving file whose current content extends
   * its durable content (the durable bytes are a prefix of the current ones), with the path it
   * survives under and the number of unsynced bytes at its end; returns how many of those bytes
   * to keep (clamped to `0..unsyncedBytes`). Default: none are kept.
   */
  keepUnsynced?: (path: string, unsyncedBytes: number) => number
}

/** Options of {@link MemoryFileSystem.injectFault}. */
export interface FaultOptions {
  /** The number of the call to fail, counting every call since the file system was made, from 1. */
  at: number
  /** The `systemCode` of the error. Default: `'EIO'`. */
  code?: 'EIO' | 'ENOSPC'
  /** Fail every later call too, as a dead disk would. Default: `false`. */
  sticky?: boolean
}

/** Options of {@link MemoryFileSystem.writeFileSync}. */
export interface WriteFileOptions {
  /**
   * Make the content, the file's name and the names of its parent directories durable, as if
   * synced. Default: `false`, so a power cut undoes the write.
   */
  durable?: boolean
}

/** Options of {@link MemoryFileSystem}. */
export interface MemoryFileSystemOptions {
  /** Record every call in {@link MemoryFileSystem.calls}. Default `false` (it costs memory). */
  readonly traceCalls?: boolean
}

/**
 * A {@link FileSystem} in memory that keeps, beside what a program sees, what would survive a
 * power cut, following POSIX strictly:
 * - a file's bytes are durable as of its last `sync()`;
 * - a name (a created, renamed or unlinked file, a made directory) is durable once `syncDir()`
 *   of the directory holding it has run; the root `/` always exists.
 *
 * {@link MemoryFileSystem.powerCut} then loses everything else, and
 * {@link MemoryFileSystem.injectFault} fails a chosen call. Every call on the file system and its
 * handles (`open`, `exists`, `rename`, `unlink`, `list`, `mkdir`, `syncDir`, `lock`, `release`,
 * and `size`, `read`, `readSync`, `append`, `sync`, `truncate`, `close`) is numbered from 1, so a
 * test can run a workload once, read {@link MemoryFileSystem.callCount}, and rerun it failing
 * call k for every k, or with a sticky fault at k followed by a power cut to stop the world
 * there. The helpers for tests (`powerCut`, `readFileSync`, …) are not counted.
 *
 * Paths are resolved with `path.posix.resolve('/', path)`, so relative paths start at `/`.
 * Errors follow Linux: `ENOENT`, `EEXIST`, `EISDIR`, `ENOTDIR`, `ENOTEMPTY`, `EBADF` (append to a
 * file opened for reading), `EINVAL` (truncate of one). Opening a directory fails with `EISDIR`.
 *
 * @example
 * ```ts
 * const fs = new MemoryFileSystem()
 * const file = await fs.open('/a.log', 'create')
 * file.append(new Uint8Array([1, 2, 3]))
 * await file.sync()
 * file.append(new Uint8Array([4]))
 * await fs.syncDir('/')
 * fs.powerCut()
 * fs.readFileSync('/a.log') // Uint8Array [1, 2, 3]
 * ```
 */
export class MemoryFileSystem implements FileSystem {
  readonly #root = new DirNode()
  readonly #faults: FaultPlan
  /** The resolved paths of the locks held. */
  readonly #locks = new Set<string>()
  #generation = 0
  readonly #host: MemoryHost

  constructor(options: MemoryFileSystemOptions = {}) {
    this.#faults = new FaultPlan(options.traceCalls === true)
    this.#host = {
      enter: (site) => this.#faults.enter(site),
      generation: () => this.#generation,
    }
  }

  /** How many calls the file system and its handles have received so far. */
  get callCount(): number {
    return this.#faults.count
  }

  /**
   * With `traceCalls`, what each call was, as `"<op> <path>"` (`calls[n - 1]` is call n, e.g.
   * `"append /db/000003.wal"`), so a test failing call k can tell what it failed; otherwise
   * empty.
   */
  get calls(): readonly string[] {
    return this.#faults.trace ?? []
  }

  /**
   * Opens `path`; `'append'` and `'create'` make a new file, whose name is not durable until
   * `syncDir` of its directory.
   *
   * @throws `LEVEL_IO_ERROR` with `ENOENT` (missing file in `'read'` mode, or missing directory),
   *   `EEXIST` (`'create'` of a taken name), `EISDIR` (a directory).
   */
  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const site = { op: 'open', path }
    this.#faults.enter(site)
    checkOpenMode(path, mode)
    const [parent, name] = this.#parentOf(site, path)
    let node = parent.entries.get(name)
    if (node?.kind === 'dir') throw ioError(site, mode === 'create' ? 'EEXIST' : 'EISDIR')
    if (node !== undefined && mode === 'create') throw ioError(site, 'EEXIST')
    if (node === undefined) {
      if (mode === 'read') throw ioError(site, 'ENOENT')
      node = new FileNode()
      parent.entries.set(name, node)
    }
    return new MemoryFileHandle(this.#host, path, node, mode !== 'read')
  }

  /** True when `path` names a file or directory. */
  async exists(path: string): Promise<boolean> {
    this.#faults.enter({ op: 'exists', path })
    return typeof lookup(this.#root, splitPath(path)) !== 'string'
  }

  /**
   * Moves the inode at `from` to `to`, replacing a file there (or an empty directory, when
   * moving a directory). Durable after `syncDir` of both directories; until then a power cut
   * may leave the old name or the new one, and across directories both or neither.
   *
   * @throws `LEVEL_IO_ERROR` with `ENOENT` when `from` or the directory of `to` is missing.
   */
  async rename(from: string, to: string): Promise<void> {
    const site = { op: 'rename', path: from, to }
    this.#faults.enter(site)
    const [fromDir, fromName] = this.#parentOf(site, from)
    const node = fromDir.entries.get(fromName)
    if (node === undefined) throw ioError(site, 'ENOENT')
    const [toDir, toName] = this.#parentOf(site, to)
    const target = toDir.entries.get(toName)
    if (target === node) return
    if (node.kind === 'dir') {
      const fromParts = splitPath(from)
      const toParts = splitPath(to)
      if (fromParts.every((part, i) => toParts[i] === part)) throw ioError(site, 'EINVAL')
      if (target?.kind === 'file') throw ioError(site, 'ENOTDIR')
      if (target !== undefined && target.entries.size > 0) throw ioError(site, 'ENOTEMPTY')
    } else if (target?.kind === 'dir') {
      throw ioError(site, 'EISDIR')
    }
    fromDir.entries.delete(fromName)
    toDir.entries.set(toName, node)
  }

  /** Removes the name `path`; open handles keep the file. @throws `ENOENT`, `EISDIR`. */
  async unlink(path: string): Promise<void> {
    const site = { op: 'unlink', path }
    this.#faults.enter(site)
    const [parent, name] = this.#parentOf(site, path)
    const node = parent.entries.get(name)
    if (node === undefined) throw ioError(site, 'ENOENT')
    if (node.kind === 'dir') throw ioError(site, 'EISDIR')
    parent.entries.delete(name)
  }

  /** The names in `dir`, sorted. @throws `ENOENT` when missing, `ENOTDIR` when a file. */
  async list(dir: string): Promise<string[]> {
    const site = { op: 'list', path: dir }
    this.#faults.enter(site)
    return [...this.#dirAt(site, dir).entries.keys()].sort()
  }

  /** Creates `dir` and its missing parents, none durable until `syncDir` of its parent. */
  async mkdir(dir: string): Promise<void> {
    const site = { op: 'mkdir', path: dir }
    this.#faults.enter(site)
    const parts = splitPath(dir)
    let node: DirNode = this.#root
    for (const [i, part] of parts.entries()) {
      let next = node.entries.get(part)
      if (next === undefined) {
        next = new DirNode()
        node.entries.set(part, next)
      }
      if (next.kind === 'file') throw ioError(site, i === parts.length - 1 ? 'EEXIST' : 'ENOTDIR')
      node = next
    }
  }

  /** Makes the current names in `dir` durable. @throws `ENOENT`, `ENOTDIR`. */
  async syncDir(dir: string): Promise<void> {
    const site = { op: 'syncDir', path: dir }
    this.#faults.enter(site)
    const node = this.#dirAt(site, dir)
    node.durable = new Map(node.entries)
  }

  /**
   * Takes the in-memory lock named by `path`, held until released or until a power cut. Like
   * `NodeFileSystem`, it (re)writes the lock file, with this process's pid, and `release()`
   * removes it; a lock file left over from before a power cut does not block.
   *
   * @throws `LEVEL_LOCKED` while held; `LEVEL_IO_ERROR` with `ENOENT` when the directory is missing.
   */
  async lock(path: string): Promise<FileLock> {
    const site = { op: 'lock', path }
    this.#faults.enter(site)
    const key = splitPath(path).join('/')
    if (this.#locks.has(key)) throw lockedError(path, 'another holder in this file system')
    const [parent, name] = this.#parentOf(site, path)
    if (parent.entries.get(name)?.kind === 'dir') throw ioError(site, 'EISDIR')
    const file = new FileNode()
    file.append(new TextEncoder().encode(`${process.pid}\n`))
    parent.entries.set(name, file)
    const lock = new MemoryFileLock(
      this.#host,
      path,
      () => this.#locks.delete(key),
      () => {
        if (parent.entries.get(name) === file) parent.entries.delete(name)
      },
    )
    this.#locks.add(key)
    return lock
  }

  /**
   * Kills the process that used this file system: every handle opened before is dead
   * (`LEVEL_IO_ERROR`, `EIO`) and every lock is released, as the operating system does for a
   * process that died, but nothing is lost: every byte written stays, and what was not durable
   * stays not durable, for a later {@link MemoryFileSystem.powerCut} to take.
   */
  processCrash(): void {
    this.#generation++
    this.#locks.clear()
  }

  /**
   * Cuts the power: everything not durable is lost (see the class comment). A file whose name
   * was never made durable vanishes; one whose content was never synced is empty. Afterwards
   * every handle opened before is dead (`LEVEL_IO_ERROR`, `EIO`), every lock is released and
   * every injected fault cleared; {@link MemoryFileSystem.callCount} keeps counting.
   */
  powerCut(options: PowerCutOptions = {}): void {
    revertToDurable(this.#root, options.keepUnsynced)
    this.#generation++
    this.#locks.clear()
    this.#faults.clear()
  }

  /**
   * Makes call number `options.at` fail with `LEVEL_IO_ERROR` and `options.code`, having done
   * nothing; with `sticky`, every later call fails too. Faults add up until
   * {@link MemoryFileSystem.clearFaults} or a power cut.
   *
   * @throws `LEVEL_INVALID_OPTION` when `at` is not a positive integer.
   */
  injectFault(options: FaultOptions): void {
    this.#faults.add({ at: options.at, code: options.code ?? 'EIO', sticky: options.sticky ?? false })
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.#faults.clear()
  }

  /** A copy of the current content of the file at `path`, or `undefined` if there is no file. */
  readFileSync(path: string): Uint8Array | undefined {
    const node = lookup(this.#root, splitPath(path))
    return typeof node !== 'string' && node.kind === 'file' ? node.content().slice() : undefined
  }

  /**
   * The size of the durable content of the file now at `path` (what a power cut would leave if
   * its name survives), or `undefined` if there is no file.
   */
  durableSize(path: string): number | undefined {
    const node = lookup(this.#root, splitPath(path))
    return typeof node !== 'string' && node.kind === 'file' ? node.durable.length : undefined
  }

  /**
   * Plants or damages a file: replaces the content of the file at `path` (open handles see the
   * change), creating it and any missing parent directories. Not a counted call, and never faulted.
   *
   * @throws `LEVEL_IO_ERROR` with `EISDIR` when `path` is a directory, `ENOTDIR` when a parent is a file.
   */
  writeFileSync(path: string, bytes: Uint8Array, options: WriteFileOptions = {}): void {
    const failure = plantFile(this.#root, splitPath(path), bytes, options.durable === true)
    if (failure !== undefined) throw ioError({ op: 'writeFileSync', path }, failure)
  }

  /** The directory holding `path`, and the last component of `path`. */
  #parentOf(site: IoErrorSite, path: string): [DirNode, string] {
    const parts = splitPath(path)
    const name = parts.pop()
    // Every operation that takes a parent fails on the root the way Linux does.
    if (name === undefined) throw ioError(site, site.op === 'rename' ? 'EBUSY' : 'EISDIR')
    return [this.#dirAt(site, parts), name]
  }

  #dirAt(site: IoErrorSite, path: string | string[]): DirNode {
    const node = lookup(this.#root, typeof path === 'string' ? splitPath(path) : path)
    if (node === 'ENOENT' || node === 'ENOTDIR') throw ioError(site, node)
    if (node.kind !== 'dir') throw ioError(site, 'ENOTDIR')
    return node
  }
}
