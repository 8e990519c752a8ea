import { type TableEntry, TableReader } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { build, hex, lsmErrorOf, numberedKey, utf8 } from './helpers.js'

const entries: TableEntry[] = Array.from({ length: 40 }, (_, i) => ({
  key: numberedKey(i * 3),
  value: i % 6 === 2 ? undefined : utf8(`value ${i}`.repeat(1 + (i % 4))),
}))
const bytes = build(entries, { blockSize: 64 })

describe('TableReader.fromBytes', () => {
  it('reads every entry of a table held in memory, both ways, as a file-backed reader would', async () => {
    const reader = await TableReader.fromBytes(bytes)
    expect(hex(reader.entries())).toEqual(hex(entries))
    expect(hex(reader.entries({ reverse: true }))).toEqual(hex(entries.toReversed()))
    expect(hex([reader.get(numberedKey(9))])).toEqual(hex([entries[3]]))
    expect(reader.get(numberedKey(10))).toBeUndefined()
  })

  it('reports the size and key range of the bytes', async () => {
    const reader = await TableReader.fromBytes(bytes)
    expect(reader.fileSize).toBe(bytes.length)
    expect(hex([{ key: reader.smallestKey, value: reader.largestKey }])).toEqual(
      hex([{ key: entries[0]!.key, value: entries.at(-1)!.key }]),
    )
  })

  it('rejects damaged bytes with a corruption error naming the given name', async () => {
    const damaged = bytes.slice(0, bytes.length - 3)
    const err = await lsmErrorOf(() => TableReader.fromBytes(damaged, 'copy of 000007.sst'))
    expect(err.code).toBe('LEVEL_CORRUPTION')
    expect(err.file).toBe('copy of 000007.sst')
  })

  it('reports a damaged data block when a read meets it', async () => {
    const damaged = bytes.slice()
    damaged[10] = damaged[10]! ^ 0xff
    const reader = await TableReader.fromBytes(damaged)
    const err = await lsmErrorOf(() => [...reader.entries()])
    expect(err.code).toBe('LEVEL_CORRUPTION')
  })
})
