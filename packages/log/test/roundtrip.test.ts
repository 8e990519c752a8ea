import { MemoryFileSystem } from '@lsmkit/fs'
import {
  decodeBatch,
  encodeBatch,
  encodedBatchCount,
  LogBuilder,
  type LogEntryInput,
  readLog,
} from '@lsmkit/log'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildLog, collect, normalizeAll, utf8 } from './helpers.js'

const entry: fc.Arbitrary<LogEntryInput> = fc.record({
  key: fc.uint8Array({ maxLength: 24 }),
  value: fc.option(fc.uint8Array({ minLength: 1, maxLength: 400 }), { nil: undefined }),
})
const batch = fc.array(entry, { maxLength: 6 })

describe('round trips', () => {
  it('decodes every encoded batch to the same entries', () => {
    fc.assert(
      fc.property(batch, (entries) => {
        expect(normalizeAll([decodeBatch(encodeBatch(entries))!])).toEqual(normalizeAll([entries]))
      }),
    )
  })

  it('reads back every batch framed at any block size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(batch, { maxLength: 30 }),
        fc.integer({ min: 32, max: 700 }),
        async (batches, blockSize) => {
          const fs = new MemoryFileSystem()
          fs.writeFileSync('/x.wal', buildLog(batches, blockSize).bytes, { durable: true })
          const { read, error } = await collect(readLog('/x.wal', { fs, mode: 'strict' }))
          expect(error).toBeUndefined()
          expect(normalizeAll(read)).toEqual(normalizeAll(batches))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('frames an encoded batch into the same bytes as its entries, at any block size', () => {
    fc.assert(
      fc.property(
        fc.array(batch, { maxLength: 12 }),
        fc.integer({ min: 32, max: 700 }),
        (batches, blockSize) => {
          const fromEntries = new LogBuilder({ blockSize })
          const fromEncoded = new LogBuilder({ blockSize })
          for (const entries of batches) {
            fromEntries.add(entries)
            fromEncoded.addEncoded(encodeBatch(entries))
          }
          expect(fromEncoded.finish()).toEqual(fromEntries.finish())
        },
      ),
    )
  })

  it('reads back a long encoded batch framed from shared memory at any offset within a word', async () => {
    // Long enough for the builder's word-aligned copy, which depends on where the batch lies.
    const entries = Array.from({ length: 30 }, (_, i) => ({
      key: utf8(`key-${i}`),
      value: new Uint8Array(90 + i).fill(i + 1),
    }))
    const encoded = encodeBatch(entries)
    for (let source = 0; source < 8; source++) {
      for (let before = 0; before < 8; before++) {
        const shared = new Uint8Array(new SharedArrayBuffer(encoded.length + 8))
        shared.set(encoded, source)
        const first = [{ key: utf8('k'), value: new Uint8Array(1 + before).fill(9) }]
        const builder = new LogBuilder()
        builder.add(first)
        builder.addEncoded(shared.subarray(source, source + encoded.length))
        const fs = new MemoryFileSystem()
        fs.writeFileSync('/x.wal', builder.finish(), { durable: true })
        const { read, error } = await collect(readLog('/x.wal', { fs, mode: 'strict' }))
        expect(error).toBeUndefined()
        expect(normalizeAll(read)).toEqual(normalizeAll([first, entries]))
      }
    }
  })

  it('counts the entries of every encoded batch', () => {
    fc.assert(
      fc.property(batch, (entries) => {
        expect(encodedBatchCount(encodeBatch(entries))).toBe(entries.length)
      }),
    )
  })

  it('counts nothing in bytes that are not whole entries', () => {
    expect(encodedBatchCount(Uint8Array.of(1, 0))).toBeUndefined()
    expect(encodedBatchCount(Uint8Array.of(1, 0, 2, 0, 9, 9))).toBeUndefined()
    expect(encodedBatchCount(new Uint8Array(0))).toBe(0)
  })

  it('never decodes bytes that are not whole entries', () => {
    expect(decodeBatch(Uint8Array.of(1, 0))).toBeUndefined()
    expect(decodeBatch(Uint8Array.of(1, 0, 2, 0, 9, 9))).toBeUndefined()
    expect(decodeBatch(new Uint8Array(0))).toEqual([])
  })
})
