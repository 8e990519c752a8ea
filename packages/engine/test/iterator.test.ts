import { Engine, type IteratorOptions } from '@lsmkit/engine'
import { describe, expect, it } from 'vitest'
import { FRUIT, keysOf, openWith, pairsOf } from './iterator-support.js'
import { memory, rejectsWith, text, utf8 } from './support.js'

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

  it('returns copies of entries read from tables, and no two share bytes', async () => {
    await using db = await openWith({ a: 'apple', b: 'banana' })
    await db.flush()
    const [[aKey, aValue], [bKey, bValue]] = (await db.iterator().all()) as [
      [Uint8Array, Uint8Array],
      [Uint8Array, Uint8Array],
    ]
    aKey.fill(0)
    aValue.fill(0)
    expect([text(bKey), text(bValue)]).toEqual(['b', 'banana'])
    expect(await pairsOf(db.iterator())).toEqual([
      ['a', 'apple'],
      ['b', 'banana'],
    ])
  })
})
