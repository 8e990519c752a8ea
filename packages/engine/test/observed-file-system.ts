/**
 * A file system for engine tests that forwards to another and lets a test watch and steer the
 * engine's calls (see {@link ObservedFileSystem}).
 */
import type { EngineOptions } from '@lsmkit/engine'
import {
  ErrorCode,
  type FileHandle,
  type FileLock,
  type FileSystem,
  LsmError,
  MemoryFileSystem,
  type OpenMode,
} from '@lsmkit/fs'

/** What {@link ObservedFileSystem.holdOpen} returns: a gate on one future call. */
export interface Hold {
  /** Resolves with the path once the held `open` has been called (and is waiting). */
  readonly reached: Promise<string>
  /** Lets the held `open` (and any later one it would have held) go ahead. */
  release(): void
}

/**
 * A file system that forwards to another and lets a test watch and steer what the engine does:
 * it counts `sync()` calls on handles, holds chosen `open` and `unlink` calls until the test
 * releases them (to freeze a flush or a compaction at a known point), and can play a dead process: after
 * {@link ObservedFileSystem.kill}, every call fails, so an engine left behind by a simulated
 * crash can no longer touch the files a new engine has opened.
 */
export class ObservedFileSystem implements FileSystem {
  /** `sync()` calls on handles of `.wal` files. */
  logSyncs = 0
  /** `sync()` calls on handles of any file. */
  syncs = 0
  readonly #holds: {
    op: 'open' | 'unlink'
    match: (path: string) => boolean
    arrive: (path: string) => void
    gate: Promise<void>
  }[] = []
  #dead = false

  constructor(readonly inner: FileSystem) {}

  /**
   * Makes the next `open` whose path satisfies `match` wait until {@link Hold.release}. Only
   * one call is held; later ones pass.
   */
  holdOpen(match: (path: string) => boolean): Hold {
    return this.#hold('open', match)
  }

  /** As {@link ObservedFileSystem.holdOpen}, for the next matching `unlink`. */
  holdUnlink(match: (path: string) => boolean): Hold {
    return this.#hold('unlink', match)
  }

  #hold(op: 'open' | 'unlink', match: (path: string) => boolean): Hold {
    let arrive!: (path: string) => void
    let release!: () => void
    const reached = new Promise<string>((resolve) => {
      arrive = resolve
    })
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    this.#holds.push({ op, match, arrive, gate })
    return { reached, release }
  }

  // Waits at a hold on `op` of `path`, if one is set.
  async #pass(op: 'open' | 'unlink', path: string): Promise<void> {
    const i = this.#holds.findIndex((h) => h.op === op && h.match(path))
    if (i < 0) return
    const [hold] = this.#holds.splice(i, 1)
    hold!.arrive(path)
    await hold!.gate
    this.check(op, path)
  }

  /** From now on every call fails with `LEVEL_IO_ERROR`, as for a process that died. */
  kill(): void {
    this.#dead = true
  }

  /** Throws when killed. */
  check(op: string, path: string): void {
    if (this.#dead) {
      throw new LsmError(ErrorCode.IO_ERROR, `test: ${op} ${path} after the process died`, {
        systemCode: 'EIO',
      })
    }
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    this.check('open', path)
    await this.#pass('open', path)
    return new ObservedHandle(this, await this.inner.open(path, mode))
  }

  async exists(path: string): Promise<boolean> {
    this.check('exists', path)
    return this.inner.exists(path)
  }

  async rename(from: string, to: string): Promise<void> {
    this.check('rename', from)
    return this.inner.rename(from, to)
  }

  async unlink(path: string): Promise<void> {
    this.check('unlink', path)
    await this.#pass('unlink', path)
    return this.inner.unlink(path)
  }

  async list(dir: string): Promise<string[]> {
    this.check('list', dir)
    return this.inner.list(dir)
  }

  async mkdir(dir: string): Promise<void> {
    this.check('mkdir', dir)
    return this.inner.mkdir(dir)
  }

  async syncDir(dir: string): Promise<void> {
    this.check('syncDir', dir)
    return this.inner.syncDir(dir)
  }

  async lock(path: string): Promise<FileLock> {
    this.check('lock', path)
    const lock = await this.inner.lock(path)
    return {
      path: lock.path,
      release: async () => {
        this.check('release', path)
        await lock.release()
      },
    }
  }
}

class ObservedHandle implements FileHandle {
  constructor(
    readonly fs: ObservedFileSystem,
    readonly inner: FileHandle,
  ) {}

  get path(): string {
    return this.inner.path
  }

  size(): number {
    this.fs.check('size', this.path)
    return this.inner.size()
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    this.fs.check('read', this.path)
    return this.inner.read(position, length)
  }

  readSync(position: number, length: number, into?: Uint8Array): Uint8Array {
    this.fs.check('read', this.path)
    return this.inner.readSync(position, length, into)
  }

  append(data: Uint8Array, start?: number, end?: number): void {
    this.fs.check('append', this.path)
    this.inner.append(data, start, end)
  }

  async sync(): Promise<void> {
    this.fs.check('sync', this.path)
    this.fs.syncs++
    if (this.path.endsWith('.wal')) this.fs.logSyncs++
    await this.inner.sync()
  }

  async truncate(size: number): Promise<void> {
    this.fs.check('truncate', this.path)
    await this.inner.truncate(size)
  }

  async close(): Promise<void> {
    this.fs.check('close', this.path)
    await this.inner.close()
  }
}

/** An in-memory file system behind an {@link ObservedFileSystem}, and options that use it. */
export function observed(options: EngineOptions = {}): {
  memory: MemoryFileSystem
  fs: ObservedFileSystem
  options: EngineOptions
} {
  const memory = new MemoryFileSystem()
  const fs = new ObservedFileSystem(memory)
  return { memory, fs, options: { ...options, fs } }
}
