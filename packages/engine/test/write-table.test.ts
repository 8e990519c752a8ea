import { MemoryFileSystem } from '@lsmkit/fs'
import { BlockCache, TableBuilder, TableMemory } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { Core } from '../src/internal/core.js'
import { Memtable } from '../src/internal/memtable.js'
import { releaseBytes, writeTableFile } from '../src/internal/write-table.js'
import { resolveOptions } from '../src/options.js'
import { text, utf8 } from './support.js'

// A table of `count` keys, as a flush or a compaction hands it to writeTableFile.
function tableBytes(count: number): Uint8Array {
  const builder = new TableBuilder()
  for (let i = 0; i < count; i++) builder.add(utf8(`key-${String(i).padStart(5, '0')}`), utf8(`value-${i}`))
  return builder.finish().bytes
}

// A core on an in-memory file system, with only what writing a table uses.
async function coreWith(memory: TableMemory): Promise<Core> {
  const fs = new MemoryFileSystem()
  await fs.mkdir('/db')
  const lock = await fs.lock('/db/LOCK')
  const report = { logsReplayed: [], batches: 0, bytes: 0, droppedBytes: 0, filesRemoved: [], millis: 0 }
  return new Core(
    '/db',
    resolveOptions({ fs }),
    new BlockCache(),
    memory,
    lock,
    report,
    new Memtable(1),
    [],
    2,
  )
}

describe('releaseBytes', () => {
  it('gives back the memory of bytes that span their buffer, leaving them empty', () => {
    const bytes = new Uint8Array(4096).fill(7)
    releaseBytes(bytes)
    expect(bytes.byteLength).toBe(0)
    expect(bytes.buffer.byteLength).toBe(0)
  })

  it('leaves bytes that are part of a larger buffer untouched', () => {
    const buffer = new Uint8Array(4096).fill(7)
    const part = buffer.subarray(0, 1024)
    releaseBytes(part)
    expect(part.byteLength).toBe(1024)
    expect(buffer[4095]).toBe(7)
  })

  it('leaves shared memory untouched', () => {
    const bytes = new Uint8Array(new SharedArrayBuffer(4096)).fill(7)
    releaseBytes(bytes)
    expect(bytes.byteLength).toBe(4096)
    expect(bytes[0]).toBe(7)
  })
})

describe('writeTableFile', () => {
  it('gives back the bytes of a table the table memory does not hold, and reads it from its file', async () => {
    const core = await coreWith(new TableMemory({ capacityBytes: 0 }))
    const bytes = tableBytes(500)
    const table = await writeTableFile(core, 7, bytes)
    expect(bytes.byteLength).toBe(0)
    expect(table.reader.held).toBe(false)
    expect(text(table.reader.get(utf8('key-00123'))?.value)).toBe('value-123')
    await table.reader.close()
  })

  it('keeps the bytes of a table the table memory holds at once, and reads it from them', async () => {
    const memory = new TableMemory()
    const core = await coreWith(memory)
    // Tables written are held at once only while the memory already holds one that was read.
    const first = await writeTableFile(core, 7, tableBytes(10))
    first.reader.get(utf8('key-00001'))
    expect(first.reader.held).toBe(true)
    const bytes = tableBytes(500)
    const table = await writeTableFile(core, 8, bytes)
    expect(table.reader.held).toBe(true)
    expect(bytes.byteLength).toBe(table.size)
    expect(text(table.reader.get(utf8('key-00123'))?.value)).toBe('value-123')
    await Promise.all([first.reader.close(), table.reader.close()])
  })
})
