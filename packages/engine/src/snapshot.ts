/**
 * EngineSnapshot: an explicit, long-lived read view of the database, for several reads that must
 * agree with each other.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { type Bytes, toKey } from './input.js'
import { type Core, notOpen } from './internal/core.js'
import { currentView, lookup, type ReadView } from './internal/read-view.js'
import type { TableFile } from './internal/table-file.js'
import type { EngineIterator, IteratorOptions } from './iterator.js'

/**
 * How a snapshot opens iterators and reports its close: given by the {@link Engine}, which
 * tracks both so that `close()` can end them.
 *
 * @internal
 */
export interface SnapshotHost {
  /** Opens an iterator that reads `view`. */
  openIterator(view: ReadView, options: IteratorOptions): EngineIterator
  /** Called once, when the snapshot closes. */
  onClose(snapshot: EngineSnapshot): void
}

/**
 * The database as it was when {@link Engine.snapshot} was called: later writes, flushes and
 * compactions never change what `get`, `getSync` or `iterator` return. It is built the way an
 * iterator's implicit snapshot is: the sequence number of the last applied write (memtables are
 * read at it), the memtables that existed then, and the tables of every level, pinned so that a
 * compaction cannot delete them.
 *
 * Lifetime: the pinned tables stay on disk, and the captured memtables in memory, until the
 * snapshot is closed. Close it when done; the database closes any still open when it closes.
 * Iterators opened from a snapshot pin the tables themselves, so they stay usable after the
 * snapshot is closed (until they are closed, or the database is).
 *
 * Concurrency: creating a snapshot is synchronous, so a write called right after
 * `db.snapshot()` is never seen by it, while every write that resolved before is.
 *
 * @example
 * ```ts
 * await using snapshot = db.snapshot()
 * await db.put('a', '2')
 * snapshot.getSync('a') // the value before the put
 * ```
 */
export class EngineSnapshot implements AsyncDisposable {
  readonly #core: Core
  readonly #host: SnapshotHost
  readonly #view: ReadView
  readonly #pinned: TableFile[]
  #closed = false

  /** @internal Use `db.snapshot()`. */
  constructor(core: Core, host: SnapshotHost) {
    this.#core = core
    this.#host = host
    this.#view = currentView(core)
    this.#pinned = core.pin(this.#view.levels)
  }

  /** The sequence number the snapshot reads at: the last write it sees. */
  get sequence(): number {
    return this.#view.seq
  }

  /** True once {@link EngineSnapshot.close} was called (or the database closed). */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * The value `key` had when the snapshot was taken, or `undefined`.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CLOSED` after the snapshot's close;
   *   `LEVEL_DATABASE_NOT_OPEN` once the database closed; `LEVEL_INVALID_KEY`.
   */
  async get(key: Bytes): Promise<Uint8Array | undefined> {
    const value = this.getSync(key)
    const turn = this.#core.fairShare()
    if (turn !== undefined) await turn
    return value
  }

  /** The synchronous twin of {@link EngineSnapshot.get}. */
  getSync(key: Bytes): Uint8Array | undefined {
    this.#checkOpen()
    return lookup(this.#view, toKey(key))
  }

  /**
   * An iterator over the snapshot; options as for {@link Engine.iterator}.
   *
   * @throws {@link @lsmkit/fs!LsmError} as {@link EngineSnapshot.get}, and as {@link Engine.iterator}.
   */
  iterator(options: IteratorOptions = {}): EngineIterator {
    this.#checkOpen()
    return this.#host.openIterator(this.#view, options)
  }

  /** Releases the snapshot's tables and memtables. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#host.onClose(this)
    await this.#core.unpin(this.#pinned)
  }

  /** Closes the snapshot. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #checkOpen(): void {
    if (this.#closed) throw new LsmError(ErrorCode.CLOSED, 'engine: the snapshot is closed')
    if (this.#core.status !== 'open') throw notOpen()
  }
}
