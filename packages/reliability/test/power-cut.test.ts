import { Engine, type EngineOptions } from '@lsmkit/engine'
import { MemoryFileSystem, type PowerCutOptions } from '@lsmkit/fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { readAll, seededRandom } from '../src/index.js'
import { callsToSweep, codeOf, prefixesOf, runWorkload, TUNING, workload } from './support.js'

// 300 steps flush about a dozen memtables, compact L0 into L1 and L1 down, and rewrite the
// manifest after each: three times the engine's own sweep. The power is cut at every call;
// RELIABILITY_STRIDE=n cuts at every n-th one instead, for quicker local runs.
const STRIDE = Number(process.env.RELIABILITY_STRIDE ?? 1)
const STEPS = 300

interface Sweep {
  readonly durability: 'fsync' | 'process' | 'buffered'
  /** Share of steps written with `{ sync: true }`. */
  readonly syncShare: number
  /** Keep a random part of each file's unsynced bytes at the cut (torn writes). */
  readonly torn: boolean
}

interface Problems {
  cuts: number
  open: string[]
  prefix: string[]
  secondCut: string[]
  durableSteps: number
}

// Stops the world at call k (a sticky fault: the call and every later one fail), cuts the
// power, reopens, and checks; then cuts the power again right after recovery and checks the
// state did not move.
async function sweep({ durability, syncShare, torn }: Sweep): Promise<Problems> {
  const w = workload(17, STEPS, syncShare)
  const options: EngineOptions = { ...TUNING, durability }
  const clean = new MemoryFileSystem()
  await runWorkload(w, { ...options, fs: clean })
  const problems: Problems = { cuts: 0, open: [], prefix: [], secondCut: [], durableSteps: 0 }
  for (const k of callsToSweep(clean.callCount, STRIDE)) {
    const rand = seededRandom(k)
    const cut: PowerCutOptions = torn ? { keepUnsynced: (_, bytes) => Math.floor(rand() * (bytes + 1)) } : {}
    const fs = new MemoryFileSystem()
    fs.injectFault({ at: k, sticky: true })
    const { durable } = await runWorkload(w, { ...options, fs })
    fs.powerCut(cut)
    problems.cuts++
    problems.durableSteps += durable
    let state: Map<string, string>
    try {
      const db = await Engine.open('/db', { ...options, fs })
      const prefixes = await prefixesOf(db, w)
      if (!prefixes.some((p) => p >= durable)) {
        problems.prefix.push(`cut at call ${k}: prefixes [${prefixes}], ${durable} steps durable`)
      }
      state = await readAll(db)
      fs.injectFault({ at: fs.callCount + 1, sticky: true })
      await db.close().catch(() => {})
      fs.powerCut(cut)
    } catch (err) {
      problems.open.push(`cut at call ${k}: ${String(codeOf(err))}`)
      continue
    }
    try {
      const again = await Engine.open('/db', { ...options, fs })
      const after = await readAll(again)
      await again.close()
      if (JSON.stringify([...after]) !== JSON.stringify([...state]))
        problems.secondCut.push(`cut at call ${k}`)
    } catch (err) {
      problems.secondCut.push(`cut at call ${k}: reopen failed with ${String(codeOf(err))}`)
    }
  }
  return problems
}

describe.each<[string, Sweep]>([
  ["durability 'fsync'", { durability: 'fsync', syncShare: 0, torn: false }],
  [
    "durability 'process', 10% of writes { sync: true }, torn writes",
    { durability: 'process', syncShare: 0.1, torn: true },
  ],
  [
    "durability 'buffered', 10% of writes { sync: true }, torn writes",
    { durability: 'buffered', syncShare: 0.1, torn: true },
  ],
])(
  'a power cut at every %i-th file-system call of a 300-step flushing, compacting workload, %s'.replace(
    '%i',
    String(STRIDE),
  ),
  (_, config) => {
    let problems: Problems
    beforeAll(async () => {
      problems = await sweep(config)
    })

    it('cuts the power at many points, with durable writes to check', () => {
      expect(problems.cuts).toBeGreaterThan(50)
      expect(problems.durableSteps).toBeGreaterThan(0)
    })

    it('reopens after every cut', () => {
      expect(problems.open).toEqual([])
    })

    it('recovers a prefix of the write order holding every write acknowledged as durable', () => {
      expect(problems.prefix).toEqual([])
    })

    it('recovers the same state after a second cut right after recovery', () => {
      expect(problems.secondCut).toEqual([])
    })
  },
)
