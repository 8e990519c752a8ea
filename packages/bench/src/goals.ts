/**
 * lsmkit's speed goals, checked by every run that has the figures they need, so that whether a
 * goal holds is read off the run itself, not worked out from its tables by hand.
 *
 * @module
 */
import { median, type Round, roundRatios } from './rounds.js'

/**
 * A goal: lsmkit's rate on `workload` at least `target` times the rate of `than`, which is a
 * peer engine on the same workload, or `{ workload }` for lsmkit's own rate on another one.
 */
export interface Goal {
  readonly workload: string
  readonly than: string | { readonly workload: string }
  readonly target: number
}

/** The number of entries the goals are set for: db_bench's default, and the bench's. */
export const GOALS_N = 1_000_000

/**
 * The goals of the bench's issue, for n = {@link GOALS_N}: at least 4× classic-level (LevelDB) on single awaited writes
 * and reads, at least 1× on batches and a sequential scan, and 64 concurrent sync writers at
 * least 10× one (group commit).
 */
export const GOALS: readonly Goal[] = [
  { workload: 'fillseq', than: 'classic-level', target: 4 },
  { workload: 'fillrandom', than: 'classic-level', target: 4 },
  { workload: 'readrandom', than: 'classic-level', target: 4 },
  { workload: 'readseq', than: 'classic-level', target: 1 },
  { workload: 'fillseq-batch', than: 'classic-level', target: 1 },
  { workload: 'fillrandom-batch', than: 'classic-level', target: 1 },
  { workload: 'fillsync-concurrent', than: { workload: 'fillsync' }, target: 10 },
]

/** How a goal fared in a run. */
export interface GoalCheck extends Goal {
  /** The median of the per-round ratios (the ratio itself, in a run of one round). */
  readonly ratio: number
  /** The lowest per-round ratio. */
  readonly lowest: number
  /** Rounds whose ratio reached the target, and rounds in all. */
  readonly roundsMet: number
  readonly rounds: number
  /** The median ratio reached the target. */
  readonly met: boolean
}

/** Every goal of {@link GOALS} whose figures the run has, checked; the others are left out. */
export function checkGoals(rounds: readonly Round[]): GoalCheck[] {
  const out: GoalCheck[] = []
  for (const goal of GOALS) {
    const ratios = goalRatios(rounds, goal)
    if (ratios.length === 0) continue
    const ratio = median(ratios)
    out.push({
      ...goal,
      ratio,
      lowest: Math.min(...ratios),
      roundsMet: ratios.filter((r) => r >= goal.target).length,
      rounds: ratios.length,
      met: ratio >= goal.target,
    })
  }
  return out
}

/** What the goal compares with, as a table shows it. */
export function describeThan(goal: Goal): string {
  return typeof goal.than === 'string' ? goal.than : `lsmkit ${goal.than.workload}`
}

/** The checked goals as a Markdown table. */
export function goalsTable(checks: readonly GoalCheck[]): string {
  const lines = [
    '| goal | lsmkit ÷ | target | ratio | lowest round | rounds met | met |',
    '|---|---|---:|---:|---:|---:|---|',
  ]
  for (const c of checks) {
    lines.push(
      `| ${c.workload} | ${describeThan(c)} | ${c.target}× | ${c.ratio.toFixed(2)} | ${c.lowest.toFixed(2)} | ${c.roundsMet} of ${c.rounds} | ${c.met ? 'yes' : '**no**'} |`,
    )
  }
  return lines.join('\n')
}

function goalRatios(rounds: readonly Round[], goal: Goal): number[] {
  return typeof goal.than === 'string'
    ? roundRatios(rounds, goal.workload, goal.than)
    : roundRatios(rounds, goal.workload, 'lsmkit', goal.than.workload)
}
