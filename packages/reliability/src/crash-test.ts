/**
 * The process crash test: a child process writes seeded steps and reports each
 * acknowledgement; this process kills it with SIGKILL at a random moment, recovers a copy of
 * what it left, and checks the recovered state against the acknowledgements.
 *
 * One database directory serves every cycle of a run, and the write order continues across
 * cycles: the next child recovers the very files the killed one left (it may itself be killed
 * while recovering), and writes on from the prefix the check found. The check runs on a copy,
 * so it never tidies up what the next child has to recover.
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Durability, Engine, type EngineOptions } from '@lsmkit/engine'
import { isLsmError } from '@lsmkit/fs'
import { matchingPrefixes, readAll, StepSource, seededRandom } from './workload.js'

/** Options of {@link runCrashTest}. */
export interface CrashTestOptions {
  /** Cycles to run. */
  readonly cycles: number
  /** Seed of the steps and of the kill moments. Default: drawn at random (and reported). */
  readonly seed?: number
  /** Called after each cycle, e.g. to print progress. */
  readonly onCycle?: (cycle: CycleReport) => void
}

/** What one cycle saw. */
export interface CycleReport {
  readonly cycle: number
  readonly durability: Durability
  /** Steps the child acknowledged before it died. */
  readonly acked: number
  /** Steps that had to survive: every acknowledged one, or in 'buffered' those a sync covered. */
  readonly required: number
  /** Acknowledged steps that had to survive and did not. */
  readonly lost: number
  /** The prefix of the write order the recovered state equals. */
  readonly prefix: number | undefined
  /** Why the cycle failed, if it did. */
  readonly failure: string | undefined
}

/** The totals of a run. */
export interface CrashReport {
  readonly seed: number
  readonly cycles: number
  /** Acknowledged writes whose survival (or, in 'buffered' mode, order) was checked. */
  readonly checked: number
  /** Of those, writes that had to survive. */
  readonly required: number
  /** Required writes that did not survive. */
  readonly lost: number
  /** Cycles that failed otherwise: a state that is no prefix, a failed recovery, a child error. */
  readonly failures: string[]
  /** Cycles per durability mode. */
  readonly modes: Record<Durability, number>
  /** Steps written in all (the last prefix). */
  readonly steps: number
  readonly millis: number
}

const MODES: readonly Durability[] = ['buffered', 'process', 'fsync']
// Small memtables and tables, so that a few hundred writes rotate logs, flush and compact.
const TUNING: EngineOptions = {
  memtableSize: 8192,
  l0CompactionTrigger: 2,
  targetFileSize: 8192,
  l1MaxBytes: 16384,
  blockSize: 1024,
}
// The child issues four steps at a time; at its death at most the window after the last
// acknowledged step can be in flight.
const WINDOW = 4

/** Runs `options.cycles` crash cycles; see the module comment. Never throws for a failed check. */
export async function runCrashTest(options: CrashTestOptions): Promise<CrashReport> {
  const started = performance.now()
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
  const rand = seededRandom(seed ^ 0x5bd1e995)
  const source = new StepSource(seed)
  const root = mkdtempSync(join(tmpdir(), 'lsmkit-crash-'))
  const dir = join(root, 'db')
  const copy = join(root, 'check')
  const failures: string[] = []
  const modes: Record<Durability, number> = { buffered: 0, process: 0, fsync: 0 }
  let base = new Map<string, string>()
  let start = 0
  let checked = 0
  let required = 0
  let lost = 0
  try {
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const durability = MODES[Math.floor(rand() * MODES.length)]!
      modes[durability]++
      // One cycle in five dies at a random moment, often before or during recovery; the rest
      // after a random number of acknowledgements.
      const kill: Kill =
        rand() < 0.2 ? { afterMs: Math.floor(rand() * 60) } : { afterAcks: 1 + Math.floor(rand() * 300) }
      const child = await runChild(dir, seed, start, { ...TUNING, durability }, kill)
      const report = await check(child, durability)
      checked += report.acked
      required += report.required
      lost += report.lost
      if (report.failure !== undefined) failures.push(`cycle ${cycle} (${durability}): ${report.failure}`)
      options.onCycle?.({ cycle, durability, ...report })
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  return {
    seed,
    cycles: options.cycles,
    checked,
    required,
    lost,
    failures,
    modes,
    steps: start,
    millis: performance.now() - started,
  }

  // Recovers a copy of the killed child's directory and judges it; moves the model on.
  async function check(
    child: ChildOutcome,
    durability: Durability,
  ): Promise<Omit<CycleReport, 'cycle' | 'durability'>> {
    const acked = [...child.acked].filter((i) => i >= start)
    const last = Math.max(start - 1, ...acked)
    const needed =
      durability === 'buffered'
        ? Math.max(start, ...acked.filter((i) => source.step(i).sync).map((i) => i + 1))
        : last + 1
    const requiredAcks = acked.filter((i) => i < needed)
    const outcome = { acked: acked.length, required: requiredAcks.length, lost: 0, prefix: undefined }
    if (child.failure !== undefined) return { ...outcome, failure: child.failure }
    rmSync(copy, { recursive: true, force: true })
    if (existsSync(dir)) cpSync(dir, copy, { recursive: true })
    let state: Map<string, string>
    try {
      const db = await Engine.open(copy, TUNING)
      try {
        state = await readAll(db)
        for (const key of new Set([...state.keys(), ...base.keys()])) {
          const value = await db.get(key)
          const expected = state.get(key)
          if ((value === undefined ? undefined : new TextDecoder().decode(value)) !== expected) {
            return { ...outcome, failure: `get(${key}) disagrees with the iterator` }
          }
        }
      } finally {
        await db.close()
      }
    } catch (err) {
      return { ...outcome, failure: `recovery failed: ${describe(err)}` }
    }
    const upper = last + 1 + 2 * WINDOW
    const prefixes = matchingPrefixes(source, base, start, upper, state)
    const prefix = prefixes.at(-1)
    if (prefix === undefined) {
      return {
        ...outcome,
        failure: `the state is no prefix of steps ${start}..${upper} (${unknownValues(state)})`,
      }
    }
    const missing = requiredAcks.filter((i) => i >= prefix).length
    base = state
    start = prefix
    return {
      ...outcome,
      lost: missing,
      prefix,
      failure: missing > 0 ? `recovered ${prefix} steps of ${needed} required` : undefined,
    }
  }

  // Values in `state` that no step wrote for their key (the step index is in the value).
  function unknownValues(state: ReadonlyMap<string, string>): string {
    const unknown = [...state].filter(([key, value]) => {
      const match = /^(k\d+)@(\d+)\.(\d+):/.exec(value)
      if (match === null || match[1] !== key) return true
      const op = source.step(Number(match[2])).ops[Number(match[3])]
      return op?.type !== 'put' || op.key !== key || op.value !== value
    })
    return unknown.length === 0 ? 'every value was written' : `${unknown.length} values never written`
  }
}

type Kill = { readonly afterMs: number } | { readonly afterAcks: number }

interface ChildOutcome {
  readonly acked: ReadonlySet<number>
  readonly failure: string | undefined
}

// Runs the writer on `dir` from step `first` until `kill` says, then SIGKILLs it.
function runChild(
  dir: string,
  seed: number,
  first: number,
  options: EngineOptions,
  kill: Kill,
): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...writerCommand(), dir, String(seed), String(first), JSON.stringify(options)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const acked = new Set<number>()
    let pending = ''
    let stderr = ''
    const timer = 'afterMs' in kill ? setTimeout(() => child.kill('SIGKILL'), kill.afterMs) : undefined
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) if (line.startsWith('ack ')) acked.add(Number(line.slice(4)))
      if ('afterAcks' in kill && acked.size >= kill.afterAcks) child.kill('SIGKILL')
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', (err) => resolve({ acked, failure: `spawn failed: ${err.message}` }))
    // 'close' comes after the exit and the end of stdout: every acknowledgement is in.
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const failure =
        signal === 'SIGKILL' || code === 0
          ? undefined
          : `the writer exited with ${String(code ?? signal)}: ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`
      resolve({ acked, failure })
    })
  })
}

// The built writer beside this module, else the built one of the package (when this module
// runs from src/ under vitest), else the TypeScript source through tsx.
function writerCommand(): string[] {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const path of [join(here, 'crash-writer.js'), join(here, '..', 'dist', 'src', 'crash-writer.js')]) {
    if (existsSync(path)) return [path]
  }
  return ['--import', 'tsx', join(here, 'crash-writer.ts')]
}

function describe(err: unknown): string {
  if (isLsmError(err)) return `${err.code}${err.file === undefined ? '' : ` (${err.file})`}: ${err.message}`
  return `not an LsmError: ${String(err)}`
}
