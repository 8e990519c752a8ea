import { Engine, type EngineOptions, type IteratorOptions } from '@lsmkit/engine'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isTable, memory, observed, rejectsWith, text, utf8 } from './support.js'

const FRUIT = { apple: '1', banana: '2', cherry: '3', date: '4', elder: '5' }

/** A database on an in-memory file system holding `entries`, in its memtable. */
async function openWith(entries: Record<string, string>, options: EngineOptions = {}): Promise<Engine> {
  const db = await Engine.open('/db', memory(options).options)
  for (const [key, value] of Object.entries(entries)) await db.put(key, value)
  return db
}

async function keysOf(db: Engine, options: IteratorOptions = {}): Promise<string[]> {
  return (await db.iterator(options).all()).map(([key]) => text(key)!)
}

async function pairsOf(entries: AsyncIterable<[Uint8Array, Uint8Array]>): Promise<[string, string][]> {
  const out: [string, string][] = []
  for await (const [key, value] of entries) out.push([text(key)!, text(value)!])
  return out
}

const compareBytes = (a: string, b: string): number => Buffer.compare(utf8(a), utf8(b))

describe('Iterator ranges and order', () => {
  it('returns every entry in key order, and largest first with reverse', async () => {
    await using db = await openWith({ cherry: '3', apple: '1', elder: '5', banana: '2', date: '4' })
    expect(await pairsOf(db.iterator())).toEqual(Object.entries(FRUIT))
    expect(await keysOf(db, { reverse: true })).toEqual(['elder', 'date', 'cherry', 'banana', 'apple'])
  })

  it('honors gt, gte, lt and lte in both directions', async () => {
    await using db = await openWith(FRUIT)
    const cases: [IteratorOptions, string[]][] = [
      [{ gt: 'banana' }, ['cherry', 'date', 'elder']],
      [{ gte: 'banana' }, ['banana', 'cherry', 'date', 'elder']],
      [{ lt: 'date' }, ['apple', 'banana', 'cherry']],
      [{ lte: 'date' }, ['apple', 'banana', 'cherry', 'date']],
      [{ gt: 'apple', lt: 'elder' }, ['banana', 'cherry', 'date']],
      [{ gte: 'b', lte: 'd' }, ['banana', 'cherry']],
      [{ gt: 'az', lte: 'cherry' }, ['banana', 'cherry']],
    ]
    for (const [range, expected] of cases) {
      expect(await keysOf(db, range), JSON.stringify(range)).toEqual(expected)
      expect(await keysOf(db, { ...range, reverse: true }), JSON.stringify(range)).toEqual(
        [...expected].reverse(),
      )
    }
  })

  it('lets gte win over gt, and lte over lt, when both are given', async () => {
    await using db = await openWith(FRUIT)
    expect(await keysOf(db, { gt: 'banana', gte: 'banana' })).toEqual(['banana', 'cherry', 'date', 'elder'])
    expect(await keysOf(db, { gt: 'apple', gte: 'cherry' })).toEqual(['cherry', 'date', 'elder'])
    expect(await keysOf(db, { lt: 'date', lte: 'date' })).toEqual(['apple', 'banana', 'cherry', 'date'])
    expect(await keysOf(db, { lt: 'elder', lte: 'banana', reverse: true })).toEqual(['banana', 'apple'])
  })

  it('takes bounds as bytes and orders keys bytewise by their UTF-8 encoding', async () => {
    await using db = await Engine.open('/db', memory().options)
    for (const key of [
      new Uint8Array([0]),
      new Uint8Array([0x7a]),
      new Uint8Array([0xc3, 0xa9]),
      new Uint8Array([0xff]),
    ]) {
      await db.put(key, 'v')
    }
    await db.put('a', 'v')
    const all = (await db.iterator().all()).map(([key]) => [...key])
    expect(all).toEqual([[0], [0x61], [0x7a], [0xc3, 0xa9], [0xff]])
    const between = await db.iterator({ gt: new Uint8Array([0]), lt: 'é' }).all()
    expect(between.map(([key]) => [...key])).toEqual([[0x61], [0x7a]])
    const fromAccent = await db.iterator({ gte: utf8('é'), lte: new Uint8Array([0xff]) }).all()
    expect(fromAccent.map(([key]) => [...key])).toEqual([[0xc3, 0xa9], [0xff]])
  })

  it('stops after limit entries, counted from the end it starts at', async () => {
    await using db = await openWith(FRUIT)
    expect(await keysOf(db, { limit: 2 })).toEqual(['apple', 'banana'])
    expect(await keysOf(db, { limit: 2, reverse: true })).toEqual(['elder', 'date'])
    expect(await keysOf(db, { limit: 2, gt: 'banana' })).toEqual(['cherry', 'date'])
    expect(await keysOf(db, { limit: 0 })).toEqual([])
    expect(await keysOf(db, { limit: -1 })).toHaveLength(5)
    expect(await keysOf(db, { limit: Number.POSITIVE_INFINITY })).toHaveLength(5)
  })

  it('hides deleted keys wherever their older values live', async () => {
    await using db = await openWith({ ...FRUIT })
    await db.compact()
    await db.delete('banana')
    await db.put('fig', '6')
    await db.flush()
    await db.delete('date')
    await db.delete('fig')
    await db.delete('never-there')
    expect(await keysOf(db)).toEqual(['apple', 'cherry', 'elder'])
    expect(await keysOf(db, { reverse: true })).toEqual(['elder', 'cherry', 'apple'])
    expect(await keysOf(db, { gte: 'banana', lte: 'date' })).toEqual(['cherry'])
  })

  it('returns nothing for an empty range or an empty database', async () => {
    await using empty = await Engine.open('/db', memory().options)
    expect(await keysOf(empty)).toEqual([])
    expect(await keysOf(empty, { reverse: true })).toEqual([])
    await using db = await openWith(FRUIT)
    for (const range of [
      { gt: 'cherry', lt: 'cherry' },
      { gte: 'cherry', lt: 'cherry' },
      { gt: 'date', lt: 'banana' },
      { gt: 'elder' },
      { lt: 'apple' },
      { gte: 'b', lt: 'ba' },
    ]) {
      expect(await keysOf(db, range), JSON.stringify(range)).toEqual([])
      expect(await keysOf(db, { ...range, reverse: true }), JSON.stringify(range)).toEqual([])
    }
  })

  it('rejects a bad limit or reverse with LEVEL_INVALID_OPTION and a bad bound with LEVEL_INVALID_KEY', async () => {
    await using db = await openWith(FRUIT)
    const code = (options: unknown): unknown => {
      try {
        db.iterator(options as IteratorOptions)
      } catch (err) {
        return (err as { code?: unknown }).code
      }
      return 'no error'
    }
    for (const limit of [-2, 1.5, Number.NaN, '3']) expect(code({ limit })).toBe('LEVEL_INVALID_OPTION')
    expect(code({ reverse: 'yes' })).toBe('LEVEL_INVALID_OPTION')
    expect(code(null)).toBe('LEVEL_INVALID_OPTION')
    for (const bound of ['gt', 'gte', 'lt', 'lte']) expect(code({ [bound]: 5 })).toBe('LEVEL_INVALID_KEY')
  })
})

describe('Iterator methods', () => {
  it('nextv returns up to size entries, then fewer, then none', async () => {
    await using db = await openWith(FRUIT)
    const it = db.iterator()
    expect((await it.nextv(2)).map(([k]) => text(k))).toEqual(['apple', 'banana'])
    expect(await it.nextv(0)).toEqual([])
    expect((await it.nextv(10)).map(([k]) => text(k))).toEqual(['cherry', 'date', 'elder'])
    expect(await it.nextv(10)).toEqual([])
    await rejectsWith(it.nextv(-1), 'LEVEL_INVALID_OPTION')
    await it.close()
  })

  it('next returns entries one by one, then done, and closes itself at the end', async () => {
    await using db = await openWith({ a: '1', b: '2' })
    const it = db.iterator()
    const first = await it.next()
    expect(first.done).toBe(false)
    expect(text(first.value?.[0])).toBe('a')
    expect(text(first.value?.[1])).toBe('1')
    expect(text((await it.next()).value?.[0])).toBe('b')
    expect(await it.next()).toEqual({ done: true, value: undefined })
    await rejectsWith(it.next(), 'LEVEL_CLOSED')
  })

  it('all returns the remaining entries and closes the iterator', async () => {
    await using db = await openWith(FRUIT)
    const it = db.iterator()
    await it.next()
    expect((await it.all()).map(([k]) => text(k))).toEqual(['banana', 'cherry', 'date', 'elder'])
    await rejectsWith(it.next(), 'LEVEL_CLOSED')
  })

  it('seek moves to the first key at or after the target, within the range', async () => {
    await using db = await openWith(FRUIT)
    const it = db.iterator({ lt: 'elder' })
    it.seek('c')
    expect((await it.nextv(2)).map(([k]) => text(k))).toEqual(['cherry', 'date'])
    it.seek('banana')
    expect((await it.nextv(1)).map(([k]) => text(k))).toEqual(['banana'])
    it.seek('a')
    expect((await it.nextv(1)).map(([k]) => text(k))).toEqual(['apple'])
    it.seek('e')
    expect(await it.nextv(1)).toEqual([])
    await it.close()
  })

  it('seek in a reverse iterator moves to the last key at or before the target, within the range', async () => {
    await using db = await openWith(FRUIT)
    const it = db.iterator({ reverse: true, gt: 'apple' })
    it.seek('cz')
    expect((await it.nextv(2)).map(([k]) => text(k))).toEqual(['cherry', 'banana'])
    it.seek('zzz')
    expect((await it.nextv(1)).map(([k]) => text(k))).toEqual(['elder'])
    it.seek('apple')
    expect(await it.nextv(1)).toEqual([])
    await it.close()
  })

  it('seek before the lower bound starts at the lower bound', async () => {
    await using db = await openWith(FRUIT)
    const it = db.iterator({ gt: 'banana' })
    it.seek('a')
    expect((await it.nextv(1)).map(([k]) => text(k))).toEqual(['cherry'])
    await it.close()
  })

  it('closes the iterator when a for await loop breaks out early', async () => {
    await using db = await openWith(FRUIT)
    const it = db.iterator()
    const seen: string[] = []
    for await (const [key] of it) {
      seen.push(text(key)!)
      if (seen.length === 2) break
    }
    expect(seen).toEqual(['apple', 'banana'])
    await rejectsWith(it.next(), 'LEVEL_CLOSED')
  })

  it('rejects next, nextv and seek after close with LEVEL_CLOSED, and closes twice harmlessly', async () => {
    await using db = await openWith(FRUIT)
    const it = db.iterator()
    await it.close()
    await it.close()
    await rejectsWith(it.next(), 'LEVEL_CLOSED')
    await rejectsWith(it.nextv(1), 'LEVEL_CLOSED')
    expect(() => it.seek('a')).toThrow(expect.objectContaining({ code: 'LEVEL_CLOSED' }))
  })

  it('is closed by await using when its scope ends', async () => {
    await using db = await openWith(FRUIT)
    let leaked: AsyncIterator<unknown> | undefined
    {
      await using it = db.iterator()
      await it.next()
      leaked = it
    }
    await rejectsWith(leaked.next(), 'LEVEL_CLOSED')
  })

  it('is closed when the database closes', async () => {
    const db = await openWith(FRUIT)
    const it = db.iterator()
    await it.next()
    await db.close()
    await rejectsWith(it.next(), 'LEVEL_CLOSED')
  })

  it('returns copies the caller may change', async () => {
    await using db = await openWith({ a: 'apple' })
    const [[key, value]] = (await db.iterator().all()) as [[Uint8Array, Uint8Array]]
    key.fill(0)
    value.fill(0)
    expect(await keysOf(db)).toEqual(['a'])
    expect(text(await db.get('a'))).toBe('apple')
  })
})

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
