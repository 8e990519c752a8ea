import { existsSync } from 'node:fs'
import { Engine, type EngineOptions, LOG_SUFFIX } from '@lsmkit/engine'
import type { MemoryFileSystem } from '@lsmkit/fs'
import { decodeLogHeader } from '@lsmkit/log'
import { describe, expect, it } from 'vitest'
import {
  contents,
  fill,
  isTable,
  memory,
  observed,
  rejectsWith,
  settle,
  tempDir,
  text,
  utf8,
} from './support.js'

const isLog = (name: string): boolean => name.endsWith(LOG_SUFFIX)

async function logPaths(fs: MemoryFileSystem): Promise<string[]> {
  return (await fs.list('/db')).filter(isLog).map((name) => `/db/${name}`)
}

/** Puts `count` keys with `bytes`-byte values. */
describe('Options: where and whether to open', () => {
  it('fs: keeps every file on the file system given', async () => {
    const { fs, options } = memory()
    const dir = `/lsmkit-options-test-${process.pid}`
    await using db = await Engine.open(dir, options)
    await db.put('a', '1')
    await db.flush()
    expect(await fs.list(dir)).toEqual(expect.arrayContaining(['LOCK', 'manifest']))
    expect((await fs.list(dir)).some(isTable)).toBe(true)
    expect(existsSync(dir)).toBe(false)
  })

  it('createIfMissing (default true): creates a missing directory and database', async () => {
    const { fs, options } = memory()
    await using db = await Engine.open('/data/db', options)
    expect(db.status).toBe('open')
    expect(await fs.exists('/data/db/manifest')).toBe(true)
  })

  it('createIfMissing false: a missing directory fails with LEVEL_DATABASE_NOT_OPEN and is not created', async () => {
    const { fs, options } = memory()
    await rejectsWith(Engine.open('/db', { ...options, createIfMissing: false }), 'LEVEL_DATABASE_NOT_OPEN')
    expect(await fs.exists('/db')).toBe(false)
  })

  it('createIfMissing false: a directory holding no database fails with LEVEL_DATABASE_NOT_OPEN and leaves no lock', async () => {
    const { dir, remove } = tempDir()
    try {
      await rejectsWith(Engine.open(dir, { createIfMissing: false }), 'LEVEL_DATABASE_NOT_OPEN')
      const db = await Engine.open(dir)
      await db.close()
    } finally {
      remove()
    }
  })

  it('createIfMissing false: opens an existing database', async () => {
    const { options } = memory()
    const db = await Engine.open('/db', options)
    await db.put('a', '1')
    await db.close()
    await using again = await Engine.open('/db', { ...options, createIfMissing: false })
    expect(text(await again.get('a'))).toBe('1')
  })

  it('errorIfExists: an existing database fails with LEVEL_DATABASE_NOT_OPEN and is left intact', async () => {
    const { options } = memory()
    const db = await Engine.open('/db', options)
    await db.put('a', '1')
    await db.close()
    await rejectsWith(Engine.open('/db', { ...options, errorIfExists: true }), 'LEVEL_DATABASE_NOT_OPEN')
    await using again = await Engine.open('/db', options)
    expect(text(await again.get('a'))).toBe('1')
  })

  it('errorIfExists: a new database opens', async () => {
    const { options } = memory()
    await using db = await Engine.open('/db', { ...options, errorIfExists: true })
    expect(db.status).toBe('open')
  })
})

describe('Options: durability and the log', () => {
  it("durability 'fsync': every write is fsynced before it resolves and survives a power cut", async () => {
    const { memory: mem, fs, options } = observed({ durability: 'fsync' })
    const db = await Engine.open('/db', options)
    const before = fs.logSyncs
    await db.put('a', '1')
    await db.put('b', '2')
    expect(fs.logSyncs).toBe(before + 2)
    mem.powerCut()
    fs.kill()
    await using again = await Engine.open('/db', { fs: mem })
    expect(await contents(again)).toEqual([
      ['a', '1'],
      ['b', '2'],
    ])
  })

  it("durability 'process' (default): writes reach the file system at once, without an fsync", async () => {
    const { memory: mem, fs, options } = observed()
    await using db = await Engine.open('/db', options)
    const before = fs.logSyncs
    await db.put('a', '1')
    expect(fs.logSyncs).toBe(before)
    const [log] = await logPaths(mem)
    expect(mem.readFileSync(log!)!.length).toBeGreaterThan(16)
    expect(mem.durableSize(log!)).toBeLessThan(mem.readFileSync(log!)!.length)
  })

  it("durability 'buffered': a small write waits in the log's buffer until a sync", async () => {
    const { fs, options } = memory({ durability: 'buffered' })
    await using db = await Engine.open('/db', options)
    const [log] = await logPaths(fs)
    const empty = fs.readFileSync(log!)!.length
    await db.put('a', '1')
    expect(fs.readFileSync(log!)!.length).toBe(empty)
    await db.sync()
    expect(fs.readFileSync(log!)!.length).toBeGreaterThan(empty)
  })

  it('enableWal false: writes no log, and close flushes the memtable to a table', async () => {
    const { fs, options } = memory({ enableWal: false })
    const db = await Engine.open('/db', options)
    await db.put('a', '1')
    expect(await logPaths(fs)).toEqual([])
    expect(db.stats().logFiles).toEqual([])
    await db.close()
    expect((await fs.list('/db')).some(isTable)).toBe(true)
    await using again = await Engine.open('/db', options)
    expect(text(await again.get('a'))).toBe('1')
  })

  it('logBlockSize: is recorded in the header of each log (128 by default)', async () => {
    for (const [option, expected] of [
      [undefined, 128],
      [4096, 4096],
      [32, 32],
    ] as const) {
      const { fs, options } = memory(option === undefined ? {} : { logBlockSize: option })
      await using db = await Engine.open('/db', options)
      await db.put('a', '1')
      const [log] = await logPaths(fs)
      expect(decodeLogHeader(fs.readFileSync(log!)!)).toEqual({ version: 1, blockSize: expected })
    }
  })

  describe('walRecovery, on a log whose middle batch is damaged', () => {
    /** A closed database whose log holds three batches, the second damaged. */
    async function damaged(): Promise<MemoryFileSystem> {
      const { fs, options } = memory()
      const db = await Engine.open('/db', options)
      await db.put('one', 'a'.repeat(300))
      await db.put('two', 'b'.repeat(300))
      await db.put('three', 'c'.repeat(300))
      await db.close()
      const [log] = await logPaths(fs)
      const bytes = fs.readFileSync(log!)!
      const at = Buffer.from(bytes).indexOf(Buffer.from('bbbbbbbb'))
      bytes[at] = 0x7a
      fs.writeFileSync(log!, bytes, { durable: true })
      return fs
    }

    it("'strict' (default): open fails with LEVEL_CORRUPTION", async () => {
      const fs = await damaged()
      await rejectsWith(Engine.open('/db', { fs }), 'LEVEL_CORRUPTION')
      await rejectsWith(Engine.open('/db', { fs, walRecovery: 'strict' }), 'LEVEL_CORRUPTION')
    })

    it("'point-in-time': keeps the batches before the damage", async () => {
      const fs = await damaged()
      await using db = await Engine.open('/db', { fs, walRecovery: 'point-in-time' })
      expect((await contents(db)).map(([k]) => k)).toEqual(['one'])
    })

    it("'skip': keeps every intact batch", async () => {
      const fs = await damaged()
      await using db = await Engine.open('/db', { fs, walRecovery: 'skip' })
      expect((await contents(db)).map(([k]) => k)).toEqual(['one', 'three'])
    })
  })
})

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

describe('Options: validation', () => {
  const bad: [keyof EngineOptions, unknown[]][] = [
    ['createIfMissing', ['yes', 1, null]],
    ['errorIfExists', ['no', 0]],
    ['durability', ['always', '', 1]],
    ['enableWal', ['true', 0]],
    ['walRecovery', ['lenient', true]],
    ['memtableSize', [1023, -1, 1.5, '4096', Number.NaN, Number.POSITIVE_INFINITY]],
    ['logBlockSize', [31, 65537, 100.5, '128']],
    ['targetFileSize', [1023, 0, 2.5, '2']],
    ['blockSize', [255, (1 << 20) + 1, 1.5]],
    ['blockRestartInterval', [0, 65536, 2.5, '4']],
    ['bloomBitsPerKey', [0, 65, 2.5, '10']],
    ['blockCacheSize', [-1, 0.5, '8']],
    ['tableMemorySize', [-1, 0.5, '8']],
    ['flushThread', ['yes', 1, null]],
    ['l0CompactionTrigger', [1, 0, 2.5]],
    ['l0SlowdownTrigger', [1, 'x']],
    ['l0StopTrigger', [1, null]],
    ['l1MaxBytes', [1023, 1.5, '1']],
  ]
  for (const [name, values] of bad) {
    it(`rejects a bad ${name} with LEVEL_INVALID_OPTION and creates nothing`, async () => {
      const { fs } = memory()
      for (const value of values) {
        await rejectsWith(Engine.open('/db', { fs, [name]: value } as EngineOptions), 'LEVEL_INVALID_OPTION')
      }
      expect(await fs.exists('/db')).toBe(false)
    })
  }

  it('accepts the smallest and largest values of each ranged option', async () => {
    const { fs } = memory()
    for (const options of [
      { memtableSize: 1024, logBlockSize: 32, targetFileSize: 1024, blockSize: 256, bloomBitsPerKey: 1 },
      { logBlockSize: 65536, blockSize: 1 << 20, bloomBitsPerKey: 64, blockCacheSize: 0, l1MaxBytes: 1024 },
      { l0CompactionTrigger: 2, l0SlowdownTrigger: 2, l0StopTrigger: 2 },
    ]) {
      const db = await Engine.open('/db', { fs, ...options })
      await db.put('a', utf8('1'))
      await db.compact()
      expect(text(await db.get('a'))).toBe('1')
      await db.close()
    }
  })

  it('takes an option given as undefined as not given, so its default applies', async () => {
    const { fs } = memory()
    const unset = {
      memtableSize: undefined,
      durability: undefined,
      createIfMissing: undefined,
      l0StopTrigger: undefined,
    }
    await using db = await Engine.open('/db', { fs, ...unset } as unknown as EngineOptions)
    await db.put('a', '1')
    expect(text(await db.get('a'))).toBe('1')
  })

  it('rejects L0 triggers out of order with LEVEL_INVALID_OPTION', async () => {
    const { fs } = memory()
    // The first two break the order against the defaults (slowdown 20, stop 36).
    for (const triggers of [
      { l0CompactionTrigger: 21 },
      { l0SlowdownTrigger: 37 },
      { l0CompactionTrigger: 4, l0SlowdownTrigger: 3 },
      { l0SlowdownTrigger: 8, l0StopTrigger: 7 },
    ]) {
      await rejectsWith(Engine.open('/db', { fs, ...triggers }), 'LEVEL_INVALID_OPTION')
    }
  })

  it('rejects options that are not an object, and a directory that is not a non-empty string', async () => {
    const { fs } = memory()
    await rejectsWith(Engine.open('/db', 'fast' as never), 'LEVEL_INVALID_OPTION')
    await rejectsWith(Engine.open('/db', null as never), 'LEVEL_INVALID_OPTION')
    await rejectsWith(Engine.open('', { fs }), 'LEVEL_INVALID_OPTION')
    await rejectsWith(Engine.open(42 as never, { fs }), 'LEVEL_INVALID_OPTION')
  })
})
