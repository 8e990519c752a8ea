import { describe, expect, it } from 'vitest'
import { checkGoals, goalsTable } from '../src/goals.js'
import { result } from '../src/workloads.js'

// `ops` operations in one second: ops/s is `ops`.
const row = (workload: string, engine: string, ops: number) => result(workload, engine, ops, 1, undefined)
const fillseq = (ours: number, theirs: number) => [
  row('fillseq', 'lsmkit', ours),
  row('fillseq', 'classic-level', theirs),
]

describe('checkGoals', () => {
  it('judges a goal by the median of its per-round ratios', () => {
    const [goal] = checkGoals([fillseq(500, 100), fillseq(390, 100), fillseq(410, 100)])
    expect(goal).toMatchObject({ workload: 'fillseq', target: 4, ratio: 4.1, met: true })
  })

  it('reports the lowest round and how many rounds reached the target', () => {
    const [goal] = checkGoals([fillseq(500, 100), fillseq(390, 100), fillseq(410, 100)])
    expect(goal).toMatchObject({ lowest: 3.9, roundsMet: 2, rounds: 3 })
  })

  it('misses a goal whose median ratio falls short, even when one round reached it', () => {
    const [goal] = checkGoals([fillseq(500, 100), fillseq(390, 100), fillseq(380, 100)])
    expect(goal?.met).toBe(false)
  })

  it("measures group commit against lsmkit's own one-writer rate", () => {
    const goals = checkGoals([
      [row('fillsync', 'lsmkit', 5000), row('fillsync-concurrent', 'lsmkit', 40_000)],
    ])
    expect(goals).toEqual([
      expect.objectContaining({ workload: 'fillsync-concurrent', ratio: 8, met: false }),
    ])
  })

  it('leaves out the goals whose workloads did not run', () => {
    expect(checkGoals([fillseq(500, 100)]).map((g) => g.workload)).toEqual(['fillseq'])
  })
})

describe('goalsTable', () => {
  it('marks a missed goal in bold', () => {
    const table = goalsTable(checkGoals([fillseq(300, 100)]))
    expect(table).toContain('| fillseq | classic-level | 4× | 3.00 | 3.00 | 0 of 1 | **no** |')
  })
})
