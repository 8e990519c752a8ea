import { Engine, type EngineOptions } from '@lsmkit/engine'
import { describe, expect, it } from 'vitest'
import { fill, memory, settle, text } from './support.js'

describe('Options: sizes', () => {
  it('memtableSize: a memtable past that many bytes is frozen and flushed', async () => {
    const flushes: number[] = []
    for (const memtableSize of [4096, 4 * 1024 * 1024]) {
      await using db = await Engine.open('/db', memory({ memtableSize }).options)
      await fill(db, 40, 1000)
      await settle(db, (stats) => stats.memtables.length === 1)
      flushes.push(db.stats().flushes)
    }
    expect(flushes[0]).toBeGreaterThanOrEqual(9)
    expect(flushes[1]).toBe(1)
  })

  it('memtableSize: by default a memtable holds 16 MiB before it is frozen', async () => {
    await using db = await Engine.open('/db', memory().options)
    const active = () => db.stats().memtables.filter((m) => !m.frozen)
    // About 8 MiB: past LevelDB's 4 MiB, within the default, so still one memtable.
    await fill(db, 8 * 1024, 1024)
    expect(db.stats().memtables).toHaveLength(1)
    expect(db.stats().flushes).toBe(0)
    // About 17 MiB in all: the first memtable froze at 16, and a new one holds the rest.
    await fill(db, 9 * 1024, 1024)
    expect(active()).toHaveLength(1)
    expect(active()[0]!.bytes).toBeGreaterThan(0)
    expect(active()[0]!.bytes).toBeLessThan(2 * 1024 * 1024)
  })

  it('targetFileSize: compaction cuts its output into tables of about that size', async () => {
    const files: number[] = []
    for (const targetFileSize of [4096, undefined]) {
      await using db = await Engine.open(
        '/db',
        memory(targetFileSize === undefined ? {} : { targetFileSize }).options,
      )
      await fill(db, 1000, 60)
      await db.compact()
      const l1 = db.stats().levels[1]!
      files.push(l1.files)
      if (targetFileSize !== undefined) expect(l1.bytes / l1.files).toBeLessThan(2 * targetFileSize)
    }
    expect(files[0]).toBeGreaterThanOrEqual(10)
    expect(files[1]).toBe(1)
  })

  it('blockSize: tables are cut into data blocks of about that size', async () => {
    const blocks: number[] = []
    for (const blockSize of [256, 16384]) {
      // Tables read from their files, so that every block read passes the cache.
      await using db = await Engine.open('/db', memory({ blockSize, tableMemorySize: 0 }).options)
      await fill(db, 1000, 60)
      await db.compact()
      await db.iterator().all()
      blocks.push(db.stats().blockCache.entries)
    }
    expect(blocks[0]).toBeGreaterThan(150)
    expect(blocks[1]).toBeLessThan(10)
  })

  it('blockRestartInterval: a shorter interval writes more restart points, so larger tables', async () => {
    const bytes: number[] = []
    for (const blockRestartInterval of [1, 64]) {
      await using db = await Engine.open('/db', memory({ blockRestartInterval }).options)
      await fill(db, 1000, 20)
      await db.compact()
      expect(text(await db.get('key00042'))).toBe('42:'.padEnd(20, 'v'))
      bytes.push(db.stats().levels[1]!.bytes)
    }
    // Each restart point stores its key whole (about 6 bytes more here) and a 4-byte offset.
    expect(bytes[0]! - bytes[1]!).toBeGreaterThan(1000 * 8)
  })

  it('bloomBitsPerKey: more bits per key make the filter spare more block reads for missing keys', async () => {
    const reads: number[] = []
    const bytes: number[] = []
    for (const bloomBitsPerKey of [1, 20]) {
      await using db = await Engine.open('/db', memory({ bloomBitsPerKey, tableMemorySize: 0 }).options)
      await fill(db, 1000, 20)
      await db.compact()
      bytes.push(db.stats().levels[1]!.bytes)
      for (let i = 0; i < 1000; i++) expect(await db.get(`key${String(i).padStart(5, '0')}x`)).toBeUndefined()
      const { hits, misses } = db.stats().blockCache
      reads.push(hits + misses)
    }
    expect(reads[0]).toBeGreaterThan(200)
    expect(reads[1]).toBeLessThan(50)
    expect(bytes[1]! - bytes[0]!).toBeGreaterThan((1000 * 19) / 8 - 100)
  })

  it('blockCacheSize: 0 caches no block, while the default serves repeated reads from the cache', async () => {
    const stats = []
    for (const blockCacheSize of [0, undefined]) {
      await using db = await Engine.open(
        '/db',
        memory(blockCacheSize === undefined ? { tableMemorySize: 0 } : { blockCacheSize, tableMemorySize: 0 })
          .options,
      )
      await fill(db, 100, 20)
      await db.flush()
      for (let round = 0; round < 3; round++)
        expect(text(await db.get('key00042'))).toBe('42:'.padEnd(20, 'v'))
      stats.push(db.stats().blockCache)
    }
    expect(stats[0]).toMatchObject({ hits: 0, entries: 0, bytes: 0 })
    expect(stats[0]!.misses).toBe(3)
    expect(stats[1]).toMatchObject({ hits: 2, misses: 1, entries: 1 })
  })

  it('l0CompactionTrigger: L0 is compacted once it holds that many tables, not before', async () => {
    await using db = await Engine.open('/db', memory({ l0CompactionTrigger: 3 }).options)
    for (let round = 0; round < 2; round++) {
      await db.put(`k${round}`, 'v')
      await db.flush()
    }
    await db.flush()
    expect(db.stats().compactions).toBe(0)
    expect(db.stats().levels.map((level) => level.files)).toEqual([2, 0, 0, 0, 0, 0, 0])
    await db.put('k2', 'v')
    await db.flush()
    await settle(db, (stats) => stats.compactions > 0)
    expect(db.stats().levels.map((level) => level.files)).toEqual([0, 3, 0, 0, 0, 0, 0])
  })

  it('l1MaxBytes: a level past its budget is compacted into the next one', async () => {
    const shapes: number[][] = []
    for (const l1MaxBytes of [4096, undefined]) {
      const sizes: EngineOptions = { memtableSize: 4096, l0CompactionTrigger: 2, targetFileSize: 2048 }
      await using db = await Engine.open(
        '/db',
        memory(l1MaxBytes === undefined ? sizes : { ...sizes, l1MaxBytes }).options,
      )
      await fill(db, 1000, 40)
      await settle(
        db,
        (stats) =>
          stats.memtables.length === 1 &&
          stats.levels[0]!.files < 2 &&
          stats.levels[1]!.bytes <= (l1MaxBytes ?? 10 << 20),
      )
      shapes.push(db.stats().levels.map((level) => level.files))
    }
    expect(shapes[0]![2]).toBeGreaterThan(0)
    expect(shapes[1]!.slice(2)).toEqual([0, 0, 0, 0, 0])
  })
})
