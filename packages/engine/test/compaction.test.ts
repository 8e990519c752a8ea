import { Engine, type EngineOptions, type EngineStats, fileName, TABLE_SUFFIX } from '@lsmkit/engine'
import type { FileSystem } from '@lsmkit/fs'
import { readManifest } from '@lsmkit/manifest'
import { compareKeys, TableReader } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { heldCompaction } from './held-compaction.js'
import { contents, isTable, memory, seededRandom, settle, text } from './support.js'

const key = (i: number): string => `key${String(i).padStart(5, '0')}`

/** The tree is in shape: nothing frozen, L0 below its trigger, every level within budget. */
function inShape(options: EngineOptions): (stats: EngineStats) => boolean {
  const trigger = options.l0CompactionTrigger ?? 4
  const l1 = options.l1MaxBytes ?? 10 * 1024 * 1024
  return (stats) =>
    stats.memtables.length === 1 &&
    (stats.levels[0]?.files ?? 0) < trigger &&
    stats.levels.slice(1, -1).every((level) => level.bytes <= l1 * 10 ** (level.level - 1))
}

/** Each table's id and key range, per level, as the manifest and the table files say. */
async function tablesByLevel(fs: FileSystem, dir: string) {
  const state = await readManifest(dir, { fs })
  return Promise.all(
    (state?.levels ?? []).map((ids) =>
      Promise.all(
        ids.map(async (id) => {
          const reader = await TableReader.open(`${dir}/${fileName(id, TABLE_SUFFIX)}`, { fs })
          const range = {
            id,
            smallest: reader.smallestKey,
            largest: reader.largestKey,
            size: reader.fileSize,
          }
          await reader.close()
          return range
        }),
      ),
    ),
  )
}

/** Writes `count` keys (in a seeded random order) with `bytes`-byte values; returns the model. */
async function fill(db: Engine, count: number, bytes: number, seed = 1): Promise<Map<string, string>> {
  const rand = seededRandom(seed)
  const model = new Map<string, string>()
  for (let i = 0; i < count; i++) {
    const k = key(Math.floor(rand() * count * 2))
    const value = `${k}:${i}:`.padEnd(bytes, 'v')
    await db.put(k, value)
    model.set(k, value)
  }
  return model
}

const sorted = (model: Map<string, string>): [string, string][] =>
  [...model].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

describe('Leveled compaction', () => {
  it('keeps the blocks it merges out of the block cache', async () => {
    const { options } = memory({ blockCacheSize: 16 * 1024, memtableSize: 64 * 1024, l0CompactionTrigger: 8 })
    await using db = await Engine.open('/db', options)
    const model = await fill(db, 3000, 100)
    await db.flush()
    // Some blocks cached, and the cache full, before the merge.
    for (const k of [...model.keys()].slice(0, 200)) await db.get(k)
    const before = db.stats()
    expect(before.levels[0]!.files).toBeGreaterThan(1)
    await db.compact()
    const after = db.stats()
    expect(after.compactions).toBeGreaterThan(before.compactions)
    expect(after.blockCache.evictions).toBe(before.blockCache.evictions)
    expect(await contents(db)).toEqual(sorted(model))
  })

  it('compacts L0 into L1 once L0 holds l0CompactionTrigger tables (4 by default)', async () => {
    const { options } = memory({ memtableSize: 4096 })
    await using db = await Engine.open('/db', options)
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 50; i++) await db.put(key(round * 50 + i), 'value')
      await db.flush()
    }
    await db.flush()
    expect(db.stats().levels[0]?.files).toBe(3)
    expect(db.stats().compactions).toBe(0)
    for (let i = 150; i < 200; i++) await db.put(key(i), 'value')
    await db.flush()
    await settle(db, (stats) => stats.compactions > 0)
    const stats = db.stats()
    expect(stats.levels[0]?.files).toBe(0)
    expect(stats.levels[1]?.files).toBeGreaterThan(0)
    expect(text(stats.levels[1]?.smallestKey)).toBe(key(0))
    expect(text(stats.levels[1]?.largestKey)).toBe(key(199))
    for (let i = 0; i < 200; i++) expect(text(await db.get(key(i)))).toBe('value')
  })

  it('keeps every level below L0 sorted, non-overlapping and within its byte budget', async () => {
    const sizes = { memtableSize: 4096, l0CompactionTrigger: 2, l1MaxBytes: 8192, targetFileSize: 2048 }
    const { fs, options } = memory(sizes)
    await using db = await Engine.open('/db', options)
    const model = await fill(db, 3000, 50)
    await settle(db, inShape(sizes))
    const stats = db.stats()
    const levels = await tablesByLevel(fs, '/db')
    expect(levels[2]?.length).toBeGreaterThan(1)
    for (const [level, tables] of levels.entries()) {
      const reported = stats.levels[level]!
      expect(reported.files).toBe(tables.length)
      expect(reported.bytes).toBe(tables.reduce((sum, t) => sum + t.size, 0))
      if (tables.length === 0) continue
      if (level > 0) {
        for (let i = 1; i < tables.length; i++) {
          expect(compareKeys(tables[i - 1]!.largest, tables[i]!.smallest)).toBeLessThan(0)
        }
        expect(reported.smallestKey).toEqual(tables[0]!.smallest)
        expect(reported.largestKey).toEqual(tables.at(-1)!.largest)
      }
      expect(compareKeys(reported.smallestKey!, reported.largestKey!)).toBeLessThanOrEqual(0)
    }
    expect(await contents(db)).toEqual(sorted(model))
  })

  it('answers every read correctly while compactions run', async () => {
    const { options } = memory({
      memtableSize: 4096,
      l0CompactionTrigger: 2,
      l1MaxBytes: 8192,
      targetFileSize: 2048,
    })
    await using db = await Engine.open('/db', options)
    const rand = seededRandom(7)
    const model = new Map<string, string>()
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) {
        const k = key(Math.floor(rand() * 500))
        if (rand() < 0.2) {
          await db.delete(k)
          model.delete(k)
        } else {
          const value = `${round}.${i}`.padEnd(40, '-')
          await db.put(k, value)
          model.set(k, value)
        }
      }
      for (let i = 0; i < 50; i++) {
        const k = key(Math.floor(rand() * 500))
        expect(text(await db.get(k)), k).toBe(model.get(k))
      }
      if (round % 5 === 4) expect(await contents(db)).toEqual(sorted(model))
    }
    expect(db.stats().compactions).toBeGreaterThan(5)
    expect(await contents(db)).toEqual(sorted(model))
  })

  it('keeps a tombstone while a deeper level may still hold the key it deletes', async () => {
    const { fs } = memory()
    let db = await Engine.open('/db', { fs })
    const model = await fill(db, 200, 40)
    await db.put('victim', 'old')
    await db.compact()
    await db.close()
    // A small L1 budget makes the background push the one L1 table down into L2.
    const sizes = { fs, l1MaxBytes: 1024, l0CompactionTrigger: 2 }
    db = await Engine.open('/db', sizes)
    await settle(db, (stats) => stats.levels[1]?.files === 0)
    expect(db.stats().levels[2]?.files).toBe(1)
    await db.delete('victim')
    await db.put(key(0), 'new')
    await db.flush()
    await db.put(key(399), 'new')
    await db.flush()
    await settle(db, (stats) => stats.compactions > 0 && stats.levels[0]?.files === 0)
    expect(await db.get('victim')).toBeUndefined()
    model.set(key(0), 'new').set(key(399), 'new')
    expect(await contents(db)).toEqual(sorted(model))
    await db.close()
  })

  it('does not block reads: a get issued during a compaction resolves before it finishes', async () => {
    const { release, flushing, ...held } = await heldCompaction()
    await using db = held.db
    const events: string[] = []
    events.push(`get ${text(await db.get('a'))}`)
    events.push(`iterator ${(await db.iterator().all()).length}`)
    events.push(`compactions ${db.stats().compactions}`)
    release()
    await flushing
    events.push(`compactions ${db.stats().compactions}`)
    expect(events).toEqual(['get 1', 'iterator 3', 'compactions 0', 'compactions 1'])
  })

  it('does not block writes: a put issued during a compaction is acknowledged before it finishes', async () => {
    const { release, flushing, ...held } = await heldCompaction()
    await using db = held.db
    await db.put('d', '4')
    await db.delete('a')
    await db.batch([{ type: 'put', key: 'e', value: '5' }])
    expect(db.stats().compactions).toBe(0)
    release()
    await flushing
    expect(db.stats().compactions).toBe(1)
    expect(await contents(db)).toEqual([
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
      ['e', '5'],
    ])
  })

  it('moves L0 tables that share no keys down to L1 whole, without rewriting them', async () => {
    const { fs, options } = memory({ memtableSize: 4096 })
    await using db = await Engine.open('/db', options)
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 50; i++) await db.put(key(round * 50 + i), 'value')
      await db.flush()
    }
    await settle(db, (stats) => stats.compactions > 0)
    const stats = db.stats()
    expect(stats.bytesWritten.compaction).toBe(0)
    const [l0, l1] = await tablesByLevel(fs, '/db')
    expect(l0).toEqual([])
    // The four flushed tables, oldest (smallest keys) first, each still holding its 50 keys.
    expect(l1!.map((t) => [text(t.smallest), text(t.largest)])).toEqual(
      [0, 1, 2, 3].map((round) => [key(round * 50), key(round * 50 + 49)]),
    )
    for (let i = 0; i < 200; i++) expect(text(await db.get(key(i)))).toBe('value')
  })

  it('merges L0 tables whose key ranges overlap, even when L1 is empty', async () => {
    const { options } = memory({ memtableSize: 4096 })
    await using db = await Engine.open('/db', options)
    for (let round = 0; round < 4; round++) {
      for (let i = round; i < 200; i += 4) await db.put(key(i), `value ${round}`)
      await db.flush()
    }
    await settle(db, (stats) => stats.compactions > 0)
    const stats = db.stats()
    expect(stats.levels[0]?.files).toBe(0)
    expect(stats.bytesWritten.compaction).toBeGreaterThan(0)
    for (let i = 0; i < 200; i++) expect(text(await db.get(key(i)))).toBe(`value ${i % 4}`)
  })
})

describe('Regressions', () => {
  // A compaction that moved one table down a level without merging it counted the table among
  // those it dropped, and deleted the file the next level still listed.
  it('a table moved down a level without a merge keeps its file', async () => {
    const { fs } = memory()
    let db = await Engine.open('/db', { fs })
    const model = await fill(db, 200, 40)
    await db.compact()
    await db.close()
    db = await Engine.open('/db', { fs, l1MaxBytes: 1024 })
    await settle(db, (stats) => stats.levels[1]?.files === 0)
    const [moved] = (await tablesByLevel(fs, '/db'))[2]!
    expect(await fs.exists(`/db/${fileName(moved!.id, TABLE_SUFFIX)}`)).toBe(true)
    expect(await contents(db)).toEqual(sorted(model))
    await db.close()
    await using again = await Engine.open('/db', { fs })
    expect(await contents(again)).toEqual(sorted(model))
  })
})

describe('db.compact()', () => {
  it('leaves all data in one level, memtables included', async () => {
    const { fs } = memory()
    const small = { fs, memtableSize: 4096, l0CompactionTrigger: 2, l1MaxBytes: 4096, targetFileSize: 2048 }
    let db = await Engine.open('/db', small)
    const model = await fill(db, 1500, 40)
    await settle(db, inShape(small))
    for (let i = 0; i < 30; i++) await db.put(key(i), 'newer')
    await db.flush()
    for (let i = 20; i < 40; i++) await db.put(key(i), 'newest')
    await db.close()
    for (let i = 0; i < 40; i++) model.set(key(i), i < 20 ? 'newer' : 'newest')

    // Reopened with room enough that the background leaves the compacted level alone.
    db = await Engine.open('/db', { fs, memtableSize: 4096, l0CompactionTrigger: 2, targetFileSize: 2048 })
    expect(db.stats().levels.filter((level) => level.files > 0).length).toBeGreaterThan(2)
    await db.compact()
    const stats = db.stats()
    expect(stats.levels.filter((level) => level.files > 0)).toHaveLength(1)
    expect(stats.memtables).toHaveLength(1)
    expect(stats.memtables[0]?.entries).toBe(0)
    expect(await contents(db)).toEqual(sorted(model))
    await db.close()
  })

  it('drops tombstones: deleting every key and compacting leaves no table behind', async () => {
    const { fs, options } = memory({ memtableSize: 4096 })
    await using db = await Engine.open('/db', options)
    const model = await fill(db, 2000, 40)
    await db.compact()
    expect(db.stats().levels[1]?.bytes).toBeGreaterThan(50_000)
    for (const k of model.keys()) await db.delete(k)
    await db.compact()
    const stats = db.stats()
    expect(stats.levels.map((level) => level.files)).toEqual([0, 0, 0, 0, 0, 0, 0])
    expect(stats.levels.map((level) => level.bytes)).toEqual([0, 0, 0, 0, 0, 0, 0])
    expect((await fs.list('/db')).filter(isTable)).toEqual([])
    expect(await contents(db)).toEqual([])
  })

  it('keeps the newest value of a key written to every level', async () => {
    const { options } = memory()
    await using db = await Engine.open('/db', options)
    await db.put('k', 'v1')
    await db.compact()
    await db.put('k', 'v2')
    await db.flush()
    await db.put('k', 'v3')
    await db.compact()
    expect(text(await db.get('k'))).toBe('v3')
    expect(
      db
        .stats()
        .levels.filter((level) => level.files > 0)
        .map((level) => level.level),
    ).toEqual([1])
  })
})
