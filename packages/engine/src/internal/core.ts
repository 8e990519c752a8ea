/**
 * The engine's shared state: memtables, levels, file numbers, failure, and the one place that
 * persists a change of levels (manifest first, deletions after).
 *
 * @module
 */
import { join } from 'node:path'
import { ErrorCode, type FileLock, isLsmError, LsmError } from '@lsmkit/fs'
import type { LogWriter } from '@lsmkit/log'
import { writeManifest } from '@lsmkit/manifest'
import type { BlockCache, TableMemory } from '@lsmkit/sstable'
import { fileName, LEVEL_COUNT, LOG_SUFFIX, TABLE_SUFFIX } from '../format.js'
import type { ResolvedOptions } from '../options.js'
import type { BuildThread } from './build-thread.js'
import type { Memtable } from './memtable.js'
import type { Levels, TableFile } from './table-file.js'

/** What recovery found and did when the database was opened. */
export interface RecoveryReport {
  /** Logs replayed, oldest first. */
  readonly logsReplayed: number[]
  /** Batches replayed from them. */
  readonly batches: number
  /** Bytes of log read. */
  readonly bytes: number
  /** Bytes dropped: torn tails, and damage that `walRecovery` allowed to be skipped. */
  readonly droppedBytes: number
  /** Files removed because nothing referenced them. */
  readonly filesRemoved: string[]
  /** Milliseconds the recovery took. */
  readonly millis: number
}

/** Running totals of bytes written, for write amplification. */
export interface Counters {
  userBytes: number
  logBytes: number
  flushBytes: number
  compactionBytes: number
  flushes: number
  compactions: number
  flushesOnThread: number
  compactionsOnThread: number
  /** Milliseconds writes waited, by cause; see {@link WriteStalls}. */
  stalls: { slowdown: number; memtables: number; l0: number; logSync: number }
}

// How long foreground calls may hold the event loop before they yield to background work.
const FAIR_SHARE_MS = 2
// Foreground calls between two readings of the clock: a reading (performance.now) took about
// 0.1 µs, more than 1% of a random put, and calls take microseconds, so the yield comes at
// most a few dozen microseconds later than the clock alone would make it.
const CALLS_PER_CLOCK = 16

/** The engine's state, shared by the write path, background work, reads and iterators. */
export class Core {
  /** The active memtable. */
  mem: Memtable
  /** The active memtable's log, when the log is enabled. */
  log: LogWriter | undefined
  /**
   * An fsync of the active log started in the background (see write-queue.ts), until it
   * settles. Never rejects: a failure fails the engine.
   */
  logSyncing: Promise<void> | undefined
  /** Frozen memtables waiting to be flushed, newest first. */
  imms: Memtable[] = []
  /** The tables of each level. */
  levels: Levels
  /** The next unused file id. */
  nextFileNumber: number
  /** The sequence number of the last write applied to a memtable. */
  seq = 0
  /** Set once an I/O error (or worse) has made the engine refuse writes until reopened. */
  failure: LsmError | undefined
  /** `'open'`, then `'closing'` while close() drains, then `'closed'`. */
  status: 'open' | 'closing' | 'closed' = 'open'
  /** Log files on disk that may still be needed, by id. */
  readonly logIds = new Set<number>()
  readonly counters: Counters = {
    userBytes: 0,
    logBytes: 0,
    flushBytes: 0,
    compactionBytes: 0,
    flushes: 0,
    compactions: 0,
    flushesOnThread: 0,
    compactionsOnThread: 0,
    stalls: { slowdown: 0, memtables: 0, l0: 0, logSync: 0 },
  }
  /** The thread flushes build their tables on, unless `flushThread` is off. */
  buildThread: BuildThread | undefined
  /** The thread compactions merge on, unless `compactionThread` is off. */
  compactThread: BuildThread | undefined
  /** True while a background job runs; see {@link Core.fairShare}. */
  backgroundBusy = false
  #waiters: (() => void)[] = []
  #lastYield = 0
  // Calls left before owesTurn reads the clock again, and whether its last reading found a
  // turn owed, which stays owed until fairShare yields.
  #callsToClock = CALLS_PER_CLOCK
  #turnOwed = false
  readonly #removals = new Set<Promise<void>>()

  constructor(
    readonly dir: string,
    readonly options: ResolvedOptions,
    readonly cache: BlockCache,
    /** Table files held whole in memory; see the `tableMemorySize` option. */
    readonly tableMemory: TableMemory,
    readonly lock: FileLock,
    readonly recovery: RecoveryReport,
    mem: Memtable,
    levels: Levels,
    nextFileNumber: number,
  ) {
    this.mem = mem
    this.levels = levels
    this.nextFileNumber = nextFileNumber
  }

  /** The path of log or table `id`. */
  path(id: number, suffix: typeof LOG_SUFFIX | typeof TABLE_SUFFIX): string {
    return join(this.dir, fileName(id, suffix))
  }

  /** The smallest log still needed: the oldest memtable's. */
  logNumber(): number {
    return (this.imms.at(-1) ?? this.mem).id
  }

  /**
   * Makes `levels` the database's levels: writes the manifest (durably), then drops the tables
   * in `dropped` (deleted once unpinned) and the logs below `logNumber`. Resolves once the
   * manifest is written; the deletions run on, and {@link Core.settled} waits for them.
   *
   * Deleting is left running because each deletion waits for the event loop, which a busy
   * writer holds for a batch at a time, and nothing needs the files gone: a flush that waited
   * for its log's unlink held up the next flush (see docs/guides/performance.md).
   */
  async install(levels: Levels, dropped: readonly TableFile[], logNumber = this.logNumber()): Promise<void> {
    await writeManifest(
      this.dir,
      {
        logNumber,
        nextFileNumber: this.nextFileNumber,
        levels: Array.from({ length: LEVEL_COUNT }, (_, i) => (levels[i] ?? []).map((t) => t.id)),
      },
      { fs: this.options.fs },
    )
    this.levels = levels
    for (const table of dropped) {
      table.obsolete = true
      if (table.pins === 0) this.#removeLater(this.#deleteTable(table))
    }
    for (const id of [...this.logIds]) {
      if (id >= logNumber) continue
      this.logIds.delete(id)
      this.#removeLater(this.#unlink(this.path(id, LOG_SUFFIX)))
    }
  }

  /** Resolves once every deletion {@link Core.install} started has finished. */
  async settled(): Promise<void> {
    while (this.#removals.size > 0) await Promise.all(this.#removals)
  }

  // Deletions never reject (see #deleteTable and #unlink), so nothing here can go unhandled.
  #removeLater(removal: Promise<void>): void {
    this.#removals.add(removal)
    void removal.then(() => this.#removals.delete(removal))
  }

  /** Pins every table of `levels` for an iterator; returns them for {@link Core.unpin}. */
  pin(levels: Levels): TableFile[] {
    const tables = levels.flat()
    for (const table of tables) table.pins++
    return tables
  }

  /** Releases pins; deletes tables that became obsolete meanwhile. */
  async unpin(tables: readonly TableFile[]): Promise<void> {
    for (const table of tables) {
      table.pins--
      if (table.pins === 0 && table.obsolete) await this.#deleteTable(table)
    }
  }

  /** Puts the engine in the failed state (once) and returns the error writes will get. */
  fail(err: unknown): LsmError {
    this.failure ??= isLsmError(err)
      ? err
      : new LsmError(ErrorCode.IO_ERROR, 'engine: background work failed', { cause: err })
    this.notify()
    return this.failure
  }

  /** Throws unless writes are accepted. */
  checkWritable(): void {
    if (this.status !== 'open') throw notOpen()
    if (this.failure !== undefined) throw this.failure
  }

  /**
   * A promise to await when foreground calls have kept the event loop from background work for
   * a while, else `undefined`. Reads and log appends are synchronous, so a caller awaiting them
   * in a tight loop never lets the event loop turn; background flushes and compactions, which
   * yield with setImmediate and wait on file I/O, would starve. Yielding once every few
   * milliseconds while background work runs bounds that, at a negligible cost.
   *
   * A background fsync of the log counts as background work too: its completion reaches
   * JavaScript only when the event loop turns, and until it does no further background fsync
   * starts (write-queue.ts), so the whole log was left for the fsync at the memtable's rotation.
   */
  fairShare(): Promise<void> | undefined {
    if (!this.owesTurn()) return undefined
    this.#turnOwed = false
    this.#callsToClock = CALLS_PER_CLOCK
    this.#lastYield = performance.now()
    return new Promise((resolve) => setImmediate(resolve))
  }

  /** True when {@link Core.fairShare} would yield now. */
  owesTurn(): boolean {
    if (!this.backgroundBusy && this.logSyncing === undefined) return false
    if (this.#turnOwed) return true
    if (--this.#callsToClock > 0) return false
    this.#callsToClock = CALLS_PER_CLOCK
    this.#turnOwed = performance.now() - this.#lastYield >= FAIR_SHARE_MS
    return this.#turnOwed
  }

  /** Resolves at the next change of memtables or levels (or failure). */
  waitForProgress(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** Wakes everything waiting in {@link Core.waitForProgress}. */
  notify(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }

  async #deleteTable(table: TableFile): Promise<void> {
    // Like a failed unlink, a failed close of a table nothing reads any more costs a
    // descriptor, not data: it must not fail the compaction, an iterator's close or close().
    await table.reader.close().catch(() => {})
    await this.#unlink(this.path(table.id, TABLE_SUFFIX))
  }

  // A file that cannot be deleted costs space, not data: recovery removes it on the next open.
  async #unlink(path: string): Promise<void> {
    try {
      await this.options.fs.unlink(path)
    } catch {
      // Left for recovery.
    }
  }
}

/** The error for a call on a database that is not open. */
export function notOpen(): LsmError {
  return new LsmError(ErrorCode.DATABASE_NOT_OPEN, 'engine: the database is not open')
}
