import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ErrorCode, NodeFileSystem } from '@lsmkit/fs'
import {
  BlockCache,
  createTable,
  DEFAULT_TABLE_MEMORY_CAPACITY,
  type TableEntry,
  TableMemory,
  TableReader,
} from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { build, expectCode, hex, numberedKey, tempDir } from './helpers.js'

const dir = await tempDir()
const fs = new NodeFileSystem()

const entries: TableEntry[] = Array.from({ length: 200 }, (_, i) => ({
  key: numberedKey(i),
  value: new Uint8Array(100).fill(i),
}))
// Small blocks, so that a table has many of them.
const OPTIONS = { blockSize: 512 }
const bytes = build(entries, OPTIONS)

let fileNumber = 0
async function writeFresh(content: Uint8Array = bytes): Promise<string> {
  const path = join(dir, `${String(++fileNumber).padStart(6, '0')}.sst`)
  await writeFile(path, content)
  return path
}

describe('TableMemory', () => {
  it('serves gets and scans of a held table as the file would', async () => {
    const memory = new TableMemory()
    const held = await TableReader.open(await writeFresh(), { fs, memory })
    const plain = await TableReader.open(await writeFresh(), { fs })
    expect(hex(entries.map((e) => held.get(e.key)))).toEqual(hex(entries.map((e) => plain.get(e.key))))
    expect(held.held).toBe(true)
    expect(hex(held.entries())).toEqual(hex(entries))
    expect(hex(held.entries({ gte: entries[50]!.key, lt: entries[60]!.key }))).toEqual(
      hex(entries.slice(50, 60)),
    )
    expect(held.get(numberedKey(1000))).toBeUndefined()
    await held.close()
    await plain.close()
  })

  it('holds a table from its first data-block read, not from its open', async () => {
    const memory = new TableMemory()
    const reader = await TableReader.open(await writeFresh(), { fs, memory })
    expect(reader.held).toBe(false)
    expect(memory.stats).toEqual({ bytes: 0, tables: 0 })
    reader.get(entries[5]!.key)
    expect(reader.held).toBe(true)
    expect(memory.stats).toEqual({ bytes: bytes.length, tables: 1 })
    await reader.close()
  })

  it('holds a created table at once, from its bytes, while the memory holds others', async () => {
    const memory = new TableMemory()
    const first = await TableReader.open(await writeFresh(), { fs, memory })
    first.get(entries[0]!.key)
    const written = bytes.slice()
    const created = await createTable(join(dir, 'created-while-read.sst'), written, { fs, memory })
    expect(created.held).toBe(true)
    // The held bytes are the ones given: a change to them shows, so no file was read.
    written.fill(0, 0, 100) // inside the first data block
    await expectCode(() => created.get(entries[0]!.key), ErrorCode.CORRUPTION)
    await first.close()
    await created.close()
  })

  it('does not hold a table for a scan that leaves the cache alone', async () => {
    const memory = new TableMemory()
    const reader = await TableReader.open(await writeFresh(), { fs, memory })
    expect(hex(reader.cursor({ fillCache: false }).entries())).toEqual(hex(entries))
    expect(reader.held).toBe(false)
    await reader.close()
  })

  it('holds a created table only once it is read, while the memory holds no other', async () => {
    const memory = new TableMemory()
    const reader = await createTable(join(dir, 'created.sst'), bytes.slice(), { fs, memory })
    expect(reader.held).toBe(false)
    expect(reader.get(entries[9]!.key)?.value).toEqual(entries[9]!.value)
    expect(reader.held).toBe(true)
    await reader.close()
  })

  it('reads no data block from the file once it holds the table', async () => {
    const memory = new TableMemory()
    const cache = new BlockCache()
    const path = await writeFresh()
    const reader = await TableReader.open(path, { fs, cache, memory })
    reader.get(entries[0]!.key)
    // Overwriting the file now changes nothing a held table returns.
    await writeFile(path, new Uint8Array(bytes.length))
    for (const e of entries) expect(reader.get(e.key)?.value).toEqual(e.value)
    expect(cache.stats.misses).toBe(0)
    await reader.close()
  })

  it('fails every read of a damaged block, not only the first', async () => {
    const damaged = bytes.slice()
    damaged[10]! ^= 0xff // inside the first data block
    const reader = await TableReader.open(await writeFresh(damaged), { fs, memory: new TableMemory() })
    await expectCode(() => reader.get(entries[0]!.key), ErrorCode.CORRUPTION)
    expect(reader.held).toBe(true)
    await expectCode(() => reader.get(entries[0]!.key), ErrorCode.CORRUPTION)
    expect(reader.get(entries[199]!.key)?.value).toEqual(entries[199]!.value)
    await reader.close()
  })

  it('reads a table larger than its capacity from the file', async () => {
    const memory = new TableMemory({ capacityBytes: bytes.length - 1 })
    const reader = await TableReader.open(await writeFresh(), { fs, memory })
    expect(reader.get(entries[7]!.key)?.value).toEqual(entries[7]!.value)
    expect(reader.held).toBe(false)
    expect(memory.stats).toEqual({ bytes: 0, tables: 0 })
    await reader.close()
  })

  it('holds nothing with a capacity of 0', async () => {
    const memory = new TableMemory({ capacityBytes: 0 })
    const reader = await TableReader.open(await writeFresh(), { fs, memory })
    reader.get(entries[7]!.key)
    expect(reader.held).toBe(false)
    await reader.close()
  })

  it('holds no table past its capacity, and gives a closed table’s room to the next one read', async () => {
    const memory = new TableMemory({ capacityBytes: bytes.length + Math.floor(bytes.length / 2) })
    const a = await TableReader.open(await writeFresh(), { fs, memory })
    const b = await TableReader.open(await writeFresh(), { fs, memory })
    a.get(entries[1]!.key)
    expect(b.get(entries[2]!.key)?.value).toEqual(entries[2]!.value)
    expect([a.held, b.held]).toEqual([true, false])
    await a.close()
    expect(memory.stats).toEqual({ bytes: 0, tables: 0 })
    b.get(entries[3]!.key)
    expect(b.held).toBe(true)
    expect(memory.stats).toEqual({ bytes: bytes.length, tables: 1 })
    await b.close()
  })

  it('gives a closed table’s bytes back', async () => {
    const memory = new TableMemory()
    const reader = await TableReader.open(await writeFresh(), { fs, memory })
    reader.get(entries[1]!.key)
    expect(memory.stats).toEqual({ bytes: bytes.length, tables: 1 })
    await reader.close()
    expect(memory.stats).toEqual({ bytes: 0, tables: 0 })
  })

  it('copies a held table’s whole file, and nothing for one not held', async () => {
    const path = await writeFresh()
    const held = await TableReader.open(path, { fs, memory: new TableMemory() })
    const plain = await TableReader.open(path, { fs })
    held.get(entries[0]!.key)
    const copy = held.copyHeld()!
    expect(copy).toEqual(new Uint8Array(await readFile(path)))
    copy.fill(0)
    expect(held.get(entries[3]!.key)?.value).toEqual(entries[3]!.value)
    expect(plain.copyHeld()).toBeUndefined()
    await held.close()
    await plain.close()
  })

  it('defaults its capacity to 256 MiB', () => {
    expect(new TableMemory().capacityBytes).toBe(DEFAULT_TABLE_MEMORY_CAPACITY)
    expect(DEFAULT_TABLE_MEMORY_CAPACITY).toBe(256 * 1024 * 1024)
  })

  it('rejects a capacity that is not a non-negative integer', async () => {
    for (const capacityBytes of [-1, 1.5, Number.NaN, '8' as unknown as number]) {
      await expectCode(() => new TableMemory({ capacityBytes }), ErrorCode.INVALID_OPTION)
    }
  })
})
