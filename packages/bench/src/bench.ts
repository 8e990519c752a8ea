/**
 * db_bench's workloads on lsmkit and its peers in one run, so every figure is a ratio taken on
 * the same machine at the same time.
 *
 *   npm run bench -- [--quick] [--n N] [--sync-n N] [--recovery-mib N] [--engines a,b]
 *                    [--workloads a,b] [--rounds N] [--json file] [--no-chart] [--help]
 *
 * Each engine runs in its own child process (so peak RSS is that engine's), one after another;
 * with --rounds N, all of them N times, each round in the reverse order of the one before
 * (rounds.ts). The raw-file peer and lsmkit's recovery run once, last, and count with the last
 * round. The machine's per-call costs are measured before and after (machine.ts). Output:
 * Markdown tables on stdout, the goals checked (goals.ts), the JSON file when asked, and
 * docs/guides/bench-chart.svg (lsmkit ÷ classic-level) unless --no-chart.
 */
import { fork } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { ADAPTERS } from './adapters.js'
import { type BenchArgs, parseBenchArgs, USAGE } from './args.js'
import { checkMachine, describeMachine, type MachineCheck } from './machine.js'
import { runRaw } from './raw.js'
import { runRecovery } from './recovery.js'
import { chart, json, type RunInfo, tables } from './report.js'
import { BATCH_SIZE, KEY_SIZE, type Result, runEngine, SYNC_WRITERS, VALUE_SIZE } from './workloads.js'

let args: BenchArgs
try {
  args = parseBenchArgs(
    process.argv.slice(2),
    ADAPTERS.map((a) => a.name),
  )
} catch (err) {
  // A usage mistake is reported as one line and the usage, not as a stack trace.
  console.error(`${(err as Error).message}\n\n${USAGE}`)
  process.exit(2)
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
const { n, syncN, recoveryBytes } = args
const names = args.engines
const only = args.workloads
const root = mkdtempSync(join(tmpdir(), 'lsmkit-bench-'))

if (args.worker !== undefined) {
  const adapter = ADAPTERS.find((a) => a.name === args.worker)!
  const results = await runEngine(adapter, { n, syncN }, root, only)
  writeFileSync(args.out!, JSON.stringify(results))
  rmSync(root, { recursive: true, force: true })
  process.exit(0)
}

async function inChild(engine: string): Promise<Result[]> {
  const out = join(root, `${engine}.json`)
  const childArgs = ['--worker', engine, '--out', out, '--n', String(n), '--sync-n', String(syncN)]
  childArgs.push('--workloads', [...only].join(','))
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), childArgs, { stdio: 'inherit' })
    child.on('error', reject)
    child.on('exit', resolve)
  })
  if (code !== 0) throw new LsmError(ErrorCode.IO_ERROR, `bench: the ${engine} run exited with ${code}`)
  return JSON.parse(readFileSync(out, 'utf8')) as Result[]
}

const info: RunInfo = {
  date: new Date().toISOString().slice(0, 10),
  node: process.versions.node,
  cpus: cpus().length,
  n,
  syncN,
  recoveryBytes,
  keySize: KEY_SIZE,
  valueSize: VALUE_SIZE,
  batchSize: BATCH_SIZE,
  syncWriters: SYNC_WRITERS,
  rounds: args.rounds,
}
console.log(
  `bench ${info.date}: n = ${n.toLocaleString('en-US')} entries of ${KEY_SIZE}-byte keys and ` +
    `${VALUE_SIZE}-byte values; fillsync and fillsync-concurrent ${syncN.toLocaleString('en-US')} writes ` +
    `(${SYNC_WRITERS} writers); batches of ${BATCH_SIZE.toLocaleString('en-US')}; recovery of ` +
    `${recoveryBytes / 2 ** 20} MiB of log; ${info.cpus} cores, Node ${info.node}; engines: ${names.join(', ')}` +
    (args.rounds > 1 ? `; ${args.rounds} rounds` : ''),
)

// The machine's per-call costs before and after the engines ran (see machine.ts): a ratio
// taken while they drifted is read with them.
const before = await checkMachine(root)
console.log(describeMachine('machine before', before))
const rounds: Result[][] = []
let after: MachineCheck
try {
  const engines = names.filter((name) => name !== 'raw')
  for (let r = 0; r < args.rounds; r++) {
    const round: Result[] = []
    // Every other round in reverse, so that no engine always runs first or last.
    for (const name of r % 2 === 0 ? engines : [...engines].reverse()) {
      const started = Date.now()
      round.push(...(await inChild(name)))
      const label = args.rounds > 1 ? `round ${r + 1} of ${args.rounds}, ${name}` : name
      console.error(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
    }
    rounds.push(round)
  }
  const last = rounds[rounds.length - 1]!
  if (names.includes('raw')) last.push(...runRaw({ n, syncN }, root, only))
  if (only.has('recovery') && names.includes('lsmkit')) last.push(...(await runRecovery(recoveryBytes, root)))
  after = await checkMachine(root)
} finally {
  rmSync(root, { recursive: true, force: true })
}

console.log(`${describeMachine('machine after', after)}\n\n${tables(rounds, names, n)}`)
if (args.json !== undefined) writeFileSync(args.json, json({ ...info, machine: { before, after } }, rounds))
if (args.chart && names.includes('lsmkit') && names.includes('classic-level')) {
  // This file is src/bench.ts under tsx, or dist/src/bench.js once built.
  const self = fileURLToPath(import.meta.url)
  const pkg = join(self, self.includes(`${sep}dist${sep}`) ? '../../..' : '../..')
  const path = join(pkg, '../../docs/guides/bench-chart.svg')
  writeFileSync(path, chart(info, rounds))
  console.log(`\nchart: ${path}`)
}
