import { ErrorCode } from '@lsmkit/fs'
import { compareKeys, TableBuilder } from '@lsmkit/sstable'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectCode, keyArb, numberedKey, utf8 } from './helpers.js'

describe('TableBuilder', () => {
  it('reports the key range and counts of the finished table', () => {
    const builder = new TableBuilder()
    builder.add(utf8('a'), utf8('1'))
    builder.add(utf8('b'), undefined)
    builder.add(utf8('c'), utf8('3'))
    const { bytes, meta } = builder.finish()
    expect(meta).toEqual({
      smallestKey: utf8('a'),
      largestKey: utf8('c'),
      entryCount: 3,
      tombstoneCount: 1,
      size: bytes.length,
    })
  })

  it('rejects a key that does not sort after the previous one, adding nothing', async () => {
    const builder = new TableBuilder()
    builder.add(utf8('b'), utf8('1'))
    await expectCode(() => builder.add(utf8('a'), utf8('2')), ErrorCode.INVALID_KEY)
    expect(builder.entryCount).toBe(1)
    expect(builder.finish().meta.largestKey).toEqual(utf8('b'))
  })

  it('accepts a second key exactly when it sorts after the first, prefixes included', () => {
    fc.assert(
      fc.property(keyArb, keyArb, (first, second) => {
        const builder = new TableBuilder()
        builder.add(first, utf8('1'))
        let accepted = true
        try {
          builder.add(second, utf8('2'))
        } catch {
          accepted = false
        }
        expect(accepted).toBe(compareKeys(first, second) < 0)
      }),
      { numRuns: 2000 },
    )
  })

  it('rejects a repeated key', async () => {
    const builder = new TableBuilder()
    builder.add(utf8('a'), utf8('1'))
    await expectCode(() => builder.add(utf8('a'), undefined), ErrorCode.INVALID_KEY)
  })

  it('rejects keys and values longer than 65,535 bytes', async () => {
    const builder = new TableBuilder()
    await expectCode(() => builder.add(new Uint8Array(65_536), utf8('v')), ErrorCode.INVALID_KEY)
    await expectCode(() => builder.add(utf8('k'), new Uint8Array(65_536)), ErrorCode.INVALID_VALUE)
    expect(builder.entryCount).toBe(0)
  })

  it('rejects keys and values that are not byte arrays', async () => {
    const builder = new TableBuilder()
    await expectCode(() => builder.add('k' as unknown as Uint8Array, utf8('v')), ErrorCode.INVALID_KEY)
    await expectCode(() => builder.add(utf8('k'), 'v' as unknown as Uint8Array), ErrorCode.INVALID_VALUE)
  })

  it.each([
    { blockSize: 0 },
    { blockSize: 1.5 },
    { blockSize: 2 ** 28 + 1 },
    { restartInterval: 0 },
    { restartInterval: 65_536 },
    { bitsPerKey: 0 },
    { bitsPerKey: 65 },
    { bitsPerKey: Number.NaN },
  ])('rejects the option %o', async (options) => {
    await expectCode(() => new TableBuilder(options), ErrorCode.INVALID_OPTION)
  })

  it('refuses to finish an empty table and stays usable', async () => {
    const builder = new TableBuilder()
    await expectCode(() => builder.finish(), ErrorCode.INVALID_OPTION)
    builder.add(utf8('a'), utf8('1'))
    expect(builder.finish().meta.entryCount).toBe(1)
  })

  it('refuses add and finish once finished', async () => {
    const builder = new TableBuilder()
    builder.add(utf8('a'), utf8('1'))
    builder.finish()
    await expectCode(() => builder.add(utf8('b'), utf8('2')), ErrorCode.CLOSED)
    await expectCode(() => builder.finish(), ErrorCode.CLOSED)
  })

  it('produces the same bytes for the same entries', () => {
    const make = () => {
      const builder = new TableBuilder({ blockSize: 64 })
      for (let i = 0; i < 100; i++) builder.add(numberedKey(i), i % 3 === 0 ? undefined : utf8(`v${i}`))
      return builder.finish().bytes
    }
    expect(make()).toEqual(make())
  })

  it('estimates a size that grows with each entry and ends near the real size', () => {
    const builder = new TableBuilder()
    let previous = builder.estimatedSize
    for (let i = 0; i < 2000; i++) {
      builder.add(numberedKey(i), new Uint8Array(50).fill(i & 0xff))
      expect(builder.estimatedSize).toBeGreaterThan(previous)
      previous = builder.estimatedSize
    }
    const { size } = builder.finish().meta
    expect(Math.abs(previous - size) / size).toBeLessThan(0.05)
  })

  it('takes a value given as a range of a larger array as that range alone', () => {
    const ranged = new TableBuilder({ blockSize: 64 })
    const viewed = new TableBuilder({ blockSize: 64 })
    const pool = Uint8Array.from({ length: 400 }, (_, i) => (i * 37) & 0xff)
    for (let i = 0; i < 100; i++) {
      const start = (i * 13) % 300
      const end = start + 1 + (i % 90)
      ranged.add(numberedKey(i), pool, start, end)
      viewed.add(numberedKey(i), pool.subarray(start, end))
    }
    expect(ranged.finish().bytes).toEqual(viewed.finish().bytes)
  })

  it('rejects a value range outside its array, adding nothing', async () => {
    const builder = new TableBuilder()
    const pool = new Uint8Array(10)
    await expectCode(() => builder.add(utf8('a'), pool, 4, 11), ErrorCode.INVALID_VALUE)
    await expectCode(() => builder.add(utf8('a'), pool, 5, 4), ErrorCode.INVALID_VALUE)
    await expectCode(() => builder.add(utf8('a'), pool, -1, 4), ErrorCode.INVALID_VALUE)
    await expectCode(() => builder.add(utf8('a'), pool, 0.5, 4), ErrorCode.INVALID_VALUE)
    expect(builder.entryCount).toBe(0)
  })

  it('copies keys and values, so the caller may reuse its arrays', () => {
    const reused = new TableBuilder()
    const fresh = new TableBuilder()
    const key = utf8('key-a')
    const value = utf8('value')
    reused.add(key, value)
    fresh.add(utf8('key-a'), utf8('value'))
    key.set(utf8('key-b'))
    value.fill(0)
    reused.add(key, value)
    fresh.add(utf8('key-b'), new Uint8Array(5))
    expect(reused.finish().bytes).toEqual(fresh.finish().bytes)
  })
})
