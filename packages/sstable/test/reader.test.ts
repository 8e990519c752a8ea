import { join } from 'node:path'
import { ErrorCode, isNotFound, NodeFileSystem } from '@lsmkit/fs'
import { compareKeys, keyText, type TableEntry, TableReader } from '@lsmkit/sstable'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  entriesArb,
  expectCode,
  hex,
  keyArb,
  layoutArb,
  lsmErrorOf,
  numberedKey,
  openBuilt,
  tempDir,
  utf8,
} from './helpers.js'

const dir = await tempDir()

// Values of varied lengths, every fifth entry a tombstone.
function manyEntries(count: number): TableEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    key: numberedKey(i * 2),
    value: i % 5 === 0 ? undefined : new Uint8Array(i % 97).fill(i & 0xff),
  }))
}

describe('TableReader', () => {
  it('reads back every entry of a many-block table, tombstones included', async () => {
    const entries = manyEntries(5000)
    const reader = await openBuilt(dir, entries)
    expect(hex(entries.map((e) => reader.get(e.key)))).toEqual(hex(entries))
    expect(hex(reader.entries())).toEqual(hex(entries))
    expect(hex(reader.entries({ reverse: true }))).toEqual(hex(entries.toReversed()))
    await reader.close()
  })

  it('answers every lookup as the sorted entries do, whatever keys share and however blocks split', async () => {
    await fc.assert(
      fc.asyncProperty(
        entriesArb,
        layoutArb,
        fc.array(keyArb, { maxLength: 30 }),
        async (list, layout, probes) => {
          const reader = await openBuilt(dir, list, layout)
          for (const probe of [...list.map((e) => e.key), ...probes]) {
            const want = list.find((e) => compareKeys(e.key, probe) === 0)
            expect(reader.get(probe)).toEqual(want)
          }
          await reader.close()
        },
      ),
      { numRuns: 150 },
    )
  })

  it('gives the same answers when the caller passes the key text it already has', async () => {
    const entries = manyEntries(500)
    const reader = await openBuilt(dir, entries, { blockSize: 256 })
    for (const probe of [...entries.map((e) => e.key), numberedKey(1), numberedKey(5000), utf8('')]) {
      expect(reader.get(probe, keyText(probe))).toEqual(reader.get(probe))
    }
    await reader.close()
  })

  it('reports the key range and counts recorded at build time', async () => {
    const entries = manyEntries(100)
    const reader = await openBuilt(dir, entries)
    expect(reader.smallestKey).toEqual(entries[0]!.key)
    expect(reader.largestKey).toEqual(entries[99]!.key)
    expect(reader.entryCount).toBe(100)
    expect(reader.tombstoneCount).toBe(20)
    await reader.close()
  })

  it('returns undefined for keys it does not hold', async () => {
    const reader = await openBuilt(dir, manyEntries(1000), { blockSize: 256 })
    for (const absent of [
      utf8(''),
      utf8('a'),
      numberedKey(1),
      numberedKey(999),
      numberedKey(1999),
      utf8('z'),
    ]) {
      expect(reader.get(absent)).toBeUndefined()
    }
    await reader.close()
  })

  it('tells a tombstone from an absent key and from an empty value', async () => {
    const reader = await openBuilt(dir, [
      { key: utf8('deleted'), value: undefined },
      { key: utf8('empty'), value: new Uint8Array(0) },
    ])
    expect(reader.get(utf8('deleted'))).toEqual({ key: utf8('deleted'), value: undefined })
    expect(reader.get(utf8('empty'))).toEqual({ key: utf8('empty'), value: new Uint8Array(0) })
    expect(reader.get(utf8('absent'))).toBeUndefined()
    await reader.close()
  })

  it('stores the empty key', async () => {
    const entries = [
      { key: new Uint8Array(0), value: utf8('empty key') },
      { key: Uint8Array.of(0), value: utf8('zero byte') },
    ]
    const reader = await openBuilt(dir, entries)
    expect(reader.get(new Uint8Array(0))).toEqual(entries[0])
    expect(reader.smallestKey).toEqual(new Uint8Array(0))
    expect([...reader.entries()]).toEqual(entries)
    await reader.close()
  })

  it('stores keys and values of 65,535 bytes', async () => {
    const big = (fill: number) => new Uint8Array(65_535).fill(fill)
    const entries = [
      { key: big(1), value: big(2) },
      { key: big(3), value: undefined },
      { key: big(4), value: big(5) },
    ]
    const reader = await openBuilt(dir, entries)
    expect(hex(entries.map((e) => reader.get(e.key)))).toEqual(hex(entries))
    expect(hex(reader.entries({ reverse: true }))).toEqual(hex(entries.toReversed()))
    await reader.close()
  })

  it('finds entries whose lengths take more than one varint byte, beside ones that take one', async () => {
    // Lengths of 128 and more are two-byte varints; a value of 200 bytes (0xc8 0x01) reads as a
    // put of 200 bytes one byte early if only the first byte is taken.
    const entries = Array.from({ length: 60 }, (_, i) => ({
      key: numberedKey(i, 'k'.repeat(i % 3 === 0 ? 130 : 1)),
      value: i % 7 === 6 ? undefined : new Uint8Array([100, 127, 128, 200, 300][i % 5]!).fill(i),
    })).sort((a, b) => compareKeys(a.key, b.key))
    const reader = await openBuilt(dir, entries, { blockSize: 512, restartInterval: 4 })
    expect(hex(entries.map((e) => reader.get(e.key)))).toEqual(hex(entries))
    await reader.close()
  })

  it('finds keys that agree on many bytes past their common prefix, or differ by trailing zeros', async () => {
    // Every key a restart point, and the restart keys alike on the first eight bytes after
    // their common prefix "t": a search by those bytes alone cannot tell them apart.
    const tails = ['', '\0', '\0\0', 'x', 'abcdefgh', 'abcdefgh\0', 'abcdefgh1', 'abcdefgh2', 'abcdefgi']
    const entries = tails
      .map((tail, i) => ({ key: utf8(`t${tail}`), value: utf8(`v${i}`) }))
      .sort((a, b) => compareKeys(a.key, b.key))
    const reader = await openBuilt(dir, entries, { blockSize: 4096, restartInterval: 1 })
    expect(hex(entries.map((e) => reader.get(e.key)))).toEqual(hex(entries))
    for (const absent of ['t\0\0\0', 'tabcdefg', 'tabcdefgh0', 'tabcdefgh3', 'ty'])
      expect(reader.get(utf8(absent))).toBeUndefined()
    await reader.close()
  })

  it('hands out copies that do not change what it returns next', async () => {
    const reader = await openBuilt(dir, [{ key: utf8('k'), value: utf8('value') }])
    reader.get(utf8('k'))!.value!.fill(0)
    expect(reader.get(utf8('k'))!.value).toEqual(utf8('value'))
    await reader.close()
  })

  it('rules out absent keys without reading a block', async () => {
    const reader = await openBuilt(dir, manyEntries(1000))
    expect(reader.mayContain(numberedKey(0))).toBe(true)
    expect(reader.mayContain(utf8('a'))).toBe(false)
    expect(reader.mayContain(utf8('z'))).toBe(false)
    await reader.close()
  })

  it('refuses every use after close with LEVEL_CLOSED', async () => {
    const reader = await openBuilt(dir, manyEntries(100))
    const cursor = reader.cursor()
    cursor.seekToFirst()
    const entries = reader.entries()
    await reader.close()
    expect(cursor.valid).toBe(false)
    await expectCode(() => reader.get(numberedKey(0)), ErrorCode.CLOSED)
    await expectCode(() => reader.mayContain(numberedKey(0)), ErrorCode.CLOSED)
    await expectCode(() => reader.cursor(), ErrorCode.CLOSED)
    await expectCode(() => cursor.next(), ErrorCode.CLOSED)
    await expectCode(() => cursor.key, ErrorCode.CLOSED)
    await expectCode(() => cursor.seek(numberedKey(4)), ErrorCode.CLOSED)
    await expectCode(() => entries.next(), ErrorCode.CLOSED)
  })

  it('closes twice without harm', async () => {
    const reader = await openBuilt(dir, manyEntries(10))
    await reader.close()
    await reader.close()
  })

  it('rejects a key that is not a byte array', async () => {
    const reader = await openBuilt(dir, manyEntries(10))
    await expectCode(() => reader.get('key' as unknown as Uint8Array), ErrorCode.INVALID_KEY)
    await reader.close()
  })

  it('fails to open a missing file with ENOENT', async () => {
    const err = await lsmErrorOf(() =>
      TableReader.open(join(dir, 'missing.sst'), { fs: new NodeFileSystem() }),
    )
    expect(isNotFound(err)).toBe(true)
  })

  it('opens through the real file system when none is given', async () => {
    const first = await openBuilt(dir, manyEntries(10))
    const reader = await TableReader.open(first.path)
    expect(reader.entryCount).toBe(10)
    expect(reader.fileSize).toBe(first.fileSize)
    await Promise.all([first.close(), reader.close()])
  })
})
