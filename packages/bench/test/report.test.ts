import { describe, expect, it } from 'vitest'
import { chart, type RunInfo, tables } from '../src/report.js'
import { result } from '../src/workloads.js'

const info: RunInfo = {
  date: '2026-11-30',
  node: '20.20.2',
  cpus: 2,
  n: 1000,
  syncN: 100,
  recoveryBytes: 1024,
  keySize: 16,
  valueSize: 100,
  batchSize: 1000,
  syncWriters: 64,
  rounds: 1,
}

// `ops` operations in one second: ops/s is `ops`.
const row = (workload: string, engine: string, ops: number) => result(workload, engine, ops, 1, undefined)

describe('chart', () => {
  it('gives screen readers a title with the run and every ratio', () => {
    const svg = chart(info, [
      [
        row('fillseq', 'lsmkit', 300),
        row('fillseq', 'classic-level', 100),
        row('readrandom', 'lsmkit', 50),
        row('readrandom', 'classic-level', 100),
      ],
    ])
    expect(svg).toMatch(/^<svg [^>]*role="img"/)
    const title = /<title>([^<]*)<\/title>/.exec(svg)?.[1]
    expect(title).toContain('2026-11-30, n = 1,000')
    expect(title).toContain('fillseq 3.00×, readrandom 0.50×')
  })

  it('shows the median ratio of several rounds, and says so', () => {
    const round = (ours: number) => [row('fillseq', 'lsmkit', ours), row('fillseq', 'classic-level', 100)]
    const svg = chart({ ...info, rounds: 3 }, [round(300), round(500), round(400)])
    const title = /<title>([^<]*)<\/title>/.exec(svg)?.[1]
    expect(title).toContain('the median of 3 rounds: fillseq 4.00×')
  })
})

describe('tables', () => {
  const round = (ours: number) => [row('fillseq', 'lsmkit', ours), row('fillseq', 'classic-level', 100)]

  it('lists the ratio of every round beside the median when there were several', () => {
    const out = tables([round(300), round(500), round(400)], ['lsmkit', 'classic-level'], 1000)
    expect(out).toContain('| fillseq | 3.00, 5.00, 4.00 |')
  })

  it('heads the ratios of several rounds as their median', () => {
    const out = tables([round(300), round(500), round(400)], ['lsmkit', 'classic-level'], 1000)
    expect(out).toContain('| lsmkit ÷ classic-level, median of the rounds |')
  })

  it('leaves a workload that no peer ran out of the per-round ratios', () => {
    const last = [...round(400), row('recovery', 'lsmkit', 5)]
    const out = tables([round(300), last], ['lsmkit', 'classic-level'], 1000)
    expect(out).not.toContain('| recovery | – |')
  })
})
