import {
  compareKeys,
  TableBuilder,
  type TableEntry,
  type TableMergeOptions,
  TableMerger,
  TableReader,
} from '@lsmkit/sstable'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BlockBuilder } from '../src/block-builder.js'
import { BlockType, EntryKind, TABLE_FORMAT_VERSION } from '../src/format.js'
import { encodeTrailer } from '../src/internal/trailer.js'
import { expectCode, hex, utf8 } from './helpers.js'

const text = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b)

type Entry = [string, string | undefined]

function table(entries: readonly Entry[]): Promise<TableReader> {
  const builder = new TableBuilder({ blockSize: 128 })
  for (const [key, value] of entries) builder.add(utf8(key), value === undefined ? undefined : utf8(value))
  return TableReader.fromBytes(builder.finish().bytes)
}

async function merged(runs: readonly (readonly TableReader[])[], options: Partial<TableMergeOptions> = {}) {
  const merger = new TableMerger(runs, {
    table: { blockSize: 128 },
    targetFileSize: 1 << 30,
    dropTombstones: false,
    ...options,
  })
  const tables: Uint8Array[] = []
  while (!merger.done) {
    const bytes = merger.step(7)
    if (bytes !== undefined) tables.push(bytes)
  }
  const out: Entry[][] = []
  for (const bytes of tables) {
    const reader = await TableReader.fromBytes(bytes)
    out.push([...reader.entries()].map(({ key, value }) => [text(key)!, text(value)]))
  }
  return out
}

const key = (i: number) => `k${String(i).padStart(4, '0')}`

describe('TableMerger', () => {
  it('keeps the entry of the newest run for a key that several runs hold', async () => {
    const newer = await table([
      ['a', 'new a'],
      ['c', undefined],
    ])
    const older = await table([
      ['a', 'old a'],
      ['b', 'old b'],
      ['c', 'old c'],
    ])
    expect(await merged([[newer], [older]])).toEqual([
      [
        ['a', 'new a'],
        ['b', 'old b'],
        ['c', undefined],
      ],
    ])
  })

  it('leaves deletes out only when told to', async () => {
    const newer = await table([['b', undefined]])
    const older = await table([
      ['a', '1'],
      ['b', '2'],
    ])
    expect(await merged([[newer], [older]], { dropTombstones: true })).toEqual([[['a', '1']]])
  })

  it('reads a run of several tables in order as one source', async () => {
    const run = [await table([[key(1), 'x']]), await table([[key(5), 'y']])]
    const newer = await table([[key(3), 'z']])
    expect(await merged([[newer], run])).toEqual([
      [
        [key(1), 'x'],
        [key(3), 'z'],
        [key(5), 'y'],
      ],
    ])
  })

  it('cuts its output into tables of about the target size, in key order and disjoint', async () => {
    const entries: Entry[] = Array.from({ length: 400 }, (_, i) => [key(i), 'v'.repeat(40)])
    const out = await merged([[await table(entries)]], { targetFileSize: 4096 })
    expect(out.length).toBeGreaterThan(3)
    expect(out.flat()).toEqual(entries)
    for (let i = 1; i < out.length; i++)
      expect(compareKeys(utf8(out[i - 1]!.at(-1)![0]), utf8(out[i]![0]![0]))).toBeLessThan(0)
  })

  it('makes no table when every entry is a dropped delete', async () => {
    const only = await table([
      ['a', undefined],
      ['b', undefined],
    ])
    expect(await merged([[only]], { dropTombstones: true })).toEqual([])
  })
})

// Every output table's bytes, stepping `limit` entries at a time.
function mergeAll(runs: readonly (readonly TableReader[])[], options: TableMergeOptions, limit: number) {
  const merger = new TableMerger(runs, options)
  const tables: Uint8Array[] = []
  while (!merger.done) {
    const bytes = merger.step(limit)
    if (bytes !== undefined) tables.push(bytes)
  }
  return tables
}

// What a merge must keep: per key, the newest run's entry; tombstones left out when dropped.
function expected(runs: readonly (readonly TableEntry[])[], dropTombstones: boolean): TableEntry[] {
  const newest = new Map<string, TableEntry>()
  for (const run of runs)
    for (const e of run) if (!newest.has(e.key.join(','))) newest.set(e.key.join(','), e)
  return [...newest.values()]
    .filter((e) => !dropTombstones || e.value !== undefined)
    .sort((a, b) => compareKeys(a.key, b.key))
}

// Keys over 0..3: they share prefixes, some are prefixes of others, some end in zero bytes,
// and many differ only past the six bytes a merge compares as a number.
const keyArb = fc
  .tuple(
    fc.constantFrom([], [0, 3, 3], [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 2]),
    fc.uint8Array({ min: 0, max: 3, maxLength: 6 }),
  )
  .map(([head, tail]) => Uint8Array.from([...head, ...tail]))

const runArb = fc
  .uniqueArray(
    fc.record({
      key: keyArb,
      value: fc.option(fc.uint8Array({ maxLength: 200 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 60, selector: (e) => e.key.join(',') },
  )
  .map((entries) => entries.sort((a, b) => compareKeys(a.key, b.key)))

async function runOf(entries: readonly TableEntry[], tables: number, layout: object): Promise<TableReader[]> {
  const size = Math.ceil(entries.length / tables)
  const readers: TableReader[] = []
  for (let at = 0; at < entries.length; at += size) {
    const builder = new TableBuilder(layout)
    for (const e of entries.slice(at, at + size)) builder.add(e.key, e.value)
    readers.push(await TableReader.fromBytes(builder.finish().bytes))
  }
  return readers
}

describe('TableMerger, against a model', () => {
  const caseArb = fc.record({
    runs: fc.array(fc.tuple(runArb, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 5 }),
    blockSize: fc.integer({ min: 1, max: 512 }),
    restartInterval: fc.integer({ min: 1, max: 16 }),
    targetFileSize: fc.integer({ min: 200, max: 8192 }),
    dropTombstones: fc.boolean(),
  })

  it('keeps exactly the newest entry of every key, in order, across tables cut at the target', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const layout = { blockSize: c.blockSize, restartInterval: c.restartInterval }
        const runs = await Promise.all(c.runs.map(([entries, tables]) => runOf(entries, tables, layout)))
        const options = { table: layout, targetFileSize: c.targetFileSize, dropTombstones: c.dropTombstones }
        const tables = mergeAll(runs, options, 1000)
        const out: TableEntry[] = []
        for (const bytes of tables) {
          const entries = [...(await TableReader.fromBytes(bytes)).entries()]
          expect(entries.length).toBeGreaterThan(0)
          if (out.length > 0) expect(compareKeys(out.at(-1)!.key, entries[0]!.key)).toBeLessThan(0)
          out.push(...entries)
        }
        expect(hex(out)).toEqual(
          hex(
            expected(
              c.runs.map(([entries]) => entries),
              c.dropTombstones,
            ),
          ),
        )
      }),
      { numRuns: 150 },
    )
  })

  it('makes the same tables, byte for byte, whatever the step limit', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 9 }), async (c, limit) => {
        const layout = { blockSize: c.blockSize, restartInterval: c.restartInterval }
        const runs = await Promise.all(c.runs.map(([entries, tables]) => runOf(entries, tables, layout)))
        const options = { table: layout, targetFileSize: c.targetFileSize, dropTombstones: c.dropTombstones }
        expect(mergeAll(runs, options, limit)).toEqual(mergeAll(runs, options, Number.POSITIVE_INFINITY))
      }),
      { numRuns: 60 },
    )
  })
})

describe('TableMerger, long keys and values', () => {
  it('merges keys and values longer than 127 bytes, whose lengths take two bytes each', async () => {
    const long = (i: number) => utf8(`${'k'.repeat(140)}${String(i).padStart(4, '0')}${'z'.repeat(i % 3)}`)
    const entry = (i: number, tag: string) => ({ key: long(i), value: utf8(tag.repeat(150 + i)) })
    const newer = Array.from({ length: 30 }, (_, i) => entry(2 * i, 'n'))
    const older = Array.from({ length: 30 }, (_, i) => entry(3 * i, 'o'))
    const runs = [await runOf(newer, 1, {}), await runOf(older, 2, { blockSize: 256 })]
    const tables = mergeAll(runs, { table: {}, targetFileSize: 1 << 20, dropTombstones: false }, 7)
    const out = [...(await TableReader.fromBytes(tables[0]!)).entries()]
    expect(hex(out)).toEqual(hex(expected([newer, older], false)))
  })
})

// A table of one data block, every entry a restart point (so each key is stored whole), whose
// block is edited by `edit` and given a checksum that matches again: damage a checksum cannot
// see, as a bug in a writer would leave.
async function rewritten(
  keys: readonly string[],
  edit: (contents: Uint8Array) => void,
): Promise<TableReader> {
  const builder = new TableBuilder({ restartInterval: 1 })
  const block = new BlockBuilder(1)
  for (const key of keys) {
    builder.add(utf8(key), utf8('v'))
    block.add(utf8(key), key.length, 0, EntryKind.PUT, utf8('v'))
  }
  const bytes = builder.finish().bytes
  const contents = block.finish().slice()
  expect(Buffer.from(bytes.subarray(0, contents.length)).equals(contents)).toBe(true)
  edit(contents)
  bytes.set(contents, 0)
  bytes.set(encodeTrailer(contents, BlockType.DATA, TABLE_FORMAT_VERSION), contents.length)
  return TableReader.fromBytes(bytes)
}

// Where key byte `byte` of entry `entry` lies in such a block: each entry is three one-byte
// lengths, the kind, a two-byte key and a one-byte value.
const keyByte = (entry: number, byte: number) => entry * 7 + 4 + byte

describe('TableMerger, damage', () => {
  const options = { table: {}, targetFileSize: 1 << 20, dropTombstones: false }

  it('reports keys out of order within a block as corruption', async () => {
    const reader = await rewritten(['a1', 'a2', 'a3'], (contents) => {
      contents[keyByte(1, 1)] = '0'.charCodeAt(0)
    })
    await expectCode(() => mergeAll([[reader]], options, 100), 'LEVEL_CORRUPTION')
  })

  it("reports a key outside its table's key range as corruption", async () => {
    const reader = await rewritten(['a1', 'a2', 'a3'], (contents) => {
      contents[keyByte(0, 0)] = '0'.charCodeAt(0)
    })
    await expectCode(() => mergeAll([[reader]], options, 100), 'LEVEL_CORRUPTION')
  })

  it('reports an entry that overruns its block as corruption', async () => {
    const reader = await rewritten(['a1', 'a2', 'a3'], (contents) => {
      contents[2 * 7 + 2] = 100
    })
    await expectCode(() => mergeAll([[reader]], options, 100), 'LEVEL_CORRUPTION')
  })

  it('reports a block whose checksum fails as corruption', async () => {
    const builder = new TableBuilder()
    for (let i = 0; i < 50; i++) builder.add(utf8(key(i)), utf8('value'))
    const bytes = builder.finish().bytes
    bytes[10]! ^= 1
    const reader = await TableReader.fromBytes(bytes)
    await expectCode(() => mergeAll([[reader]], options, 100), 'LEVEL_CORRUPTION')
  })
})
