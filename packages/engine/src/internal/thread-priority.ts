/**
 * Lowers the CPU priority of the thread that calls it: the build threads call it as they start,
 * so that flushes and merges take the cores the caller's thread leaves idle, instead of taking
 * turns with it. The writes a caller awaits run on the caller's thread; the builds behind them
 * can wait, and the engine's write stalls (`l0SlowdownTrigger`, `l0StopTrigger`, two frozen
 * memtables at most) hand them the core back when they fall too far behind. RocksDB offers the
 * same for its background threads (`Env::LowerThreadPoolCPUPriority`).
 *
 * Measured (docs/guides/performance.md, "Sixteenth round"): with both cores busy, a million
 * random puts took about 9% less time, and the load with its compactions caught up as long as
 * before.
 *
 * Only Linux gives threads priorities of their own. Elsewhere, or when the system refuses, the
 * thread keeps its priority: this is a preference, never a reason to fail.
 *
 * @module
 */
import { readlinkSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'

/** How many nice steps below the thread that started it a build thread runs. */
export const BUILD_THREAD_NICE_STEPS = 10

// The largest nice value: the lowest priority Linux has.
const LOWEST_PRIORITY = 19

/**
 * The calling thread's id as the kernel knows it, or `undefined` where there is none to find
 * (`/proc/thread-self` is Linux's, and names `<pid>/task/<tid>`).
 */
export function currentThreadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    return Number.isSafeInteger(tid) && tid > 0 ? tid : undefined
  } catch {
    return undefined
  }
}

/**
 * Makes the calling thread's nice value `steps` higher (its priority lower), at most 19, and
 * returns the new value; `undefined` when the thread's priority could not be changed, which
 * leaves it as it was. A thread started afterwards from this one inherits the new value.
 */
export function lowerThreadPriority(steps: number = BUILD_THREAD_NICE_STEPS): number | undefined {
  const tid = currentThreadId()
  if (tid === undefined) return undefined
  try {
    const nice = Math.min(LOWEST_PRIORITY, getPriority(tid) + steps)
    setPriority(tid, nice)
    return nice
  } catch {
    return undefined
  }
}
