/**
 * Engine: the public face of an lsmkit database.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { type Bytes, toKey, toValue } from './input.js'
import { Background } from './internal/background.js'
import { type Core, notOpen } from './internal/core.js'
import { Memtable } from './internal/memtable.js'
import { currentView, lookupCurrent, type ReadView } from './internal/read-view.js'
import { recover } from './internal/recovery.js'
import { acquireThread, releaseThread } from './internal/shared-threads.js'
import { Slab } from './internal/slab.js'
import { encodeDelete, encodeOps, encodePut } from './internal/write-batch.js'
import { WriteQueue } from './internal/write-queue.js'
import { EngineIterator, type IteratorOptions } from './iterator.js'
import { type EngineOptions, resolveOptions } from './options.js'
import { EngineSnapshot } from './snapshot.js'
import { collectStats, type EngineStats } from './stats.js'

/** Options of a single write. */
export interface WriteOptions {
  /**
   * Fsync the log before the write resolves, making it and every write before it durable.
   * Default `false` (the engine's `durability` decides).
   */
  readonly sync?: boolean
}

/** One operation of {@link Engine.batch}. */
export type BatchOperation =
  | { readonly type: 'put'; readonly key: Bytes; readonly value: Bytes }
  | { readonly type: 'del'; readonly key: Bytes }

/**
 * A LevelDB-style key-value store: writes go to a write-ahead log and a memtable, memtables are
 * flushed to sorted tables in the background, and tables are compacted level by level.
 *
 * Keys and values are bytes (`Uint8Array`) or strings (stored as UTF-8); keys up to 65,535
 * bytes, values 1 to 65,535 bytes. Reads return `Uint8Array`s, `undefined` when not found.
 * Writes are applied in the order they are called, and each batch atomically.
 *
 * Every method rejects with an {@link @lsmkit/fs!LsmError}: `LEVEL_DATABASE_NOT_OPEN` after close,
 * `LEVEL_INVALID_KEY` / `LEVEL_INVALID_VALUE` / `LEVEL_INVALID_OPTION` for bad arguments (and
 * then nothing is written), `LEVEL_IO_ERROR` once an I/O failure has stopped writes (reopen to
 * recover), `LEVEL_CORRUPTION` for damaged files.
 *
 * @example
 * ```ts
 * await using db = await Engine.open('./data')
 * await db.put('user:1', 'ada')
 * await db.batch([{ type: 'put', key: 'user:2', value: 'grace' }, { type: 'del', key: 'user:1' }])
 * console.log(await db.get('user:2')) // Uint8Array of "grace"
 * ```
 */
export class Engine implements AsyncDisposable {
  readonly #core: Core
  readonly #writes: WriteQueue
  readonly #background: Background
  readonly #iterators = new Set<EngineIterator>()
  // Writes are encoded into memory carved from here (write-batch.ts): a caller may reuse its buffers.
  readonly #slab = new Slab(64 * 1024, true)
  readonly #snapshots = new Set<EngineSnapshot>()
  #closing: Promise<void> | undefined

  private constructor(core: Core) {
    this.#core = core
    if (core.options.flushThread) core.buildThread = acquireThread('flush')
    if (core.options.compactionThread) core.compactThread = acquireThread('compaction')
    this.#background = new Background(core)
    this.#writes = new WriteQueue(core, this.#background)
  }

  /**
   * Opens the database in `dir`, creating it unless `createIfMissing` is false, and recovers
   * what its logs hold. Recovered memtables are flushed in the background.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_LOCKED` when another handle (in this process or another)
   *   has it open; `LEVEL_CORRUPTION` naming the file for a damaged manifest, a missing or
   *   damaged table, or a damaged log that `walRecovery` does not allow past;
   *   `LEVEL_NOT_SUPPORTED` for an intact manifest or table of a newer format (written by a
   *   newer lsmkit); `LEVEL_DATABASE_NOT_OPEN` for `createIfMissing` / `errorIfExists` refusals;
   *   `LEVEL_INVALID_OPTION` for a bad option; `LEVEL_IO_ERROR` for I/O failures.
   */
  static async open(dir: string, options?: EngineOptions): Promise<Engine> {
    if (typeof dir !== 'string' || dir === '') {
      throw new LsmError(ErrorCode.INVALID_OPTION, 'engine: open() needs a directory path')
    }
    const o = resolveOptions(options)
    const { core, mustFlush } = await recover(dir, o)
    const engine = new Engine(core)
    if (mustFlush) {
      try {
        await engine.#background.flushAll()
      } catch (err) {
        await engine.close().catch(() => {})
        throw err
      }
    }
    engine.#background.schedule()
    return engine
  }

  /** `'open'`, `'closing'` or `'closed'`. */
  get status(): 'open' | 'closing' | 'closed' {
    return this.#core.status
  }

  /** The database directory. */
  get location(): string {
    return this.#core.dir
  }

  /** Sets `key` to `value`. */
  put(key: Bytes, value: Bytes, options?: WriteOptions): Promise<void> {
    // Not async: a write that commits at once returns a settled promise instead of making
    // one more and awaiting it. Every failure still arrives as a rejection.
    try {
      this.#core.checkWritable()
      const sync = syncOption(options)
      return this.#writes.submit(encodePut(this.#slab, toKey(key), toValue(value)), sync)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** Removes `key`. Removing a missing key is not an error. */
  delete(key: Bytes, options?: WriteOptions): Promise<void> {
    try {
      this.#core.checkWritable()
      const sync = syncOption(options)
      return this.#writes.submit(encodeDelete(this.#slab, toKey(key)), sync)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /**
   * Applies every operation atomically: after a crash, all of them or none. Every operation is
   * checked first; one bad operation fails the batch and none is applied.
   */
  async batch(operations: readonly BatchOperation[], options?: WriteOptions): Promise<void> {
    this.#core.checkWritable()
    const sync = syncOption(options)
    if (!Array.isArray(operations))
      throw new LsmError(ErrorCode.INVALID_OPTION, 'engine: batch() takes an array')
    // Every operation is checked before anything is encoded, so a bad one writes nothing.
    const keys: Uint8Array[] = new Array(operations.length)
    const values: (Uint8Array | undefined)[] = new Array(operations.length)
    for (let i = 0; i < operations.length; i++) {
      const op: unknown = operations[i]
      const { type, key, value } = (typeof op === 'object' && op !== null ? op : {}) as Record<
        string,
        unknown
      >
      if (type === 'put') {
        keys[i] = toKey(key)
        values[i] = toValue(value)
      } else if (type === 'del') {
        keys[i] = toKey(key)
        values[i] = undefined
      } else {
        throw new LsmError(
          ErrorCode.INVALID_OPTION,
          `engine: batch operation ${i} has type ${String(type)}, not put or del`,
        )
      }
    }
    if (keys.length === 0 && !sync) return
    await this.#writes.submit(encodeOps(this.#slab, keys, values), sync)
  }

  /**
   * The value of `key`, or `undefined` when it has none. The value is the caller's own copy, to
   * keep and modify; a short one is carved out of a shared 8 KiB buffer, as Node's `Buffer`
   * pool does, so do not transfer or detach its `buffer`.
   */
  get(key: Bytes): Promise<Uint8Array | undefined> {
    try {
      const value = this.getSync(key)
      const turn = this.#core.fairShare()
      return turn === undefined ? Promise.resolve(value) : turn.then(() => value)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /**
   * The synchronous twin of {@link Engine.get}: memtables are in memory and tables are read
   * from the page cache, so a lookup never waits on the thread pool.
   */
  getSync(key: Bytes): Uint8Array | undefined {
    if (this.#core.status !== 'open') throw notOpen()
    return lookupCurrent(this.#core, toKey(key))
  }

  /**
   * An iterator over a snapshot of the database taken now; see {@link EngineIterator}.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_DATABASE_NOT_OPEN`, `LEVEL_INVALID_KEY` for a bad bound,
   *   `LEVEL_INVALID_OPTION` for a bad `limit` or `reverse`.
   */
  iterator(options: IteratorOptions = {}): EngineIterator {
    if (this.#core.status !== 'open') throw notOpen()
    return this.#openIterator(currentView(this.#core), options)
  }

  /**
   * An explicit snapshot of the database as it is now, for reads that must agree with each
   * other; see {@link EngineSnapshot}. It keeps the tables it reads until it is closed: close
   * it when done (close() closes any left open).
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_DATABASE_NOT_OPEN`.
   */
  snapshot(): EngineSnapshot {
    if (this.#core.status !== 'open') throw notOpen()
    const snapshot = new EngineSnapshot(this.#core, {
      openIterator: (view, options) => this.#openIterator(view, options),
      onClose: (closed) => this.#snapshots.delete(closed),
    })
    this.#snapshots.add(snapshot)
    return snapshot
  }

  // `view` is the live core, or a snapshot's view of it.
  #openIterator(view: ReadView, options: IteratorOptions): EngineIterator {
    const it = new EngineIterator(this.#core, view, options, (closed) => this.#iterators.delete(closed))
    this.#iterators.add(it)
    return it
  }

  /** Makes every write acknowledged so far durable (fsyncs the log). */
  async sync(): Promise<void> {
    this.#core.checkWritable()
    await this.#writes.submit(EMPTY, true)
  }

  /** Freezes the active memtable and flushes every frozen one to L0, then resolves. */
  async flush(): Promise<void> {
    this.#core.checkWritable()
    await this.#writes.freeze()
    await this.#background.flushAll()
  }

  /** Flushes, then compacts every level down until all data sits in one level. */
  async compact(): Promise<void> {
    this.#core.checkWritable()
    await this.#writes.freeze()
    await this.#background.compactAll()
  }

  /** The shape of the tree and the work done; see {@link EngineStats}. */
  stats(): EngineStats {
    if (this.#core.status === 'closed') throw notOpen()
    return collectStats(this.#core)
  }

  /**
   * Waits for queued writes and running background work, closes open iterators and snapshots,
   * syncs the log and releases the lock. With the log on, memtables stay in the log (they are
   * not flushed); with `enableWal: false` they are flushed to tables first. Closing twice is
   * harmless.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_IO_ERROR` when the final sync fails, or when an I/O
   *   failure has stopped writes (even one in background work after the last write); the lock
   *   is released all the same.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  /** Closes the database; see {@link Engine.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  async #close(): Promise<void> {
    const core = this.#core
    // New calls are refused from here on; writes already queued still complete.
    core.status = 'closing'
    await this.#writes.idle()
    for (const it of [...this.#iterators]) await it.close()
    for (const snapshot of [...this.#snapshots]) await snapshot.close()
    let failure: unknown
    try {
      if (!core.options.enableWal && core.failure === undefined) {
        if (core.mem.entryCount > 0) {
          core.imms.unshift(core.mem)
          core.mem = new Memtable(core.nextFileNumber++)
        }
        await this.#background.flushAll()
      }
      await this.#background.idle()
      // Synced even after a background failure: the log may be sound, and what close()
      // resolves on must be durable. A failed log throws its failure here instead.
      if (core.log !== undefined) await core.log.sync()
    } catch (err) {
      failure = err
    }
    // A background fsync of the log (write-queue.ts) may still be running.
    await core.logSyncing
    await core.log?.close().catch(() => {})
    // Background work has stopped (or failed), so no flush waits on the thread any more.
    if (core.buildThread !== undefined) releaseThread('flush', core.buildThread)
    if (core.compactThread !== undefined) releaseThread('compaction', core.compactThread)
    // Nothing may keep the lock held: a table that fails to close is reported, not fatal.
    for (const table of core.levels.flat()) {
      await table.reader.close().catch((err: unknown) => (failure ??= err))
    }
    core.status = 'closed'
    core.notify()
    await core.lock.release()
    // A failure that stopped writes is reported, even when nothing was written after it.
    failure = core.failure ?? failure
    if (failure !== undefined) throw failure
  }
}

const EMPTY = new Uint8Array(0)

function syncOption(options: WriteOptions | undefined): boolean {
  if (options === undefined) return false
  if (typeof options !== 'object' || options === null) {
    throw new LsmError(ErrorCode.INVALID_OPTION, 'engine: write options must be an object')
  }
  if (options.sync !== undefined && typeof options.sync !== 'boolean') {
    throw new LsmError(ErrorCode.INVALID_OPTION, 'engine: sync must be a boolean')
  }
  return options.sync ?? false
}
