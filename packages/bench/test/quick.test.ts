import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'

// The built entry point: `npm test` runs after `build` (turbo's test task depends on it).
const BENCH = fileURLToPath(new URL('../dist/src/bench.js', import.meta.url))
const WORKLOADS = [
  'fillseq',
  'fillrandom',
  'overwrite',
  'readrandom',
  'readmissing',
  'readseq',
  'readreverse',
  'seekrandom',
  'deleterandom',
  'fillseq-batch',
  'fillrandom-batch',
  'fillsync',
  'fillsync-concurrent',
]

interface Row {
  workload: string
  engine: string
  opsPerSec: number
}

interface Check {
  threadPoolWriteUs: number
  writeSyncUs: number
  syncedWriteUs: number
}

interface GoalRow {
  workload: string
  target: number
  ratio: number
  met: boolean
}

interface Report {
  results: Row[]
  goals: GoalRow[]
  rounds?: Row[][]
  machine?: { before: Check; after: Check }
}

// Runs the bench with `args` and --json into a directory of its own; fails unless it exits 0.
function bench(args: string[]): { run: SpawnSyncReturns<string>; report: Report } {
  const dir = mkdtempSync(join(tmpdir(), 'lsmkit-bench-test-'))
  try {
    const out = join(dir, 'bench.json')
    const run = spawnSync(process.execPath, [BENCH, ...args, '--no-chart', '--json', out], {
      encoding: 'utf8',
    })
    expect(run.status, run.stderr).toBe(0)
    return { run, report: JSON.parse(readFileSync(out, 'utf8')) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// One reduced --quick run, shared by the tests below: it takes most of this file's time.
let run: SpawnSyncReturns<string>
let report: Report
beforeAll(() => {
  ;({ run, report } = bench(['--quick', '--n', '2000', '--sync-n', '100', '--recovery-mib', '1']))
}, 120_000)

test('a reduced --quick run writes a result for every workload and engine', () => {
  const { results } = report
  for (const engine of ['lsmkit', 'classic-level', 'rocksdb', 'lmdb']) {
    for (const workload of WORKLOADS) {
      const row = results.find((r) => r.engine === engine && r.workload === workload)
      expect(row?.opsPerSec, `${engine} ${workload}`).toBeGreaterThan(0)
    }
  }
  for (const engine of ['lsmkit', 'raw']) {
    expect(results.find((r) => r.engine === engine && r.workload === 'recovery')?.opsPerSec).toBeGreaterThan(
      0,
    )
  }
  expect(run.stdout).toContain('| workload |')
})

test("a run records the machine's per-call costs before and after the engines, in its JSON and on stdout", () => {
  for (const check of [report.machine?.before, report.machine?.after]) {
    expect(check?.threadPoolWriteUs).toBeGreaterThan(0)
    expect(check?.writeSyncUs).toBeGreaterThan(0)
    expect(check?.syncedWriteUs).toBeGreaterThan(0)
  }
  expect(run.stdout).toMatch(/machine before: thread-pool write [\d.]+ µs/)
  expect(run.stdout).toMatch(/machine after: thread-pool write [\d.]+ µs/)
})

test('a run checks every speed goal, in its JSON and on stdout', () => {
  const goals = report.goals.map((g) => g.workload)
  expect(goals).toEqual([
    'fillseq',
    'fillrandom',
    'readrandom',
    'readseq',
    'fillseq-batch',
    'fillrandom-batch',
    'fillsync-concurrent',
  ])
  for (const goal of report.goals) {
    expect(goal.ratio, goal.workload).toBeGreaterThan(0)
    expect(goal.met, goal.workload).toBe(goal.ratio >= goal.target)
  }
  expect(run.stdout).toContain('goals (set for n = 1,000,000; this run has n = 2,000')
  expect(run.stdout).toContain('| goal | lsmkit ÷ | target |')
})

describe('a run of three rounds', () => {
  let rounds: SpawnSyncReturns<string>
  let json: Report
  beforeAll(() => {
    const args = [
      '--engines',
      'lsmkit,classic-level',
      '--workloads',
      'fillseq',
      '--n',
      '300',
      '--rounds',
      '3',
    ]
    ;({ run: rounds, report: json } = bench(args))
  }, 60_000)

  test('writes every round, one result per engine for each workload, and the ratios of each round', () => {
    expect(json.rounds?.map((r) => r.map((x) => x.engine).sort())).toEqual(
      Array(3).fill(['classic-level', 'lsmkit']),
    )
    expect(json.results.map((r) => r.engine).sort()).toEqual(['classic-level', 'lsmkit'])
    expect(rounds.stdout).toMatch(/\| fillseq \| [\d.]+, [\d.]+, [\d.]+ \|/)
  })

  test('runs the engines in the reverse order every other round', () => {
    const order = [...rounds.stderr.matchAll(/round (\d) of 3, ([\w-]+):/g)].map((m) => `${m[1]} ${m[2]}`)
    expect(order).toEqual([
      '1 lsmkit',
      '1 classic-level',
      '2 classic-level',
      '2 lsmkit',
      '3 lsmkit',
      '3 classic-level',
    ])
  })
})
