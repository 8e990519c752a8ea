import { Engine, type EngineOptions } from '@lsmkit/engine'
import { matchingPrefixes, readAll, StepSource, writeStep } from '../src/index.js'

// Small memtables, tables and level budgets, so that a few hundred writes flush a dozen times,
// compact several times and rewrite the manifest after each.
export const TUNING: EngineOptions = {
  memtableSize: 4096,
  l0CompactionTrigger: 2,
  targetFileSize: 4096,
  l1MaxBytes: 8192,
  blockSize: 512,
}

/** A fixed workload: `count` steps of a seeded source. */
export interface Workload {
  readonly source: StepSource
  readonly count: number
}

export function workload(seed: number, count: number, syncShare = 0): Workload {
  return { source: new StepSource(seed, { keys: 48, syncShare }), count }
}

/** What a run of a workload saw. */
export interface RunOutcome {
  /** Steps whose write resolved. */
  readonly acked: Set<number>
  /** Every step before this one was acknowledged as durable (fsync mode, or a sync write). */
  durable: number
  /** Rejections, with the step (or `'open'`, `'close'`) that met them, in order. */
  readonly errors: { readonly at: number | 'open' | 'close'; readonly error: unknown }[]
  /** Steps that resolved after an earlier step had been rejected. */
  readonly ackedAfterFailure: number[]
}

/**
 * Opens `/db`, writes the workload `concurrency` steps at a time (so that they are
 * group-committed) and closes. Never throws: what failed is in the outcome.
 */
export async function runWorkload(w: Workload, options: EngineOptions, concurrency = 3): Promise<RunOutcome> {
  const outcome: RunOutcome = { acked: new Set(), durable: 0, errors: [], ackedAfterFailure: [] }
  let db: Engine
  try {
    db = await Engine.open('/db', options)
  } catch (error) {
    outcome.errors.push({ at: 'open', error })
    return outcome
  }
  await writeSteps(db, w, 0, w.count, options, outcome, concurrency)
  try {
    await db.close()
  } catch (error) {
    outcome.errors.push({ at: 'close', error })
  }
  return outcome
}

/**
 * Writes steps `from` to `to` of the workload into an open `db`, `concurrency` at a time,
 * recording what happened in `outcome`. Never throws.
 */
export async function writeSteps(
  db: Engine,
  w: Workload,
  from: number,
  to: number,
  options: EngineOptions,
  outcome: RunOutcome = { acked: new Set(), durable: 0, errors: [], ackedAfterFailure: [] },
  concurrency = 3,
): Promise<RunOutcome> {
  for (let first = from; first < to; first += concurrency) {
    const indexes = Array.from({ length: Math.min(concurrency, to - first) }, (_, j) => first + j)
    const settled = await Promise.allSettled(indexes.map((i) => writeStep(db, w.source.step(i))))
    for (const [j, result] of settled.entries()) {
      const i = indexes[j]!
      if (result.status === 'rejected') {
        outcome.errors.push({ at: i, error: result.reason })
        continue
      }
      if (outcome.errors.some((e) => typeof e.at === 'number' && e.at < i)) outcome.ackedAfterFailure.push(i)
      outcome.acked.add(i)
      if (options.durability === 'fsync' || w.source.step(i).sync)
        outcome.durable = Math.max(outcome.durable, i + 1)
    }
  }
  return outcome
}

/** The prefixes of the workload whose model equals what `db` holds. */
export async function prefixesOf(db: Engine, w: Workload): Promise<number[]> {
  return matchingPrefixes(w.source, new Map(), 0, w.count, await readAll(db))
}

/** The `code` of an error, if it has one. */
export function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | undefined)?.code
}

/** The call numbers `1..count` to sweep: every one, or every `stride`-th from a seeded offset. */
export function callsToSweep(count: number, stride: number): number[] {
  const calls: number[] = []
  for (let k = 1 + ((count * 7) % stride); k <= count; k += stride) calls.push(k)
  return calls
}
