import { existsSync } from 'node:fs'
import { Engine, type EngineOptions, LOG_SUFFIX } from '@lsmkit/engine'
import type { MemoryFileSystem } from '@lsmkit/fs'
import { decodeLogHeader } from '@lsmkit/log'
import { describe, expect, it } from 'vitest'
import { contents, isTable, memory, observed, rejectsWith, tempDir, text, utf8 } from './support.js'

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
