import { describe, expect, it } from 'vitest'
import { median, medianResults, roundRatios } from '../src/rounds.js'
import { result } from '../src/workloads.js'

// `ops` operations in one second: ops/s is `ops`, µs/op is 1e6 / `ops`.
const row = (workload: string, engine: string, ops: number) => result(workload, engine, ops, 1, undefined)

describe('median', () => {
  it('is the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3)
  })

  it('is the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 2, 10])).toBe(3)
  })

  it('is NaN for no values', () => {
    expect(median([])).toBeNaN()
  })
})

describe('roundRatios', () => {
  it('divides the two engines within each round, never across rounds', () => {
    const rounds = [
      [row('fillseq', 'lsmkit', 400), row('fillseq', 'classic-level', 100)],
      [row('fillseq', 'lsmkit', 300), row('fillseq', 'classic-level', 50)],
    ]
    expect(roundRatios(rounds, 'fillseq', 'classic-level')).toEqual([4, 6])
  })

  it('divides by another workload of the engine when asked', () => {
    const rounds = [[row('fillsync', 'lsmkit', 10), row('fillsync-concurrent', 'lsmkit', 150)]]
    expect(roundRatios(rounds, 'fillsync-concurrent', 'lsmkit', 'fillsync')).toEqual([15])
  })

  it('skips a round where either engine is missing', () => {
    const rounds = [
      [row('fillseq', 'lsmkit', 400)],
      [row('fillseq', 'lsmkit', 300), row('fillseq', 'lmdb', 100)],
    ]
    expect(roundRatios(rounds, 'fillseq', 'lmdb')).toEqual([3])
  })
})

describe('medianResults', () => {
  it("keeps each engine's result from its median round, as measured", () => {
    const rounds = [
      [row('fillseq', 'lsmkit', 100), row('fillseq', 'lmdb', 7)],
      [row('fillseq', 'lsmkit', 300), row('fillseq', 'lmdb', 9)],
      [row('fillseq', 'lsmkit', 200), row('fillseq', 'lmdb', 8)],
    ]
    expect(medianResults(rounds)).toEqual([rounds[2]![0], rounds[2]![1]])
  })

  it('keeps the slower of the two middle results of an even count', () => {
    const rounds = [
      [row('readseq', 'lsmkit', 100)],
      [row('readseq', 'lsmkit', 400)],
      [row('readseq', 'lsmkit', 200)],
      [row('readseq', 'lsmkit', 300)],
    ]
    expect(medianResults(rounds)[0]?.opsPerSec).toBe(200)
  })

  it('keeps a result that ran in one round only', () => {
    const rounds = [
      [row('fillseq', 'lsmkit', 100)],
      [row('fillseq', 'lsmkit', 300), row('recovery', 'raw', 5)],
    ]
    expect(medianResults(rounds).map((r) => r.engine)).toEqual(['lsmkit', 'raw'])
  })
})
