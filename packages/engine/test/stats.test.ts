import { Engine, LEVEL_COUNT } from '@lsmkit/engine'
import type { MemoryFileSystem } from '@lsmkit/fs'
import { LOG_HEADER_SIZE } from '@lsmkit/log'
import { describe, expect, it } from 'vitest'
import { isTable, memory, text } from './support.js'

/** The total size of the files in /db whose names pass `keep`. */
async function bytesOf(fs: MemoryFileSystem, keep: (name: string) => boolean): Promise<number> {
  let total = 0
  for (const name of await fs.list('/db')) if (keep(name)) total += fs.readFileSync(`/db/${name}`)!.length
  return total
}

describe('db.stats()', () => {
  it('reports an empty tree, one empty memtable, one log and no work for a new database', async () => {
    await using db = await Engine.open('/db', memory().options)
    const stats = db.stats()
    expect(stats.levels).toHaveLength(LEVEL_COUNT)
    expect(stats.levels.map((l) => l.level)).toEqual([0, 1, 2, 3, 4, 5, 6])
    for (const level of stats.levels) {
      expect(level).toEqual({
        level: level.level,
        files: 0,
        bytes: 0,
        smallestKey: undefined,
        largestKey: undefined,
      })
    }
    expect(stats.memtables).toEqual([{ id: stats.memtables[0]!.id, bytes: 0, entries: 0, frozen: false }])
    expect(stats.logFiles).toHaveLength(1)
    expect(stats.bytesWritten).toEqual({ user: 0, log: 0, flush: 0, compaction: 0 })
    expect(stats.writeAmplification).toBe(0)
    expect(stats.flushes).toBe(0)
    expect(stats.compactions).toBe(0)
  })

  it('reports per-level file counts, bytes and key ranges', async () => {
    const { fs, options } = memory()
    await using db = await Engine.open('/db', options)
    await db.put('m', '1')
    await db.put('c', '2')
    await db.flush()
    await db.put('x', '3')
    await db.put('f', '4')
    await db.flush()
    let l0 = db.stats().levels[0]!
    expect(l0.files).toBe(2)
    expect(l0.bytes).toBe(await bytesOf(fs, isTable))
    expect(text(l0.smallestKey)).toBe('c')
    expect(text(l0.largestKey)).toBe('x')
    await db.compact()
    const [zero, one] = db.stats().levels
    l0 = zero!
    expect(l0).toMatchObject({ files: 0, bytes: 0, smallestKey: undefined, largestKey: undefined })
    expect(one).toMatchObject({ level: 1, files: 1, bytes: await bytesOf(fs, isTable) })
    expect(text(one!.smallestKey)).toBe('c')
    expect(text(one!.largestKey)).toBe('x')
  })

  it("reports each memtable's id, bytes and versions, the active one first", async () => {
    await using db = await Engine.open('/db', memory().options)
    await db.put('key', 'value')
    await db.put('key', 'other')
    await db.delete('key')
    const [active] = db.stats().memtables
    expect(active!.entries).toBe(3)
    expect(active!.bytes).toBeGreaterThanOrEqual(3 * 'key'.length + 2 * 'value'.length)
    expect(active!.frozen).toBe(false)
    await db.flush()
    const [next] = db.stats().memtables
    expect(next).toMatchObject({ bytes: 0, entries: 0, frozen: false })
    expect(next!.id).toBeGreaterThan(active!.id)
  })

  it('lists the log files the engine still needs, named by their ids', async () => {
    const { fs, options } = memory()
    await using db = await Engine.open('/db', options)
    await db.put('a', '1')
    await db.flush()
    const { logFiles, memtables } = db.stats()
    expect(logFiles).toEqual([`${String(memtables[0]!.id).padStart(6, '0')}.wal`])
    expect((await fs.list('/db')).filter((name) => name.endsWith('.wal'))).toEqual(logFiles)
  })

  it('counts bytes written by the user as the keys and values given', async () => {
    await using db = await Engine.open('/db', memory().options)
    await db.put('abc', '12345')
    await db.delete('abc')
    await db.batch([
      { type: 'put', key: 'k', value: 'vv' },
      { type: 'del', key: 'zz' },
    ])
    expect(db.stats().bytesWritten.user).toBe(8 + 3 + 3 + 2)
  })

  it('counts the bytes appended to logs', async () => {
    const { fs, options } = memory()
    await using db = await Engine.open('/db', options)
    await db.put('abc', '12345')
    await db.batch([{ type: 'put', key: 'k', value: 'v'.repeat(300) }])
    const { log, user } = db.stats().bytesWritten
    expect(log).toBe((await bytesOf(fs, (name) => name.endsWith('.wal'))) - LOG_HEADER_SIZE)
    expect(log).toBeGreaterThan(user)
  })

  it('counts the bytes of tables written by flushes and by compactions, and how many ran', async () => {
    const { fs, options } = memory()
    await using db = await Engine.open('/db', options)
    for (let i = 0; i < 100; i++) await db.put(`k${i}`, 'v'.repeat(50))
    await db.flush()
    const flushed = await bytesOf(fs, isTable)
    expect(db.stats()).toMatchObject({
      flushes: 1,
      compactions: 0,
      bytesWritten: { flush: flushed, compaction: 0 },
    })
    await db.compact()
    const compacted = await bytesOf(fs, isTable)
    expect(db.stats()).toMatchObject({
      flushes: 1,
      compactions: 1,
      bytesWritten: { flush: flushed, compaction: compacted },
    })
  })

  it('reports write amplification as log, flush and compaction bytes over user bytes, at least 1 after flushes', async () => {
    await using db = await Engine.open('/db', memory({ memtableSize: 4096, l0CompactionTrigger: 2 }).options)
    for (let i = 0; i < 500; i++) await db.put(`k${i % 120}`, `value ${i}`.padEnd(60, '.'))
    await db.flush()
    const { bytesWritten: b, writeAmplification } = db.stats()
    expect(b.flush).toBeGreaterThan(0)
    expect(writeAmplification).toBeCloseTo((b.log + b.flush + b.compaction) / b.user, 10)
    expect(writeAmplification).toBeGreaterThanOrEqual(1)
  })

  it('reports the block cache and what recovery did', async () => {
    const { fs } = memory()
    const db = await Engine.open('/db', { fs })
    await db.put('a', '1')
    await db.close()
    await using again = await Engine.open('/db', { fs })
    const stats = again.stats()
    expect(stats.recovery.logsReplayed).toHaveLength(1)
    expect(stats.recovery.batches).toBe(1)
    expect(stats.blockCache).toMatchObject({ hits: 0, misses: 0 })
  })

  it('is refused after close with LEVEL_DATABASE_NOT_OPEN', async () => {
    const db = await Engine.open('/db', memory().options)
    await db.close()
    expect(() => db.stats()).toThrow(expect.objectContaining({ code: 'LEVEL_DATABASE_NOT_OPEN' }))
  })
})
