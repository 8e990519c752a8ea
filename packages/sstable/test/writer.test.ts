import { ErrorCode, MemoryFileSystem } from '@lsmkit/fs'
import { BlockCache, createTable, TableReader, writeTable } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { build, lsmErrorOf, utf8 } from './helpers.js'

const table = build([
  { key: utf8('a'), value: utf8('1') },
  { key: utf8('b'), value: undefined },
])

describe('writeTable', () => {
  it('leaves a table that survives a power cut once its directory is synced', async () => {
    const fs = new MemoryFileSystem()
    await fs.mkdir('/db')
    await fs.syncDir('/')
    await writeTable('/db/000001.sst', table, { fs })
    await fs.syncDir('/db')
    fs.powerCut()
    expect(fs.readFileSync('/db/000001.sst')).toEqual(table)
    const reader = await TableReader.open('/db/000001.sst', { fs })
    expect(reader.get(utf8('a'))).toEqual({ key: utf8('a'), value: utf8('1') })
    await reader.close()
  })

  it('never overwrites an existing file', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/000001.sst', Uint8Array.of(1, 2, 3), { durable: true })
    const err = await lsmErrorOf(() => writeTable('/000001.sst', table, { fs }))
    expect(err.code).toBe(ErrorCode.IO_ERROR)
    expect(err.systemCode).toBe('EEXIST')
    expect(fs.readFileSync('/000001.sst')).toEqual(Uint8Array.of(1, 2, 3))
  })
})

describe('createTable', () => {
  it('returns a reader over the table it wrote', async () => {
    const fs = new MemoryFileSystem()
    const reader = await createTable('/000001.sst', table, { fs })
    expect(reader.get(utf8('a'))).toEqual({ key: utf8('a'), value: utf8('1') })
    expect(reader.get(utf8('b'))).toEqual({ key: utf8('b'), value: undefined })
    await reader.close()
  })

  it('syncs the contents before it resolves', async () => {
    const fs = new MemoryFileSystem()
    await fs.mkdir('/db')
    await fs.syncDir('/')
    await createTable('/db/000001.sst', table, { fs })
    await fs.syncDir('/db')
    // The power cut ends every open handle, the reader's too.
    fs.powerCut()
    expect(fs.readFileSync('/db/000001.sst')).toEqual(table)
  })

  it('reads through the handle it wrote with, opening the file once', async () => {
    const fs = new MemoryFileSystem({ traceCalls: true })
    const reader = await createTable('/000001.sst', table, { fs })
    expect(fs.calls.filter((call) => call.startsWith('open '))).toHaveLength(1)
    await reader.close()
  })

  it('closes the handle when the reader closes', async () => {
    const fs = new MemoryFileSystem({ traceCalls: true })
    const reader = await createTable('/000001.sst', table, { fs })
    await reader.close()
    expect(fs.calls.filter((call) => call.startsWith('close '))).toHaveLength(1)
  })

  it('hands the reader the cache it is given', async () => {
    const fs = new MemoryFileSystem()
    const cache = new BlockCache()
    const reader = await createTable('/000001.sst', table, { fs, cache })
    reader.get(utf8('a'))
    expect(cache.stats.misses).toBe(1)
    await reader.close()
  })

  it('never overwrites an existing file', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/000001.sst', Uint8Array.of(1, 2, 3), { durable: true })
    const err = await lsmErrorOf(() => createTable('/000001.sst', table, { fs }))
    expect(err.systemCode).toBe('EEXIST')
    expect(fs.readFileSync('/000001.sst')).toEqual(Uint8Array.of(1, 2, 3))
  })

  it('reports bytes that are not a table as corruption and closes the file', async () => {
    const fs = new MemoryFileSystem({ traceCalls: true })
    const err = await lsmErrorOf(() => createTable('/000001.sst', Uint8Array.of(1, 2, 3), { fs }))
    expect(err.code).toBe(ErrorCode.CORRUPTION)
    expect(fs.calls.filter((call) => call.startsWith('close '))).toHaveLength(1)
  })
})

describe('TableReader.fromHandle', () => {
  it('reads a table through a handle opened elsewhere', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/000001.sst', table, { durable: true })
    const handle = await fs.open('/000001.sst', 'read')
    const reader = TableReader.fromHandle(handle)
    expect(reader.path).toBe('/000001.sst')
    expect(reader.get(utf8('a'))?.value).toEqual(utf8('1'))
    await reader.close()
  })

  it('leaves the handle open when the table is damaged', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/000001.sst', table.subarray(0, table.length - 1), { durable: true })
    const handle = await fs.open('/000001.sst', 'read')
    const err = await lsmErrorOf(() => TableReader.fromHandle(handle))
    expect(err.code).toBe(ErrorCode.CORRUPTION)
    expect(handle.readSync(0, 1)).toEqual(table.subarray(0, 1))
    await handle.close()
  })
})
