import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { parseBenchArgs } from '../src/args.js'
import { WORKLOADS } from '../src/workloads.js'

const ENGINES = ['lsmkit', 'classic-level', 'rocksdb', 'lmdb']
const BENCH = fileURLToPath(new URL('../dist/src/bench.js', import.meta.url))

function codeOf(argv: string[]): string | undefined {
  try {
    parseBenchArgs(argv, ENGINES)
  } catch (err) {
    return err instanceof LsmError ? err.code : 'not an LsmError'
  }
  return undefined
}

describe('parseBenchArgs', () => {
  it('defaults to a million entries, ten thousand sync writes and 64 MiB of log', () => {
    const args = parseBenchArgs([], ENGINES)
    expect([args.n, args.syncN, args.recoveryBytes]).toEqual([1_000_000, 10_000, 64 * 2 ** 20])
  })

  it('runs every engine, the raw peer and every workload when none is named', () => {
    const args = parseBenchArgs([], ENGINES)
    expect(args.engines).toEqual([...ENGINES, 'raw'])
    expect([...args.workloads]).toEqual([...WORKLOADS, 'recovery'])
  })

  it('shrinks every count for --quick', () => {
    const args = parseBenchArgs(['--quick'], ENGINES)
    expect([args.n, args.syncN, args.recoveryBytes]).toEqual([20_000, 500, 4 * 2 ** 20])
  })

  it('caps the sync writes at n when n is smaller', () => {
    expect(parseBenchArgs(['--n', '300'], ENGINES).syncN).toBe(300)
  })

  it('keeps the engines and workloads named, in their order', () => {
    const args = parseBenchArgs(
      ['--engines', 'classic-level,lsmkit', '--workloads', 'readseq,fillseq'],
      ENGINES,
    )
    expect(args.engines).toEqual(['classic-level', 'lsmkit'])
    expect([...args.workloads]).toEqual(['readseq', 'fillseq'])
  })

  it('runs one round unless --rounds asks for more', () => {
    expect(parseBenchArgs([], ENGINES).rounds).toBe(1)
    expect(parseBenchArgs(['--rounds', '3'], ENGINES).rounds).toBe(3)
  })

  it('rejects a round count that is not a positive integer with INVALID_OPTION', () => {
    expect(codeOf(['--rounds', '0'])).toBe(ErrorCode.INVALID_OPTION)
  })

  it('turns the chart off with --no-chart', () => {
    expect(parseBenchArgs(['--no-chart'], ENGINES).chart).toBe(false)
  })

  it('rejects an unknown option with INVALID_OPTION', () => {
    expect(codeOf(['--fast'])).toBe(ErrorCode.INVALID_OPTION)
  })

  it('rejects a count that is not a positive integer with INVALID_OPTION', () => {
    for (const bad of ['abc', '0', '-5', '1.5', '1e3', '']) {
      expect(codeOf(['--n', bad]), bad).toBe(ErrorCode.INVALID_OPTION)
    }
  })

  it('rejects an unknown workload with INVALID_OPTION', () => {
    expect(codeOf(['--workloads', 'fillseq,readrandon'])).toBe(ErrorCode.INVALID_OPTION)
  })

  it('rejects an unknown engine with INVALID_OPTION', () => {
    expect(codeOf(['--engines', 'leveldb'])).toBe(ErrorCode.INVALID_OPTION)
  })
})

describe('the bench command line', () => {
  it('prints its usage and exits 0 for --help', () => {
    const run = spawnSync(process.execPath, [BENCH, '--help'], { encoding: 'utf8' })
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('--workloads')
  })

  it('exits 2 with a one-line reason and the usage, not a stack trace, for a bad option', () => {
    const run = spawnSync(process.execPath, [BENCH, '--workloads', 'nope'], { encoding: 'utf8' })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--workloads has "nope"')
    expect(run.stderr).toContain('usage:')
    expect(run.stderr).not.toMatch(/^\s+at /m)
  })
})
