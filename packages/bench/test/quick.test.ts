import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, expect, test } from 'vitest'

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

// One reduced --quick run, shared by the tests below: it takes most of this file's time.
let run: SpawnSyncReturns<string>
let report: { results: Row[]; machine?: { before: Check; after: Check } }
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'lsmkit-bench-test-'))
  try {
    const out = join(dir, 'bench.json')
    run = spawnSync(
      process.execPath,
      [
        BENCH,
        '--quick',
        '--n',
        '2000',
        '--sync-n',
        '100',
        '--recovery-mib',
        '1',
        '--no-chart',
        '--json',
        out,
      ],
      { encoding: 'utf8' },
    )
    expect(run.status, run.stderr).toBe(0)
    report = JSON.parse(readFileSync(out, 'utf8'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
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
