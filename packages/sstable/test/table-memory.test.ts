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
    expect(held.held).toBe(true)
    expect(hex(entries.map((e) => held.get(e.key)))).toEqual(hex(entries.map((e) => plain.get(e.key))))
    expect(hex(held.entries())).toEqual(hex(entries))
    expect(hex(held.entries({ gte: entries[50]!.key, lt: entries[60]!.key }))).toEqual(
      hex(entries.slice(50, 60)),
    )
    expect(held.get(numberedKey(1000))).toBeUndefined()
    await held.close()
    await plain.close()
  })

  it('reads no data block from the file while it holds the table', async () => {
    const memory = new TableMemory()
    const cache = new BlockCache()
    const path = await writeFresh()
    const reader = await TableReader.open(path, { fs, cache, memory })
    // Overwriting the file after the open changes nothing a held table returns.
    await writeFile(path, new Uint8Array(bytes.length))
    for (const e of entries) expect(reader.get(e.key)?.value).toEqual(e.value)
    expect(cache.stats.misses).toBe(0)
    await reader.close()
  })

  it('fails every read of a damaged block, not only the first', async () => {
    const damaged = bytes.slice()
    damaged[10]! ^= 0xff // inside the first data block
    const reader = await TableReader.open(await writeFresh(damaged), { fs, memory: new TableMemory() })
    expect(reader.held).toBe(true)
    await expectCode(() => reader.get(entries[0]!.key), ErrorCode.CORRUPTION)
    await expectCode(() => reader.get(entries[0]!.key), ErrorCode.CORRUPTION)
    expect(reader.get(entries[199]!.key)?.value).toEqual(entries[199]!.value)
    await reader.close()
  })

  it('reports damage to the index of a held table at open', async () => {
    const damaged = bytes.slice()
    damaged[damaged.length - 60]! ^= 0xff // the footer or index, checked at open
    const path = await writeFresh(damaged)
    await expect(TableReader.open(path, { fs, memory: new TableMemory() })).rejects.toMatchObject({
      code: ErrorCode.CORRUPTION,
    })
  })

  it('reads a table larger than its capacity from the file', async () => {
    const memory = new TableMemory({ capacityBytes: bytes.length - 1 })
    const reader = await TableReader.open(await writeFresh(), { fs, memory })
    expect(reader.held).toBe(false)
    expect(memory.stats).toEqual({ bytes: 0, tables: 0, evictions: 0 })
    expect(reader.get(entries[7]!.key)?.value).toEqual(entries[7]!.value)
    await reader.close()
  })

  it('holds nothing with a capacity of 0', async () => {
    const memory = new TableMemory({ capacityBytes: 0 })
    const reader = await TableReader.open(await writeFresh(), { fs, memory })
    expect(reader.held).toBe(false)
    await reader.close()
  })

  it('evicts the table read least recently to admit another', async () => {
    const memory = new TableMemory({ capacityBytes: 2 * bytes.length })
    const a = await TableReader.open(await writeFresh(), { fs, memory })
    const b = await TableReader.open(await writeFresh(), { fs, memory })
    a.get(entries[1]!.key) // b is now the one read least recently
    const c = await TableReader.open(await writeFresh(), { fs, memory })
    expect([a.held, b.held, c.held]).toEqual([true, false, true])
    expect(memory.stats).toEqual({ bytes: 2 * bytes.length, tables: 2, evictions: 1 })
    expect(b.get(entries[2]!.key)?.value).toEqual(entries[2]!.value)
    for (const reader of [a, b, c]) await reader.close()
  })

  it('keeps serving a cursor positioned in a held block after eviction', async () => {
    const memory = new TableMemory({ capacityBytes: bytes.length })
    const a = await TableReader.open(await writeFresh(), { fs, memory })
    const cursor = a.cursor()
    cursor.seek(entries[10]!.key)
    const b = await TableReader.open(await writeFresh(), { fs, memory })
    expect(a.held).toBe(false)
    const seen: string[] = []
    for (let i = 0; i < 20 && cursor.valid; i++, cursor.next()) seen.push(Buffer.from(cursor.key).toString())
    expect(seen).toEqual(entries.slice(10, 30).map((e) => Buffer.from(e.key).toString()))
    await a.close()
    await b.close()
  })

  it('gives a closed table’s bytes back', async () => {
    const memory = new TableMemory()
    const reader = await TableReader.open(await writeFresh(), { fs, memory })
    expect(memory.stats).toEqual({ bytes: bytes.length, tables: 1, evictions: 0 })
    await reader.close()
    expect(memory.stats).toEqual({ bytes: 0, tables: 0, evictions: 0 })
  })

  it('holds a created table from the bytes written, without reading the file', async () => {
    const memory = new TableMemory()
    const path = join(dir, 'created.sst')
    const written = bytes.slice()
    const reader = await createTable(path, written, { fs, memory })
    expect(reader.held).toBe(true)
    // The held bytes are the caller's: a change to them shows, which proves no file was read.
    written.fill(0, 0, 100) // inside the first data block
    await expectCode(() => reader.get(entries[0]!.key), ErrorCode.CORRUPTION)
    await reader.close()
  })

  it('reads the file when the contents given are not the file’s length', async () => {
    const memory = new TableMemory()
    const handle = await fs.open(await writeFresh(), 'read')
    const reader = TableReader.fromHandle(handle, { memory, contents: bytes.subarray(1) })
    expect(reader.held).toBe(true)
    expect(reader.copyHeld()).toEqual(bytes)
    await reader.close()
  })

  it('copies a held table’s whole file, and nothing for one not held', async () => {
    const path = await writeFresh()
    const held = await TableReader.open(path, { fs, memory: new TableMemory() })
    const plain = await TableReader.open(path, { fs })
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
