import { Engine } from '@lsmkit/engine'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contents, memory, rejectsWith, tempDir, text, utf8 } from './support.js'

describe('Engine on real files', () => {
  let dir: string
  let remove: () => void
  beforeEach(() => {
    ;({ dir, remove } = tempDir())
  })
  afterEach(() => remove())

  it('gets what was put, as bytes, and undefined for a missing key', async () => {
    await using db = await Engine.open(dir)
    await db.put('a', 'apple')
    await db.put(utf8('b'), utf8('banana'))
    expect(text(await db.get('a'))).toBe('apple')
    expect(text(await db.get(utf8('b')))).toBe('banana')
    expect(await db.get('missing')).toBeUndefined()
  })

  it('forgets a deleted key, and deleting a missing key is fine', async () => {
    await using db = await Engine.open(dir)
    await db.put('a', '1')
    await db.delete('a')
    await db.delete('never')
    expect(await db.get('a')).toBeUndefined()
  })

  it('applies a batch of puts and deletes in order', async () => {
    await using db = await Engine.open(dir)
    await db.put('x', 'old')
    await db.batch([
      { type: 'put', key: 'a', value: '1' },
      { type: 'del', key: 'x' },
      { type: 'put', key: 'a', value: '2' },
    ])
    expect(await contents(db)).toEqual([['a', '2']])
  })

  it('stores batches of every size, past a mebibyte, and replays them from its log', async () => {
    // Entry counts and value sizes on both sides of a batch carved from a shared chunk (up to
    // 4 KiB) and of the largest batch encoded in reused memory (1 MiB).
    const shapes = [
      [1, 10],
      [7, 33],
      [40, 100],
      [40, 30_000],
    ] as const
    const expected = new Map<string, Uint8Array>()
    const db = await Engine.open(dir)
    for (const [n, [count, size]] of shapes.entries()) {
      const ops = Array.from({ length: count }, (_, i) => {
        const value = new Uint8Array(size + (i % 5)).fill((n * 41 + i) & 0xff)
        expected.set(`b${n}-${String(i).padStart(3, '0')}`, value)
        return { type: 'put' as const, key: `b${n}-${String(i).padStart(3, '0')}`, value }
      })
      await db.batch(ops)
    }
    const check = async (from: Engine) => {
      const all = await from.iterator().all()
      expect(all.map(([k]) => text(k))).toEqual([...expected.keys()].sort())
      for (const [k, v] of all) expect(v).toEqual(expected.get(text(k)!))
    }
    await check(db)
    await db.close()
    await using again = await Engine.open(dir)
    await check(again)
  })

  it('keeps its data across close and reopen', async () => {
    const db = await Engine.open(dir)
    await db.put('k', 'v')
    await db.close()
    await using again = await Engine.open(dir)
    expect(text(await again.get('k'))).toBe('v')
  })

  it('keeps what it stored when the caller reuses its buffers', async () => {
    await using db = await Engine.open(dir)
    const key = utf8('key')
    const value = utf8('value')
    await db.put(key, value)
    key.fill(0)
    value.fill(0)
    expect(text(await db.get('key'))).toBe('value')
    const got = (await db.get('key'))!
    got.fill(0)
    expect(text(await db.get('key'))).toBe('value')
  })

  it('hands out values from tables that the caller may modify without changing the table', async () => {
    await using db = await Engine.open(dir)
    await db.put('key', 'value')
    await db.put('next', 'other')
    await db.flush()
    const got = (await db.get('key'))!
    got.fill(0)
    expect(text(await db.get('key'))).toBe('value')
    expect(text(await db.get('next'))).toBe('other')
  })

  it('runs the design scenario: 21 rounds of writes and flushes, then reopen', async () => {
    for (const enableWal of [true, false]) {
      const { dir: d, remove: rm } = tempDir()
      try {
        let db = await Engine.open(d, { enableWal })
        for (let i = 0; i <= 20; i++) {
          await db.put('0', `v${i}`)
          if (i % 2 === 0) await db.put('1', `v${i}`)
          else await db.delete('1')
          if (i % 2 === 1) await db.put('2', `v${i}`)
          else await db.delete('2')
          await db.flush()
        }
        await db.close()
        db = await Engine.open(d, { enableWal })
        expect(text(await db.get('0'))).toBe('v20')
        expect(text(await db.get('1'))).toBe('v20')
        expect(await db.get('2')).toBeUndefined()
        await db.close()
      } finally {
        rm()
      }
    }
  })
})

describe('Engine input checks', () => {
  it('rejects keys that are not strings or bytes, or too long, and writes nothing', async () => {
    const { options } = memory()
    await using db = await Engine.open('/db', options)
    for (const key of [1, null, undefined, {}, [1], new Uint8Array(65536)]) {
      await rejectsWith(db.put(key as string, 'v'), 'LEVEL_INVALID_KEY')
      await rejectsWith(db.delete(key as string), 'LEVEL_INVALID_KEY')
      await rejectsWith(db.get(key as string), 'LEVEL_INVALID_KEY')
    }
    expect(await contents(db)).toEqual([])
  })

  it('rejects empty, overlong and mistyped values', async () => {
    const { options } = memory()
    await using db = await Engine.open('/db', options)
    for (const value of ['', new Uint8Array(0), new Uint8Array(65536), 5, null]) {
      await rejectsWith(db.put('k', value as string), 'LEVEL_INVALID_VALUE')
    }
    expect(await db.get('k')).toBeUndefined()
  })

  it('applies no operation of a batch that holds a bad one', async () => {
    const { options } = memory()
    await using db = await Engine.open('/db', options)
    const bad = [
      { type: 'put', key: 'a', value: '1' },
      { type: 'put', key: 'b', value: '' },
    ] as const
    await rejectsWith(db.batch(bad), 'LEVEL_INVALID_VALUE')
    await rejectsWith(db.batch([{ type: 'nope', key: 'a' } as never]), 'LEVEL_INVALID_OPTION')
    await rejectsWith(db.batch('x' as never), 'LEVEL_INVALID_OPTION')
    expect(await contents(db)).toEqual([])
  })

  it('rejects bad write options and bad engine options', async () => {
    const { options } = memory()
    await using db = await Engine.open('/db', options)
    await rejectsWith(db.put('a', 'b', { sync: 'yes' as never }), 'LEVEL_INVALID_OPTION')
    for (const bad of [
      { durability: 'always' },
      { memtableSize: -1 },
      { enableWal: 1 },
      { walRecovery: 'x' },
    ]) {
      await rejectsWith(Engine.open('/other', { ...options, ...bad } as never), 'LEVEL_INVALID_OPTION')
    }
  })

  it('refuses every call after close, and closes twice harmlessly', async () => {
    const { options } = memory()
    const db = await Engine.open('/db', options)
    await db.close()
    await db.close()
    expect(db.status).toBe('closed')
    await rejectsWith(db.put('a', 'b'), 'LEVEL_DATABASE_NOT_OPEN')
    await rejectsWith(db.get('a'), 'LEVEL_DATABASE_NOT_OPEN')
    await rejectsWith(db.delete('a'), 'LEVEL_DATABASE_NOT_OPEN')
    await rejectsWith(db.batch([]), 'LEVEL_DATABASE_NOT_OPEN')
    await rejectsWith(db.sync(), 'LEVEL_DATABASE_NOT_OPEN')
    await rejectsWith(db.flush(), 'LEVEL_DATABASE_NOT_OPEN')
    await rejectsWith(db.compact(), 'LEVEL_DATABASE_NOT_OPEN')
    expect(() => db.iterator()).toThrow(expect.objectContaining({ code: 'LEVEL_DATABASE_NOT_OPEN' }))
    expect(() => db.stats()).toThrow(expect.objectContaining({ code: 'LEVEL_DATABASE_NOT_OPEN' }))
  })
})
