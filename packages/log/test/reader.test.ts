import { MemoryFileSystem } from '@lsmkit/fs'
import { ChunkType, type CorruptionInfo, encodeLogHeader, LogReader, readLog } from '@lsmkit/log'
import { describe, expect, it } from 'vitest'
import { buildLog, collect, concat, normalizeAll, randomBatches, rawChunk, utf8 } from './helpers.js'

const { FULL, FIRST, MIDDLE, LAST } = ChunkType
const PATH = '/db/000001.wal'

function plant(bytes: Uint8Array): MemoryFileSystem {
  const fs = new MemoryFileSystem()
  fs.writeFileSync(PATH, bytes, { durable: true })
  return fs
}

// An encoded batch holding one put of `value` under key "k".
function batchBytes(value: string): Uint8Array {
  const v = utf8(value)
  return concat(Uint8Array.of(1, 0, v.length, 0), utf8('k'), v)
}
const batchOf = (value: string) => [{ key: utf8('k'), value: utf8(value) }]

// A header for 64-byte blocks, then `chunks` laid out from offset 16.
function logOf(...chunks: Uint8Array[]): Uint8Array {
  return concat(encodeLogHeader(64, 1), ...chunks)
}

describe('reading a log', () => {
  it('returns every batch in order, deletes as undefined values', async () => {
    const batches = [
      [{ key: utf8('a'), value: utf8('1') }, { key: utf8('b') }],
      [],
      [{ key: utf8(''), value: utf8('e') }],
    ]
    const fs = plant(buildLog(batches).bytes)
    const { read, error } = await collect(readLog(PATH, { fs }))
    expect(error).toBeUndefined()
    expect(normalizeAll(read)).toEqual(normalizeAll(batches))
    expect(read[0]?.[1]?.value).toBeUndefined()
  })

  it('reads an empty file as an empty log', async () => {
    const { read, error } = await collect(readLog(PATH, { fs: plant(new Uint8Array(0)), mode: 'strict' }))
    expect(error).toBeUndefined()
    expect(read).toEqual([])
  })

  it('reports batch offsets and the end of the last intact record', async () => {
    const { bytes, ends } = buildLog(randomBatches(1, 10))
    const reader = await LogReader.open(PATH, { fs: plant(bytes) })
    const offsets = []
    for await (const batch of reader.batches()) offsets.push(batch.end)
    await reader.close()
    expect(offsets).toEqual(ends)
    expect(reader.lastGoodOffset).toBe(ends.at(-1))
    expect(reader.droppedBytes).toBe(0)
  })

  it('fails with ENOENT for a missing file', async () => {
    const { error } = await collect(readLog('/nope.wal', { fs: new MemoryFileSystem() }))
    expect(error).toMatchObject({ code: 'LEVEL_IO_ERROR', systemCode: 'ENOENT' })
  })

  it('rejects an unknown corruption mode', async () => {
    const { error } = await collect(readLog(PATH, { fs: plant(logOf()), mode: 'lenient' as 'strict' }))
    expect(error).toMatchObject({ code: 'LEVEL_INVALID_OPTION' })
  })

  it('refuses a log written by an unknown format version', async () => {
    const { error } = await collect(readLog(PATH, { fs: plant(encodeLogHeader(64, 9)) }))
    expect(error).toMatchObject({ code: 'LEVEL_NOT_SUPPORTED' })
  })
})

describe('damage in the default tolerate-tail mode', () => {
  it('ends the log silently at a chunk whose length runs past its block, when nothing follows', async () => {
    const bad = rawChunk(FULL, batchBytes('x'))
    bad[4] = 200
    const reports: CorruptionInfo[] = []
    const { read, error } = await collect(
      readLog(PATH, {
        fs: plant(logOf(rawChunk(FULL, batchBytes('a')), bad)),
        onCorruption: (i) => reports.push(i),
      }),
    )
    expect(error).toBeUndefined()
    expect(normalizeAll(read)).toEqual(normalizeAll([batchOf('a')]))
    expect(reports).toMatchObject([{ offset: 29, reason: 'bad-length', tail: true }])
  })

  it('throws when intact data follows a bad length', async () => {
    const bad = rawChunk(FULL, batchBytes('x'))
    bad[4] = 200
    const bytes = logOf(bad, new Uint8Array(64 - 16 - bad.length), rawChunk(FULL, batchBytes('b')))
    const { error } = await collect(readLog(PATH, { fs: plant(bytes) }))
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', file: PATH, offset: 16 })
  })

  it('throws on a checksummed chunk of unknown type', async () => {
    const { error } = await collect(readLog(PATH, { fs: plant(logOf(rawChunk(9, batchBytes('a')))) }))
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', offset: 16 })
  })

  it('throws on an orphan MIDDLE', async () => {
    const { error } = await collect(readLog(PATH, { fs: plant(logOf(rawChunk(MIDDLE, batchBytes('a')))) }))
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', offset: 16 })
  })

  it('throws on an orphan LAST', async () => {
    const bytes = logOf(rawChunk(FULL, batchBytes('a')), rawChunk(LAST, batchBytes('b')))
    const { read, error } = await collect(readLog(PATH, { fs: plant(bytes) }))
    expect(read).toHaveLength(1)
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', offset: 29 })
  })

  it('throws on a FIRST followed by a FULL', async () => {
    const bytes = logOf(rawChunk(FIRST, batchBytes('a').subarray(0, 3)), rawChunk(FULL, batchBytes('b')))
    const { read, error } = await collect(readLog(PATH, { fs: plant(bytes) }))
    expect(read).toEqual([])
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', offset: 16 })
  })

  it('drops a record whose FIRST reached the disk but whose LAST did not', async () => {
    const bytes = logOf(rawChunk(FULL, batchBytes('a')), rawChunk(FIRST, batchBytes('b').subarray(0, 3)))
    const reader = await LogReader.open(PATH, { fs: plant(bytes) })
    const read = []
    for await (const batch of reader.batches()) read.push(batch.entries)
    expect(normalizeAll(read)).toEqual(normalizeAll([batchOf('a')]))
    expect(reader.lastGoodOffset).toBe(29)
    expect(reader.droppedBytes).toBe(bytes.length - 29)
  })

  it('throws on a checksummed record that does not parse as a batch', async () => {
    const { error } = await collect(
      readLog(PATH, { fs: plant(logOf(rawChunk(FULL, Uint8Array.of(9, 0, 0)))) }),
    )
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', offset: 16 })
  })

  it('throws when an intact chunk hides later in the same block as a damaged one', async () => {
    const bad = rawChunk(FULL, batchBytes('x'))
    bad[5] = 0xff // a length that cannot be followed
    const { error } = await collect(readLog(PATH, { fs: plant(logOf(bad, rawChunk(FULL, batchBytes('b')))) }))
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', offset: 16 })
  })

  it('treats a file that ends inside its header as an empty log', async () => {
    const { read, error } = await collect(readLog(PATH, { fs: plant(encodeLogHeader(64, 1).subarray(0, 9)) }))
    expect(error).toBeUndefined()
    expect(read).toEqual([])
  })

  it('throws on a damaged header with data after it', async () => {
    const bytes = logOf(rawChunk(FULL, batchBytes('a')))
    bytes[2]! ^= 1
    const { error } = await collect(readLog(PATH, { fs: plant(bytes) }))
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', offset: 0 })
  })
})

describe('damage in strict mode', () => {
  it('throws on a torn tail', async () => {
    const { bytes } = buildLog(randomBatches(2, 5))
    const { read, error } = await collect(
      readLog(PATH, { fs: plant(bytes.subarray(0, bytes.length - 1)), mode: 'strict' }),
    )
    expect(read).toHaveLength(4)
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', file: PATH })
  })

  it('throws on non-zero block padding', async () => {
    const { bytes } = buildLog([[{ key: utf8('k'), value: new Uint8Array(95) }], []]) // ends at 123
    bytes[125] = 1
    const { error } = await collect(readLog(PATH, { fs: plant(bytes), mode: 'strict' }))
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', offset: 123 })
  })

  it('throws on a header cut short', async () => {
    const { error } = await collect(
      readLog(PATH, { fs: plant(encodeLogHeader(64, 1).subarray(0, 9)), mode: 'strict' }),
    )
    expect(error).toMatchObject({ code: 'LEVEL_CORRUPTION', offset: 0 })
  })
})

describe('damage in skip mode', () => {
  it('drops a damaged chunk, reports it, and resumes at the next block', async () => {
    const bad = rawChunk(FULL, batchBytes('x'))
    bad[9]! ^= 4
    const bytes = logOf(bad, new Uint8Array(64 - 16 - bad.length), rawChunk(FULL, batchBytes('b')))
    const reports: CorruptionInfo[] = []
    const { read, error } = await collect(
      readLog(PATH, { fs: plant(bytes), mode: 'skip', onCorruption: (i) => reports.push(i) }),
    )
    expect(error).toBeUndefined()
    expect(normalizeAll(read)).toEqual(normalizeAll([batchOf('b')]))
    expect(reports).toEqual([{ file: PATH, offset: 16, bytes: 48, reason: 'checksum', tail: false }])
  })

  it('never joins the FIRST of one record with the LAST of another', async () => {
    const b1 = batchBytes('first-record')
    const b2 = batchBytes('second-record')
    const bytes = concat(
      encodeLogHeader(128, 1),
      rawChunk(FIRST, b1.subarray(0, 5)),
      rawChunk(FIRST, b2.subarray(0, 5)),
      rawChunk(LAST, b2.subarray(5)),
      rawChunk(LAST, b1.subarray(5)),
    )
    const reports: CorruptionInfo[] = []
    const { read } = await collect(
      readLog(PATH, { fs: plant(bytes), mode: 'skip', onCorruption: (i) => reports.push(i) }),
    )
    expect(normalizeAll(read)).toEqual(normalizeAll([batchOf('second-record')]))
    expect(reports.map((r) => r.reason)).toEqual(['incomplete-record', 'orphan-fragment'])
  })

  it('drops a FIRST followed by a FULL and keeps the FULL', async () => {
    const bytes = logOf(rawChunk(FIRST, batchBytes('a').subarray(0, 3)), rawChunk(FULL, batchBytes('b')))
    const reports: CorruptionInfo[] = []
    const { read } = await collect(
      readLog(PATH, { fs: plant(bytes), mode: 'skip', onCorruption: (i) => reports.push(i) }),
    )
    expect(normalizeAll(read)).toEqual(normalizeAll([batchOf('b')]))
    expect(reports).toMatchObject([{ offset: 16, bytes: 10, reason: 'incomplete-record' }])
  })

  it('skips a chunk of unknown type', async () => {
    const bytes = logOf(
      rawChunk(7, batchBytes('a')),
      new Uint8Array(64 - 29),
      rawChunk(FULL, batchBytes('b')),
    )
    const reports: CorruptionInfo[] = []
    const { read } = await collect(
      readLog(PATH, { fs: plant(bytes), mode: 'skip', onCorruption: (i) => reports.push(i) }),
    )
    expect(normalizeAll(read)).toEqual(normalizeAll([batchOf('b')]))
    expect(reports.map((r) => r.reason)).toEqual(['unknown-type'])
  })

  it('reads past a damaged header with the block size it is given', async () => {
    const bytes = logOf(rawChunk(FULL, batchBytes('a')))
    bytes[13]! ^= 1
    const { read } = await collect(readLog(PATH, { fs: plant(bytes), mode: 'skip', blockSize: 64 }))
    expect(normalizeAll(read)).toEqual(normalizeAll([batchOf('a')]))
  })
})
