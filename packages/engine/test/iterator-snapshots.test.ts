import { Engine, type EngineOptions, type IteratorOptions } from '@lsmkit/engine'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareBytes, FRUIT, openWith, pairsOf } from './iterator-support.js'
import { isTable, memory, observed, text, utf8 } from './support.js'

describe('Iterator snapshots', () => {
  it('does not see puts and deletes made after it was created', async () => {
    await using db = await openWith(FRUIT)
    const it = db.iterator()
    await db.put('avocado', 'new')
    await db.delete('cherry')
    await db.put('elder', 'changed')
    await db.batch([
      { type: 'del', key: 'apple' },
      { type: 'put', key: 'zucchini', value: 'z' },
    ])
    expect(await pairsOf(it)).toEqual(Object.entries(FRUIT))
  })

  it('does not change when the memtable is flushed while it is open', async () => {
    await using db = await openWith(FRUIT)
    const it = db.iterator({ reverse: true })
    expect(text((await it.next()).value?.[0])).toBe('elder')
    await db.delete('date')
    await db.put('cherry', 'changed')
    await db.flush()
    expect(db.stats().levels[0]?.files).toBe(1)
    expect((await it.all()).map(([k, v]) => [text(k), text(v)])).toEqual([
      ['date', '4'],
      ['cherry', '3'],
      ['banana', '2'],
      ['apple', '1'],
    ])
  })

  it('does not change when the database is compacted while it is open', async () => {
    await using db = await openWith(FRUIT)
    await db.flush()
    await db.put('banana', 'two')
    const it = db.iterator()
    expect(text((await it.next()).value?.[0])).toBe('apple')
    for (const key of Object.keys(FRUIT)) await db.delete(key)
    await db.compact()
    expect(db.stats().levels.every((level) => level.files === 0)).toBe(true)
    expect((await it.all()).map(([k, v]) => [text(k), text(v)])).toEqual([
      ['banana', 'two'],
      ['cherry', '3'],
      ['date', '4'],
      ['elder', '5'],
    ])
  })

  it('keeps the table files it reads until it is closed, then they are deleted', async () => {
    const { fs, options } = memory()
    await using db = await Engine.open('/db', options)
    await db.put('a', '1')
    await db.flush()
    await db.put('b', '2')
    await db.flush()
    const before = (await fs.list('/db')).filter(isTable)
    expect(before).toHaveLength(2)
    const it = db.iterator()
    await db.put('c', '3')
    await db.compact()
    const during = (await fs.list('/db')).filter(isTable)
    expect(during).toEqual(expect.arrayContaining(before))
    expect(during.length).toBeGreaterThan(before.length)
    expect((await it.nextv(5)).map(([k]) => text(k))).toEqual(['a', 'b'])
    await it.close()
    const after = (await fs.list('/db')).filter(isTable)
    expect(after.filter((name) => before.includes(name))).toEqual([])
    expect(after).toHaveLength(1)
  })

  it('deletes tables a compaction drops at once when no iterator reads them', async () => {
    const { fs, options } = memory()
    await using db = await Engine.open('/db', options)
    await db.put('a', '1')
    await db.flush()
    await db.put('b', '2')
    await db.flush()
    const before = (await fs.list('/db')).filter(isTable)
    await db.compact()
    const after = (await fs.list('/db')).filter(isTable)
    expect(after.filter((name) => before.includes(name))).toEqual([])
  })

  it('returns its snapshot while writes, flushes and a compaction run concurrently', async () => {
    const { options } = memory({ memtableSize: 4096, l0CompactionTrigger: 2 })
    await using db = await Engine.open('/db', options)
    const snapshot: [string, string][] = []
    for (let i = 0; i < 300; i++) {
      const key = `k${String(i).padStart(4, '0')}`
      const value = `v${i}`.padEnd(40, '.')
      await db.put(key, value)
      snapshot.push([key, value])
    }
    const it = db.iterator()
    const seen = (await it.nextv(10)).map(([k, v]): [string, string] => [text(k)!, text(v)!])
    const writes = (async () => {
      for (let i = 0; i < 300; i += 2) {
        const key = `k${String(i).padStart(4, '0')}`
        await (i % 4 === 0 ? db.delete(key) : db.put(key, 'overwritten'.padEnd(60, '!')))
        if (i % 50 === 0) await db.flush()
      }
      await db.compact()
    })()
    const reads = (async () => {
      for (;;) {
        const step = await it.nextv(7)
        if (step.length === 0) break
        for (const [k, v] of step) seen.push([text(k)!, text(v)!])
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    await Promise.all([writes, reads])
    await it.close()
    expect(db.stats().compactions).toBeGreaterThan(0)
    expect(seen).toEqual(snapshot)
  })
})

describe('Iterators over every kind of source', () => {
  const SMALL: EngineOptions = {
    memtableSize: 1024,
    l0CompactionTrigger: 20,
    l0SlowdownTrigger: 20,
    l0StopTrigger: 20,
  }
  const FILLER = 'f'.repeat(1100)

  type Op = { type: 'put'; key: string; value: string } | { type: 'del'; key: string }

  /**
   * Writes `layers` so that they end up, oldest first: in L1 (through db.compact()), in L0
   * tables (one db.flush() each), in two frozen memtables whose flush is held, and in the active
   * memtable. Each frozen layer carries a filler entry that fills its memtable. Returns the
   * database, the model, and the release of the held flush.
   */
  async function layered(
    deep: readonly Op[],
    l0: readonly (readonly Op[])[],
    frozen: readonly [readonly Op[], readonly Op[]],
    active: readonly Op[],
  ): Promise<{ db: Engine; model: Map<string, string>; release: () => void }> {
    const { fs, options } = observed(SMALL)
    const db = await Engine.open('/db', options)
    const model = new Map<string, string>()
    const write = async (ops: readonly Op[]): Promise<void> => {
      for (const op of ops) {
        if (op.type === 'put') model.set(op.key, op.value)
        else model.delete(op.key)
      }
      await db.batch(ops)
    }
    await write(deep)
    await db.compact()
    for (const ops of l0) {
      await write(ops)
      await db.flush()
    }
    const hold = fs.holdOpen(isTable)
    await write([...frozen[0], { type: 'put', key: 'filler-0', value: FILLER }])
    await write([...frozen[1], { type: 'put', key: 'filler-1', value: FILLER }])
    await write(active)
    await hold.reached
    return { db, model, release: hold.release }
  }

  function expected(model: Map<string, string>, options: IteratorOptions): [string, string][] {
    const lower = options.gte ?? options.gt
    const upper = options.lte ?? options.lt
    let entries = [...model].sort(([a], [b]) => compareBytes(a, b))
    entries = entries.filter(([key]) => {
      if (lower !== undefined) {
        const c = compareBytes(key, text(typeof lower === 'string' ? utf8(lower) : lower)!)
        if (options.gte !== undefined ? c < 0 : c <= 0) return false
      }
      if (upper !== undefined) {
        const c = compareBytes(key, text(typeof upper === 'string' ? utf8(upper) : upper)!)
        if (options.lte !== undefined ? c > 0 : c >= 0) return false
      }
      return true
    })
    if (options.reverse === true) entries.reverse()
    const limit = options.limit ?? -1
    return limit >= 0 ? entries.slice(0, limit) : entries
  }

  it('merges the active memtable, frozen memtables, L0 and L1, newest value first', async () => {
    const put = (key: string, value: string): Op => ({ type: 'put', key, value })
    const del = (key: string): Op => ({ type: 'del', key })
    const { db, model, release } = await layered(
      [put('a', 'deep'), put('b', 'deep'), put('c', 'deep'), put('d', 'deep')],
      [
        [put('b', 'l0-old'), del('c')],
        [put('b', 'l0-new'), put('e', 'l0')],
      ],
      [[put('c', 'frozen-old'), del('d')], [put('c', 'frozen-new')]],
      [del('a'), put('f', 'active')],
    )
    const stats = db.stats()
    expect(stats.memtables.map((m) => m.frozen)).toEqual([false, true, true])
    expect(stats.levels[0]?.files).toBe(2)
    expect(stats.levels[1]?.files).toBe(1)
    const got = (await db.iterator().all()).map(([k, v]) => [text(k), text(v)])
    expect(got).toEqual(expected(model, {}))
    expect(got.filter(([k]) => !k?.startsWith('filler'))).toEqual([
      ['b', 'l0-new'],
      ['c', 'frozen-new'],
      ['e', 'l0'],
      ['f', 'active'],
    ])
    release()
    await db.close()
  })

  it('agrees with a sorted model for random data, ranges, directions and limits', async () => {
    const key = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '\u0000'), maxLength: 3 })
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          type: fc.constant('put' as const),
          key,
          value: fc.string({ minLength: 1, maxLength: 8 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('del' as const), key }) },
    )
    const ops = fc.array(op, { maxLength: 12 })
    const bound = fc.option(fc.oneof(key, key.map(utf8)), { nil: undefined })
    const range = fc.record({
      gt: bound,
      gte: bound,
      lt: bound,
      lte: bound,
      reverse: fc.boolean(),
      limit: fc.option(fc.nat(6), { nil: undefined }),
    })
    await fc.assert(
      fc.asyncProperty(
        ops,
        fc.array(ops, { maxLength: 3 }),
        fc.tuple(ops, ops),
        ops,
        fc.array(range, { minLength: 1, maxLength: 8 }),
        async (deep, l0, frozen, active, ranges) => {
          const { db, model, release } = await layered(deep, l0, frozen, active)
          try {
            for (const r of ranges) {
              const options = Object.fromEntries(
                Object.entries(r).filter(([, v]) => v !== undefined),
              ) as IteratorOptions
              const got = (await db.iterator(options).all()).map(([k, v]) => [text(k), text(v)])
              expect(got).toEqual(expected(model, options))
            }
          } finally {
            release()
            await db.close()
          }
        },
      ),
      { numRuns: 150 },
    )
  })
})
