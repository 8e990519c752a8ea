import { isCorruption, isLsmError, MemoryFileSystem } from '@lsmkit/fs'
import { BlockCache, type TableEntry, TableReader } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { build, hex, lsmErrorOf, numberedKey, utf8 } from './helpers.js'

// A small table of several data blocks, with tombstones, an empty value and shared prefixes.
const entries: TableEntry[] = Array.from({ length: 24 }, (_, i) => ({
  key: numberedKey(i * 2, 'k', 3),
  value: i % 4 === 1 ? undefined : i % 7 === 3 ? new Uint8Array(0) : utf8(`value-${i}`),
}))
const absent = [utf8(''), numberedKey(1, 'k', 3), numberedKey(25, 'k', 3), numberedKey(99, 'k', 3)]
const bytes = build(entries, { blockSize: 48, restartInterval: 3 })
const PATH = '/db/000001.sst'

type Outcome = 'exact' | 'corruption'

// Opens the table, reads every key and scans both ways. Damage must surface as an
// LEVEL_CORRUPTION naming the file and an offset; anything read must be exactly what was written.
async function readAll(damaged: Uint8Array): Promise<Outcome> {
  const fs = new MemoryFileSystem()
  fs.writeFileSync(PATH, damaged)
  try {
    const reader = await TableReader.open(PATH, { fs })
    try {
      expect(hex(entries.map((e) => reader.get(e.key)))).toEqual(hex(entries))
      expect(absent.map((key) => reader.get(key))).toEqual(absent.map(() => undefined))
      expect(hex(reader.entries())).toEqual(hex(entries))
      expect(hex(reader.entries({ reverse: true }))).toEqual(hex(entries.toReversed()))
    } finally {
      await reader.close()
    }
    return 'exact'
  } catch (err) {
    if (!isLsmError(err)) throw err
    expect(err.code).toBe('LEVEL_CORRUPTION')
    expect(err.message.startsWith('sstable: ')).toBe(true)
    expect(err.file).toBe(PATH)
    expect(err.offset).toBeGreaterThanOrEqual(0)
    expect(err.offset).toBeLessThan(damaged.length + 1)
    return 'corruption'
  }
}

describe('damage', () => {
  it('sweeps a table of several data blocks, read back exactly when intact', async () => {
    expect(await readAll(bytes)).toBe('exact')
    const fs = new MemoryFileSystem()
    fs.writeFileSync(PATH, bytes)
    const cache = new BlockCache()
    const reader = await TableReader.open(PATH, { fs, cache })
    expect([...reader.entries()]).toHaveLength(entries.length)
    expect(cache.stats.entries).toBeGreaterThanOrEqual(6)
    await reader.close()
  })

  it('reports every truncation as corruption, never as data', async () => {
    for (let length = 0; length < bytes.length; length++) {
      expect(await readAll(bytes.subarray(0, length))).toBe('corruption')
    }
  })

  it('detects every single flipped bit', async () => {
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = bytes.slice()
        damaged[i]! ^= 1 << bit
        expect(await readAll(damaged)).toBe('corruption')
      }
    }
  })

  it('never returns a wrong value when whole bytes are overwritten', async () => {
    let detected = 0
    for (let i = 0; i < bytes.length; i++) {
      for (const fill of [0x00, 0xff]) {
        if (bytes[i] === fill) continue
        const damaged = bytes.slice()
        damaged[i] = fill
        if ((await readAll(damaged)) === 'corruption') detected++
      }
    }
    expect(detected).toBeGreaterThan(0)
  })

  it('reports a damaged data block at the read that meets it, naming the block', async () => {
    const fs = new MemoryFileSystem()
    const damaged = bytes.slice()
    damaged[3]! ^= 0x10
    fs.writeFileSync(PATH, damaged)
    const reader = await TableReader.open(PATH, { fs })
    const last = entries[entries.length - 1]!
    expect(reader.get(last.key)).toEqual(last)
    const err = await lsmErrorOf(() => reader.get(entries[0]!.key))
    expect(isCorruption(err)).toBe(true)
    expect(err.file).toBe(PATH)
    expect(err.offset).toBe(0)
    expect(err.message).toMatch(/^sstable: .*data block/)
    await reader.close()
  })

  it('refuses a file that is not a table', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync(PATH, new Uint8Array(4096).fill(7))
    const err = await lsmErrorOf(() => TableReader.open(PATH, { fs }))
    expect(isCorruption(err)).toBe(true)
    expect(err.offset).toBe(4096 - 52)
  })
})
