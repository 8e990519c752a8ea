/**
 * The write path: group commit, memtable rotation and write stalls.
 *
 * Writers enqueue and wait. One drain loop at a time takes every queued write, appends the
 * group to the log in one system call (and one fsync, if any of them asked for one), applies
 * it to the memtable in order, and resolves them all. Writers that arrive during an fsync form
 * the next group, so concurrent sync writers share fsyncs.
 *
 * @module
 */
import { ENTRY_HEADER_SIZE, LogWriter } from '@lsmkit/log'
import { LOG_SUFFIX } from '../format.js'
import type { Background } from './background.js'
import type { Core } from './core.js'
import { buildAhead, FLUSH_THREAD_MIN_BYTES } from './flush.js'
import { Memtable } from './memtable.js'

interface PendingWrite {
  /** True for a request to freeze the memtable (db.flush()), which is ordered with writes. */
  readonly freeze: boolean
  /** The write, encoded (see write-batch.ts); empty for a freeze or a bare sync. */
  readonly batch: Uint8Array
  readonly sync: boolean
  readonly resolve: () => void
  readonly reject: (err: unknown) => void
}

const DONE = Promise.resolve()
const EMPTY = new Uint8Array(0)
// The log's append options, made once: an object per write was a tenth of its garbage.
const FLUSHED = { flush: true } as const
const BUFFERED = { flush: false } as const

// A group stops growing past this many bytes, so one huge queue does not make one huge write.
const MAX_GROUP_BYTES = 1 << 20
// How many frozen memtables may wait for their flush before writers wait instead.
const MAX_FROZEN = 2
// The active log is fsynced in the background once this many bytes were appended since the
// last fsync began, so that the fsync writes wait for when the log is full (before writes move
// to a new log) finds little left to write: RocksDB's wal_bytes_per_sync, for the same reason.
const BACKGROUND_SYNC_BYTES = 1 << 20
// The first memtable this full starts the build threads, when memtables are big enough to be
// flushed on them: a thread takes a few hundred milliseconds to start, and one started only at
// the first flush (as before) left that flush to this thread, about 3% of the writer's CPU in
// the bench's random load.
const WARM_THREADS_BYTES = 256 * 1024

export class WriteQueue {
  #queue: PendingWrite[] = []
  #draining = false
  #idle: Promise<void> = Promise.resolve()
  #markIdle: () => void = () => {}
  // The one-write group of a write committed at once, reused so that it costs no array.
  readonly #single: Uint8Array[] = [EMPTY]
  // The active log's size when its last fsync began, background or not.
  #syncedSize = 0
  #threadsWarmed = false

  constructor(
    private readonly core: Core,
    private readonly background: Background,
  ) {}

  /**
   * Writes `batch` (one atomic batch, encoded by write-batch.ts, which the memtable then keeps)
   * and resolves once it is as durable as the options ask. An empty `batch` with `sync` makes
   * every earlier write durable.
   */
  submit(batch: Uint8Array, sync: boolean): Promise<void> {
    if (!sync && this.#commitNow(batch)) return DONE
    return this.#enqueue(false, batch, sync)
  }

  // The common case of one writer at a time: nothing queued or in flight, room in the memtable,
  // no stall, no turn owed to background work, no fsync. Committing at once skips a promise, a
  // microtask and the drain loop per write; order is kept, since nothing came before.
  #commitNow(batch: Uint8Array): boolean {
    const core = this.core
    const o = core.options
    if (
      this.#draining ||
      o.durability === 'fsync' ||
      core.mem.approximateBytes >= o.memtableSize ||
      (core.levels[0]?.length ?? 0) >= o.l0SlowdownTrigger ||
      core.owesTurn()
    )
      return false
    core.checkWritable()
    const single = this.#single
    single[0] = batch
    try {
      this.#commit(single)
    } catch (err) {
      throw core.fail(err)
    } finally {
      single[0] = EMPTY
    }
    return true
  }

  /** Freezes the active memtable (if it holds anything) after every earlier write. */
  freeze(): Promise<void> {
    return this.#enqueue(true, EMPTY, false)
  }

  #enqueue(freeze: boolean, batch: Uint8Array, sync: boolean): Promise<void> {
    this.core.checkWritable()
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ freeze, batch, sync, resolve, reject })
      if (!this.#draining) {
        this.#draining = true
        this.#idle = new Promise((done) => {
          this.#markIdle = done
        })
        queueMicrotask(() => void this.#drain())
      }
    })
  }

  /** Resolves when no write is queued or in flight. */
  async idle(): Promise<void> {
    while (this.#draining) await this.#idle
  }

  async #drain(): Promise<void> {
    const core = this.core
    try {
      while (this.#queue.length > 0) {
        const first = this.#queue[0]!
        try {
          if (first.freeze) {
            this.#queue.shift()
            if (core.mem.entryCount > 0) await this.#rotate()
            first.resolve()
            continue
          }
          await this.#makeRoom()
          const turn = core.fairShare()
          if (turn !== undefined) await turn
        } catch (err) {
          this.#rejectAll(err)
          break
        }
        const group = this.#takeGroup()
        try {
          this.#commit(group.map((write) => write.batch))
        } catch (err) {
          const failure = core.fail(err)
          for (const write of group) write.reject(failure)
          this.#rejectAll(failure)
          break
        }
        if (core.log !== undefined && (core.options.durability === 'fsync' || group.some((w) => w.sync))) {
          try {
            this.#syncedSize = core.log.size
            await core.log.sync()
          } catch (err) {
            // The group is in the memtable but not durable: nothing more may be acknowledged.
            const failure = core.fail(err)
            for (const write of group) write.reject(failure)
            this.#rejectAll(failure)
            break
          }
        }
        for (const write of group) write.resolve()
      }
    } finally {
      this.#draining = false
      this.#markIdle()
    }
  }

  #takeGroup(): PendingWrite[] {
    let bytes = 0
    let count = 0
    for (const write of this.#queue) {
      if (write.freeze || (count > 0 && bytes > MAX_GROUP_BYTES)) break
      bytes += write.batch.length
      count++
    }
    return this.#queue.splice(0, count)
  }

  // Log first, then memtable: a write is in the memtable only once it is in the log.
  #commit(group: readonly Uint8Array[]): void {
    const core = this.core
    let batches = group
    if (group.some((batch) => batch.length === 0)) batches = group.filter((batch) => batch.length > 0)
    if (batches.length === 0) return
    if (core.log !== undefined) {
      const before = core.log.size
      core.log.addEncodedAll(batches, core.options.durability === 'buffered' ? BUFFERED : FLUSHED)
      core.counters.logBytes += core.log.size - before
      if (core.log.size - this.#syncedSize >= BACKGROUND_SYNC_BYTES) this.#syncInBackground(core.log)
    }
    const mem = core.mem
    for (const batch of batches) {
      const first = core.seq
      core.seq = mem.applyEncoded(batch, first)
      // Key and value bytes only, as the user gave them: the entry headers are not theirs.
      core.counters.userBytes += batch.length - (core.seq - first) * ENTRY_HEADER_SIZE
    }
    if (!this.#threadsWarmed && mem.approximateBytes >= WARM_THREADS_BYTES) {
      this.#threadsWarmed = true
      if (core.options.memtableSize >= FLUSH_THREAD_MIN_BYTES) {
        core.buildThread?.warm()
        core.compactThread?.warm()
      }
    }
  }

  // Before a group: stall while L0 is too deep or flushes are behind, and start a new memtable
  // once the active one is full (LevelDB's MakeRoomForWrite).
  async #makeRoom(): Promise<void> {
    const core = this.core
    const o = core.options
    let slowed = false
    for (;;) {
      if (core.failure !== undefined) throw core.failure
      const l0 = core.levels[0]?.length ?? 0
      if (!slowed && l0 >= o.l0SlowdownTrigger) {
        slowed = true
        const started = performance.now()
        await new Promise((resolve) => setTimeout(resolve, 1))
        core.counters.stalls.slowdown += performance.now() - started
      } else if (core.mem.approximateBytes < o.memtableSize) {
        return
      } else if (core.imms.length >= MAX_FROZEN || l0 >= o.l0StopTrigger) {
        const cause = core.imms.length >= MAX_FROZEN ? 'memtables' : 'l0'
        const started = performance.now()
        this.background.schedule()
        await core.waitForProgress()
        core.counters.stalls[cause] += performance.now() - started
      } else {
        await this.#rotate()
        return
      }
    }
  }

  // Freezes the active memtable and starts a new one with a new log. The old log is fsynced
  // first, so that a later sync write, which fsyncs only the new log, also covers everything
  // before it.
  async #rotate(): Promise<void> {
    const core = this.core
    const id = core.nextFileNumber++
    if (core.log !== undefined) {
      try {
        const old = core.log
        const started = performance.now()
        await core.logSyncing
        await old.sync()
        core.counters.stalls.logSync += performance.now() - started
        await old.close()
        core.log = await LogWriter.create(core.path(id, LOG_SUFFIX), {
          fs: core.options.fs,
          blockSize: core.options.logBlockSize,
        })
        core.logIds.add(id)
        this.#syncedSize = 0
      } catch (err) {
        throw core.fail(err)
      }
    }
    core.imms.unshift(core.mem)
    core.mem = new Memtable(id)
    buildAhead(core)
    core.notify()
    this.background.schedule()
  }

  // Starts an fsync of `log` unless one is running. Its failure fails the engine, as a failed
  // fsync of a sync write would: the log may have lost what it held.
  #syncInBackground(log: LogWriter): void {
    const core = this.core
    if (core.logSyncing !== undefined || core.options.durability === 'fsync') return
    this.#syncedSize = log.size
    const syncing = log.sync().then(
      () => {},
      (err: unknown) => {
        core.fail(err)
      },
    )
    core.logSyncing = syncing
    void syncing.finally(() => {
      if (core.logSyncing === syncing) core.logSyncing = undefined
    })
  }

  #rejectAll(err: unknown): void {
    const queued = this.#queue
    this.#queue = []
    for (const write of queued) write.reject(err)
  }
}
