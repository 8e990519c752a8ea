import { compareKeys, TableBuilder, TableReader } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { type MergeOptions, TableMerger } from '../src/internal/table-merger.js'
import { text, utf8 } from './support.js'

type Entry = [string, string | undefined]

function table(entries: readonly Entry[]): Promise<TableReader> {
  const builder = new TableBuilder({ blockSize: 128 })
  for (const [key, value] of entries) builder.add(utf8(key), value === undefined ? undefined : utf8(value))
  return TableReader.fromBytes(builder.finish().bytes)
}

async function merged(runs: readonly (readonly TableReader[])[], options: Partial<MergeOptions> = {}) {
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
