import { Engine, type EngineSnapshot } from '@lsmkit/engine'
import { describe, expect, it } from 'vitest'
import { isTable, memory, rejectsWith, text } from './support.js'

async function pairsOf(snapshot: EngineSnapshot, options = {}): Promise<[string, string][]> {
  return (await snapshot.iterator(options).all()).map(([k, v]) => [text(k)!, text(v)!])
}

describe('Explicit snapshots', () => {
  it('sees the writes made before it and none made after', async () => {
    await using db = await Engine.open('/db', memory().options)
    await db.put('a', '1')
    await db.put('b', '1')
    await using snapshot = db.snapshot()
    await db.put('a', '2')
    await db.delete('b')
    await db.put('c', '2')
    expect(text(await snapshot.get('a'))).toBe('1')
    expect(text(snapshot.getSync('b'))).toBe('1')
    expect(snapshot.getSync('c')).toBeUndefined()
    expect(await pairsOf(snapshot)).toEqual([
      ['a', '1'],
      ['b', '1'],
    ])
    expect(text(await db.get('a'))).toBe('2')
  })

  it('is unchanged by later flushes and compactions', async () => {
    await using db = await Engine.open('/db', memory().options)
    await db.put('a', '1')
    await db.flush()
    await db.put('b', '1')
    await using snapshot = db.snapshot()
    await db.put('a', '2')
    await db.delete('b')
    await db.flush()
    await db.compact()
    expect(text(snapshot.getSync('a'))).toBe('1')
    expect(text(snapshot.getSync('b'))).toBe('1')
    expect(await pairsOf(snapshot, { reverse: true })).toEqual([
      ['b', '1'],
      ['a', '1'],
    ])
    expect(await db.get('b')).toBeUndefined()
  })

  it('keeps the tables it reads until it is closed, then they are deleted', async () => {
    const { fs, options } = memory()
    await using db = await Engine.open('/db', options)
    await db.put('a', '1')
    await db.flush()
    await db.put('b', '2')
    await db.flush()
    const before = (await fs.list('/db')).filter(isTable)
    const snapshot = db.snapshot()
    await db.put('c', '3')
    await db.compact()
    expect((await fs.list('/db')).filter(isTable)).toEqual(expect.arrayContaining(before))
    expect(text(snapshot.getSync('a'))).toBe('1')
    await snapshot.close()
    const after = (await fs.list('/db')).filter(isTable)
    expect(after.filter((name) => before.includes(name))).toEqual([])
  })

  it('leaves its iterators usable after it is closed', async () => {
    await using db = await Engine.open('/db', memory().options)
    await db.put('a', '1')
    await db.flush()
    const snapshot = db.snapshot()
    const it = snapshot.iterator()
    await snapshot.close()
    await db.put('b', '2')
    await db.compact()
    expect((await it.all()).map(([k]) => text(k))).toEqual(['a'])
  })

  it('refuses reads once closed, and closing twice is harmless', async () => {
    await using db = await Engine.open('/db', memory().options)
    const snapshot = db.snapshot()
    await snapshot.close()
    await snapshot.close()
    expect(snapshot.closed).toBe(true)
    await rejectsWith(snapshot.get('a'), 'LEVEL_CLOSED')
    expect(() => snapshot.iterator()).toThrow(expect.objectContaining({ code: 'LEVEL_CLOSED' }))
  })

  it('is closed by the database close', async () => {
    const db = await Engine.open('/db', memory().options)
    const snapshot = db.snapshot()
    await db.close()
    expect(snapshot.closed).toBe(true)
    expect(() => db.snapshot()).toThrow(expect.objectContaining({ code: 'LEVEL_DATABASE_NOT_OPEN' }))
  })
})
