/**
 * Background work: compactions that are due, with pending flushes run while they merge, then
 * flushes; one job at a time, never holding the event loop for long. `db.flush()` and
 * `db.compact()` run through the same queue.
 *
 * @module
 */
import { LEVEL_COUNT } from '../format.js'
import { type CompactPointers, manualCompaction, pickCompaction, runCompaction } from './compaction.js'
import type { Core } from './core.js'
import { flushOldest } from './flush.js'

export class Background {
  #running: Promise<void> | undefined
  readonly #pointers: CompactPointers = []

  constructor(private readonly core: Core) {}

  /** Starts the background loop unless it runs already. */
  schedule(): void {
    if (this.#running !== undefined || this.core.failure !== undefined || this.core.status === 'closed')
      return
    this.#run(() => this.#loop())
  }

  /** Resolves when no background job runs, nor any deletion a job left running. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running
    await this.core.settled()
  }

  /** Flushes every frozen memtable. */
  async flushAll(): Promise<void> {
    await this.#exclusive(async () => {
      while (this.core.imms.length > 0) await flushOldest(this.core)
    })
  }

  /** Compacts every level into the one below until all data sits in a single level. */
  async compactAll(): Promise<void> {
    await this.#exclusive(async () => {
      const core = this.core
      while (core.imms.length > 0) await flushOldest(core)
      for (let level = 0; level < LEVEL_COUNT - 1; level++) {
        const deeper = core.levels.slice(level + 1).some((tables) => tables.length > 0)
        if (level > 0 && !deeper) break
        const c = manualCompaction(core.levels, level)
        if (c !== undefined) await runCompaction(core, c, this.#pointers, () => this.#flushPending())
      }
    })
  }

  async #loop(): Promise<void> {
    const core = this.core
    for (;;) {
      if (core.failure !== undefined) return
      // A compaction that is due starts before pending flushes, which run while it merges (on
      // its thread) or between its output tables. Flushing first, as LevelDB does, starved
      // compactions under a batched load: with the flush thread keeping up with the writer
      // there was always a memtable to flush, so L0 grew to its stop trigger before any merge
      // began, and writes then stalled for the whole of a merge of a dozen L0 tables.
      // While closing, compact only as far as writes queued before close() need to proceed.
      const c =
        core.status === 'open' || this.#writesStalled() ? pickCompaction(core, this.#pointers) : undefined
      if (c !== undefined) {
        await runCompaction(core, c, this.#pointers, () => this.#flushPending())
        continue
      }
      if (core.imms.length === 0) return
      await flushOldest(core)
    }
  }

  #hasWork(): boolean {
    const core = this.core
    if (core.failure !== undefined || core.status === 'closed') return false
    if (core.imms.length > 0) return true
    return (
      (core.status === 'open' || this.#writesStalled()) && pickCompaction(core, this.#pointers) !== undefined
    )
  }

  #writesStalled(): boolean {
    return (this.core.levels[0]?.length ?? 0) >= this.core.options.l0StopTrigger
  }

  async #flushPending(): Promise<void> {
    while (this.core.imms.length > 0) await flushOldest(this.core)
  }

  // Runs `job` once no other job runs; a failure puts the engine in the failed state.
  async #exclusive(job: () => Promise<void>): Promise<void> {
    // Check again after each await: a schedule() queued by the last job's end can start the loop
    // between idle() resolving and this continuation, and two jobs must never run at once.
    do await this.idle()
    while (this.#running !== undefined)
    const done = this.#run(job)
    await done
    await this.core.settled()
    if (this.core.failure !== undefined) throw this.core.failure
  }

  #run(job: () => Promise<void>): Promise<void> {
    this.core.backgroundBusy = true
    const running = job()
      .catch((err: unknown) => {
        this.core.fail(err)
      })
      .finally(() => {
        this.#running = undefined
        this.core.backgroundBusy = false
        this.core.notify()
        // Work may have arrived while this job ran (a frozen memtable, a deeper L0).
        if (this.#hasWork()) queueMicrotask(() => this.schedule())
      })
    this.#running = running
    return running
  }
}
