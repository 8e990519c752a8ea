import { Engine } from '@lsmkit/engine'
import { describe, expect, it } from 'vitest'
import { fill, memory, text } from './support.js'

describe('Options: tables held in memory', () => {
  it('tableMemorySize: tables are held in memory by default once read, and then pass no block cache', async () => {
    await using db = await Engine.open('/db', memory().options)
    await fill(db, 1000, 20)
    await db.compact()
    expect(db.stats().tableMemory.tables).toBe(0)
    const before = db.stats().blockCache
    for (let i = 0; i < 1000; i += 7)
      expect(text(await db.get(`key${String(i).padStart(5, '0')}`))).toBeDefined()
    const tables = db.stats().levels.reduce((n, level) => n + level.files, 0)
    expect(db.stats().tableMemory.tables).toBe(tables)
    expect(db.stats().blockCache).toMatchObject({ hits: before.hits, misses: before.misses })
  })

  it('tableMemorySize: 0 holds no table, and reads go through the block cache', async () => {
    await using db = await Engine.open('/db', memory({ tableMemorySize: 0 }).options)
    await fill(db, 1000, 20)
    await db.compact()
    expect(text(await db.get('key00042'))).toBe('42:'.padEnd(20, 'v'))
    expect(db.stats().tableMemory).toEqual({ bytes: 0, tables: 0 })
    expect(db.stats().blockCache.misses).toBeGreaterThan(0)
  })

  it('tableMemorySize: tables past the budget are read from their files', async () => {
    const tableMemorySize = 8 * 1024
    await using db = await Engine.open('/db', memory({ tableMemorySize, targetFileSize: 4 * 1024 }).options)
    await fill(db, 2000, 20)
    await db.compact()
    for (let i = 0; i < 2000; i += 13)
      expect(text(await db.get(`key${String(i).padStart(5, '0')}`))).toBe(`${i}:`.padEnd(20, 'v'))
    const held = db.stats().tableMemory
    expect(held.tables).toBeGreaterThan(0)
    expect(held.bytes).toBeLessThanOrEqual(tableMemorySize)
    expect(db.stats().blockCache.misses).toBeGreaterThan(0)
  })

  it('tableMemorySize: the tables found at open are held once read', async () => {
    const { fs, options } = memory()
    const first = await Engine.open('/db', options)
    await fill(first, 1000, 20)
    await first.compact()
    const tables = first.stats().levels.reduce((n, level) => n + level.files, 0)
    await first.close()
    await using db = await Engine.open('/db', { ...options, fs })
    expect(await db.iterator().all()).toHaveLength(1000)
    expect(db.stats().tableMemory.tables).toBe(tables)
    expect(text(await db.get('key00042'))).toBe('42:'.padEnd(20, 'v'))
    expect(db.stats().blockCache.misses).toBe(0)
  })
})
