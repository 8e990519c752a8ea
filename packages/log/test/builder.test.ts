import { ChunkType, decodeLogHeader, LOG_HEADER_SIZE, LogBuilder } from '@lsmkit/log'
import { describe, expect, it } from 'vitest'
import { chunksOf, utf8 } from './helpers.js'

const { FULL, FIRST, MIDDLE, LAST } = ChunkType

// One entry whose encoded batch is exactly `size` bytes (4-byte entry header, 1-byte key).
const batchOfSize = (size: number) => [{ key: utf8('k'), value: new Uint8Array(size - 5).fill(7) }]

describe('LogBuilder', () => {
  it('starts a new file with a header that records the block size', () => {
    const bytes = new LogBuilder({ blockSize: 256 }).finish()
    expect(bytes.length).toBe(LOG_HEADER_SIZE)
    expect(decodeLogHeader(bytes)).toEqual({ version: 1, blockSize: 256 })
  })

  it('continues an existing log without a header when given an offset', () => {
    const builder = new LogBuilder({ offset: 300 })
    builder.add([])
    expect(builder.finish().length).toBe(7)
    expect(builder.offset).toBe(307)
  })

  it('frames an empty batch as a FULL chunk with no payload', () => {
    const builder = new LogBuilder()
    builder.add([])
    expect(chunksOf(builder.finish(), 128)).toEqual([[16, FULL, 0]])
  })

  it('puts the next record at the next block when one exactly fills a block', () => {
    const builder = new LogBuilder()
    builder.add(batchOfSize(128 - 16 - 7))
    builder.add([])
    expect(chunksOf(builder.finish(), 128)).toEqual([
      [16, FULL, 105],
      [128, FULL, 0],
    ])
  })

  it('writes an empty FIRST chunk into a block with exactly 7 bytes left', () => {
    const builder = new LogBuilder()
    builder.add(batchOfSize(128 - 16 - 7 - 7))
    builder.add(batchOfSize(20))
    expect(chunksOf(builder.finish(), 128)).toEqual([
      [16, FULL, 98],
      [121, FIRST, 0],
      [128, LAST, 20],
    ])
  })

  it('zero-fills a block remainder shorter than a chunk header', () => {
    const builder = new LogBuilder()
    builder.add(batchOfSize(100)) // ends at 123: 5 bytes left
    builder.add(batchOfSize(10))
    const bytes = builder.finish()
    expect([...bytes.subarray(123, 128)]).toEqual([0, 0, 0, 0, 0])
    expect(chunksOf(bytes, 128)).toEqual([
      [16, FULL, 100],
      [128, FULL, 10],
    ])
  })

  it('cuts a record spanning many blocks into FIRST, MIDDLEs and LAST that never cross a block', () => {
    const builder = new LogBuilder({ blockSize: 64 })
    builder.add(batchOfSize(500))
    const chunks = chunksOf(builder.finish(), 64)
    expect(chunks.map(([, type]) => type)).toEqual([FIRST, ...Array(8).fill(MIDDLE), LAST])
    for (const [offset, , length] of chunks) {
      expect(Math.floor(offset / 64)).toBe(Math.floor((offset + 7 + length - 1) / 64))
    }
    expect(chunks.reduce((n, [, , length]) => n + length, 0)).toBe(500)
  })

  it('hands out complete blocks only until asked for everything', () => {
    const builder = new LogBuilder()
    builder.add(batchOfSize(200)) // header + 207 framed bytes: one full block and a partial one
    const blocks = builder.takeFullBlocks()
    expect(blocks.length).toBe(128)
    expect(builder.estimatedSize).toBe(builder.offset - 128)
    expect(builder.takeFullBlocks().length).toBe(0)
    expect(builder.takeAll().length).toBe(builder.offset - 128)
    expect(builder.estimatedSize).toBe(0)
  })

  it('rejects a bad batch whole and buffers nothing of it', () => {
    const builder = new LogBuilder()
    const before = builder.estimatedSize
    const bad = [{ key: utf8('ok'), value: utf8('v') }, { key: new Uint8Array(65536) }]
    expect(() => builder.add(bad)).toThrow(expect.objectContaining({ code: 'LEVEL_INVALID_KEY' }))
    expect(builder.estimatedSize).toBe(before)
  })

  it('rejects an encoded batch that is not whole entries and frames nothing of it', () => {
    const builder = new LogBuilder()
    const before = builder.estimatedSize
    // One entry announcing a 2-byte key and a 3-byte value, with only 4 bytes after its header.
    expect(() => builder.addEncoded(Uint8Array.of(2, 0, 3, 0, 1, 2, 3, 4))).toThrow(
      expect.objectContaining({ code: 'LEVEL_INVALID_OPTION' }),
    )
    expect(() => builder.addEncoded('batch' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'LEVEL_INVALID_OPTION' }),
    )
    expect(builder.estimatedSize).toBe(before)
  })

  it('rejects a value longer than 65,535 bytes', () => {
    const add = () => new LogBuilder().add([{ key: utf8('k'), value: new Uint8Array(65536) }])
    expect(add).toThrow(expect.objectContaining({ code: 'LEVEL_INVALID_VALUE' }))
  })

  it('rejects an empty value, which the format reserves for deletes', () => {
    const add = () => new LogBuilder().add([{ key: utf8('k'), value: new Uint8Array(0) }])
    expect(add).toThrow(expect.objectContaining({ code: 'LEVEL_INVALID_VALUE' }))
  })

  it('rejects keys and values that are not Uint8Arrays', () => {
    const builder = new LogBuilder()
    expect(() => builder.add([{ key: 'a' as unknown as Uint8Array }])).toThrow(
      expect.objectContaining({ code: 'LEVEL_INVALID_KEY' }),
    )
    expect(() => builder.add([null as unknown as { key: Uint8Array }])).toThrow(
      expect.objectContaining({ code: 'LEVEL_INVALID_KEY' }),
    )
    expect(() => builder.add([{ key: utf8('a'), value: 'v' as unknown as Uint8Array }])).toThrow(
      expect.objectContaining({ code: 'LEVEL_INVALID_VALUE' }),
    )
    expect(() => builder.add('nope' as unknown as [])).toThrow(
      expect.objectContaining({ code: 'LEVEL_INVALID_OPTION' }),
    )
  })

  it('accepts the longest key and value', () => {
    const builder = new LogBuilder()
    builder.add([{ key: new Uint8Array(65535), value: new Uint8Array(65535) }])
    expect(builder.offset).toBeGreaterThan(2 * 65535)
  })

  it('rejects block sizes and offsets out of range', () => {
    for (const blockSize of [0, 31, 65537, 100.5, Number.NaN]) {
      expect(() => new LogBuilder({ blockSize })).toThrow(
        expect.objectContaining({ code: 'LEVEL_INVALID_OPTION' }),
      )
    }
    expect(() => new LogBuilder({ offset: 5 })).toThrow(
      expect.objectContaining({ code: 'LEVEL_INVALID_OPTION' }),
    )
  })

  it('refuses batches after finish', () => {
    const builder = new LogBuilder()
    builder.finish()
    expect(() => builder.add([])).toThrow(expect.objectContaining({ code: 'LEVEL_CLOSED' }))
  })

  it('drains pending bytes through a sink without copying, keeping them if the sink throws', () => {
    const builder = new LogBuilder()
    builder.add(batchOfSize(200))
    const expected = new LogBuilder()
    expected.add(batchOfSize(200))
    const all = expected.finish()
    expect(() =>
      builder.drainTo(() => {
        throw new Error('disk full')
      }),
    ).toThrow('disk full')
    const seen: number[] = []
    builder.drainTo((buffer, end) => seen.push(...buffer.subarray(0, end)), true)
    expect(seen).toEqual([...all.subarray(0, 128)])
    builder.drainTo((buffer, end) => seen.push(...buffer.subarray(0, end)))
    expect(seen).toEqual([...all])
    expect(builder.estimatedSize).toBe(0)
  })
})
