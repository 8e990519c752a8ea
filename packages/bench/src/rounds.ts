/**
 * A bench of several rounds (`--rounds N`): every engine runs every workload N times, each time
 * in a fresh process, and each workload's figures are reduced to one.
 *
 * Why: one process's figure on this project's machine varies by a fifth or more from the next
 * process's, for the same code and the same input (a process's first load pays for its own
 * warm-up, which differs between processes; see docs/guides/performance.md). A ratio taken
 * from one pair of processes carries both processes' luck. The median of N ratios, each taken
 * within one round, carries much less, and the lowest of them shows how far one round can fall.
 *
 * @module
 */
import type { Result } from './workloads.js'

/** The results of one round: every engine's, in the order they ran. */
export type Round = readonly Result[]

/**
 * The median of `values`: the middle value of an odd count, the mean of the two middle values
 * of an even one; NaN for none.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

// The result of `engine` on `workload` in `round`, or undefined when it did not run there.
function find(round: Round, workload: string, engine: string): Result | undefined {
  return round.find((r) => r.workload === workload && r.engine === engine)
}

/**
 * lsmkit's rate on `workload` divided by `engine`'s rate on `engineWorkload` (by default the same
 * workload), one figure per round where both ran, in the order of the rounds. Each ratio is
 * taken within one round, so both of its figures were measured minutes apart, not rounds apart.
 */
export function roundRatios(
  rounds: readonly Round[],
  workload: string,
  engine: string,
  engineWorkload = workload,
): number[] {
  const out: number[] = []
  for (const round of rounds) {
    const ours = find(round, workload, 'lsmkit')
    const theirs = find(round, engineWorkload, engine)
    if (ours !== undefined && theirs !== undefined) out.push(ours.opsPerSec / theirs.opsPerSec)
  }
  return out
}

/**
 * One result per engine and workload: the one with the median time per operation over the
 * rounds (with an even count, the slower of the two middle ones), so every figure shown was
 * measured as it stands. In the order each first appears, round by round.
 */
export function medianResults(rounds: readonly Round[]): Result[] {
  const out: Result[] = []
  const seen = new Set<string>()
  for (const round of rounds) {
    for (const { workload, engine } of round) {
      const key = `${engine}\u0000${workload}`
      if (seen.has(key)) continue
      seen.add(key)
      const all = rounds
        .map((r) => find(r, workload, engine))
        .filter((r): r is Result => r !== undefined)
        .sort((a, b) => a.usPerOp - b.usPerOp)
      out.push(all[all.length >> 1]!)
    }
  }
  return out
}
