/**
 * Background work: flushes first, then compactions, one job at a time, never holding the event
 * loop for long. `db.flush()` and `db.compact()` run through the same queue.
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

  /** Resolves when no background job runs. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running
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
      if (core.imms.length > 0) {
        await flushOldest(core)
        continue
      }
      // While closing, compact only as far as writes queued before close() need to proceed.
      if (core.status !== 'open' && !this.#writesStalled()) return
      const c = pickCompaction(core, this.#pointers)
      if (c === undefined) return
      await runCompaction(core, c, this.#pointers, () => this.#flushPending())
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
