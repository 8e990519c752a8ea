import { Engine, type EngineIterator } from '@lsmkit/engine'
import { MemoryFileSystem } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { readAll, seededRandom } from '../src/index.js'
import { TUNING } from './support.js'

// 8 writers and 8 iterators at once, for a fixed number of operations, on a database whose
// small memtables flush and compact all the while. Each writer owns its keys: 16 pairs
// `w<w>:p<n>:a` / `:b`, always written together by one batch that also sets `w<w>:last` to the
// writer's step. A writer's keys after step s are a function of s alone, so an iterator's view
// of a writer can be checked exactly against the model at the step its `last` key shows.
const WRITERS = 8
const ITERATORS = 8
const STEPS = 200
const PAIRS = 16
const decoder = new TextDecoder()

type Op = { type: 'put'; key: string; value: string } | { type: 'del'; key: string }

/** Writer w's batches, in order. */
function batchesOf(w: number): Op[][] {
  const rand = seededRandom(1000 + w)
  return Array.from({ length: STEPS }, (_, s) => {
    const pair = `w${w}:p${String(Math.floor(rand() * PAIRS)).padStart(2, '0')}`
    const last: Op = { type: 'put', key: `w${w}:last`, value: String(s) }
    if (rand() < 0.15) return [{ type: 'del', key: `${pair}:a` }, { type: 'del', key: `${pair}:b` }, last]
    const value = `${w}:${s}:`.padEnd(60 + Math.floor(rand() * 100), '.')
    return [{ type: 'put', key: `${pair}:a`, value }, { type: 'put', key: `${pair}:b`, value }, last]
  })
}

const batches = Array.from({ length: WRITERS }, (_, w) => batchesOf(w))

/** Writer w's keys after its first `steps` batches. */
function modelOf(w: number, steps: number): Map<string, string> {
  const model = new Map<string, string>()
  for (const batch of batches[w]!.slice(0, steps))
    for (const op of batch) {
      if (op.type === 'put') model.set(op.key, op.value)
      else model.delete(op.key)
    }
  return model
}

const sorted = (entries: Iterable<[string, string]>) =>
  JSON.stringify([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

describe('8 concurrent writers and 8 concurrent iterators while flushes and compactions run', () => {
  it('ends in the model state, and every iterator saw a consistent snapshot', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { ...TUNING, fs })
    const acked = new Array<number>(WRITERS).fill(0)
    let writing = WRITERS
    const problems: string[] = []
    let snapshots = 0

    const writer = async (w: number) => {
      for (const batch of batches[w]!) {
        await db.batch(batch)
        acked[w]!++
      }
      writing--
    }

    // Reads a whole snapshot in small chunks, yielding between them so that writes, flushes
    // and compactions run while it is open; then checks each writer's part of it.
    const reader = async (r: number) => {
      for (let round = 0; writing > 0 || round < 2; round++) {
        const reverse = (r + round) % 2 === 1
        const only = round % 3 === 2 ? r % WRITERS : undefined
        const before = [...acked]
        const it: EngineIterator = db.iterator(
          only === undefined ? { reverse } : { gte: `w${only}:`, lt: `w${only};`, reverse },
        )
        const entries: [string, string][] = []
        for (;;) {
          const chunk = await it.nextv(7)
          if (chunk.length === 0) break
          for (const [k, v] of chunk) entries.push([decoder.decode(k), decoder.decode(v)])
          await new Promise((resolve) => setImmediate(resolve))
        }
        await it.close()
        snapshots++
        const keys = entries.map(([k]) => k)
        const ordered = [...keys].sort()
        if (reverse) ordered.reverse()
        if (JSON.stringify(keys) !== JSON.stringify(ordered) || new Set(keys).size !== keys.length)
          problems.push(`reader ${r} round ${round}: keys out of order`)
        for (let w = 0; w < WRITERS; w++) {
          if (only !== undefined && w !== only) continue
          const mine = entries.filter(([k]) => k.startsWith(`w${w}:`))
          const last = mine.find(([k]) => k === `w${w}:last`)
          const steps = last === undefined ? 0 : Number(last[1]) + 1
          if (steps < before[w]!)
            problems.push(`reader ${r}: writer ${w} acked ${before[w]} before, saw ${steps}`)
          if (sorted(mine) !== sorted(modelOf(w, steps)))
            problems.push(`reader ${r} round ${round}: writer ${w} at step ${steps} is not the model`)
        }
      }
    }

    await Promise.all([
      ...Array.from({ length: WRITERS }, (_, w) => writer(w)),
      ...Array.from({ length: ITERATORS }, (_, r) => reader(r)),
    ])
    expect(problems).toEqual([])
    expect(snapshots).toBeGreaterThan(ITERATORS * 3)
    const stats = db.stats()
    expect(stats.flushes).toBeGreaterThan(10)
    expect(stats.compactions).toBeGreaterThan(2)

    const model = new Map<string, string>()
    for (let w = 0; w < WRITERS; w++) for (const [k, v] of modelOf(w, STEPS)) model.set(k, v)
    expect(sorted(await readAll(db))).toBe(sorted(model))
    for (const [k, v] of model) expect(decoder.decode(db.getSync(k))).toBe(v)
    await db.close()
    await using again = await Engine.open('/db', { ...TUNING, fs })
    expect(sorted(await readAll(again))).toBe(sorted(model))
  })
})
