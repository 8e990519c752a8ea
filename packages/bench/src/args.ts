/**
 * The bench's command line, checked before anything runs: a typo in an engine or workload name,
 * or a count that is not a positive integer, stops the run with a coded error instead of
 * running a different bench than the one asked for.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { WORKLOADS } from './workloads.js'

/** What `npm run bench -- --help` prints. */
export const USAGE = `usage: npm run bench -- [options]

  --quick              a run of about two minutes: n = 20,000, 500 sync writes, 4 MiB of log
  --n N                entries of the fill workloads and operations of the reads (default 1,000,000)
  --sync-n N           writes of fillsync and fillsync-concurrent (default min(n, 10,000))
  --recovery-mib N     MiB of unflushed log the recovery workload replays (default 64)
  --engines a,b        engines to run, of lsmkit, classic-level, rocksdb, lmdb and raw (default all)
  --workloads a,b      workloads to run (default all; 'recovery' is one)
  --rounds N           run every engine N times, alternating their order, and report each
                       workload's median (default 1)
  --json FILE          also write the results as JSON
  --no-chart           do not rewrite docs/guides/bench-chart.svg
  --help               print this and exit`

/** The bench's settings, from its command line. */
export interface BenchArgs {
  /** True when --help was given: print {@link USAGE} and run nothing. */
  readonly help: boolean
  readonly quick: boolean
  readonly n: number
  readonly syncN: number
  readonly recoveryBytes: number
  /** Engines to run, in order; `raw` is the plain-file peer. */
  readonly engines: readonly string[]
  /** Workloads to run; `recovery` among them. */
  readonly workloads: ReadonlySet<string>
  /** How many times every engine runs every workload; figures are the rounds' medians. */
  readonly rounds: number
  readonly json: string | undefined
  readonly chart: boolean
  /** Internal: run this one engine in this process and write its results to {@link BenchArgs.out}. */
  readonly worker: string | undefined
  readonly out: string | undefined
}

/**
 * Parses the bench's arguments (`process.argv.slice(2)`). `engineNames` are the engines the
 * bench has adapters for; `raw` is always accepted besides them.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` for an unknown option, a missing or
 *   non-positive-integer count, or an unknown engine or workload name.
 */
export function parseBenchArgs(argv: readonly string[], engineNames: readonly string[]): BenchArgs {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        n: { type: 'string' },
        'sync-n': { type: 'string' },
        'recovery-mib': { type: 'string' },
        engines: { type: 'string' },
        workloads: { type: 'string' },
        rounds: { type: 'string' },
        json: { type: 'string' },
        'no-chart': { type: 'boolean', default: false },
        worker: { type: 'string' },
        out: { type: 'string' },
      },
    }).values
  } catch (err) {
    // parseArgs says what was wrong (an unknown option, a missing value) in its message.
    throw new LsmError(ErrorCode.INVALID_OPTION, `bench: ${(err as Error).message}`)
  }
  const quick = values.quick === true
  const n = count('--n', values.n, quick ? 20_000 : 1_000_000)
  const engines = list('--engines', values.engines, [...engineNames, 'raw'])
  const workloads = list('--workloads', values.workloads, [...WORKLOADS, 'recovery'])
  return {
    help: values.help === true,
    quick,
    n,
    syncN: count('--sync-n', values['sync-n'], Math.min(n, quick ? 500 : 10_000)),
    recoveryBytes: count('--recovery-mib', values['recovery-mib'], quick ? 4 : 64) * 2 ** 20,
    engines,
    workloads: new Set(workloads),
    rounds: count('--rounds', values.rounds, 1),
    json: values.json as string | undefined,
    chart: values['no-chart'] !== true,
    worker: values.worker as string | undefined,
    out: values.out as string | undefined,
  }
}

function count(option: string, text: unknown, fallback: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (typeof text !== 'string' || !/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new LsmError(
      ErrorCode.INVALID_OPTION,
      `bench: ${option} takes a positive integer, got ${String(text)}`,
    )
  }
  return value
}

// A comma-separated list of names, each one of `known`; all of them when the option is absent.
function list(option: string, text: unknown, known: readonly string[]): string[] {
  if (text === undefined) return [...known]
  const names = String(text).split(',')
  for (const name of names) {
    if (!known.includes(name)) {
      throw new LsmError(
        ErrorCode.INVALID_OPTION,
        `bench: ${option} has ${JSON.stringify(name)}; known: ${known.join(', ')}`,
      )
    }
  }
  return names
}
