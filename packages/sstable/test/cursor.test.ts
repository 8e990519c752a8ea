import { ErrorCode } from '@lsmkit/fs'
import { compareKeys, type TableEntry, type TableRangeOptions } from '@lsmkit/sstable'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  entriesArb,
  expectCode,
  keyArb,
  layoutArb,
  numberedKey,
  openBuilt,
  tempDir,
  utf8,
} from './helpers.js'

const dir = await tempDir()

type Op =
  | { op: 'seekToFirst' | 'seekToLast' | 'next' | 'prev' | 'release' }
  | { op: 'seek' | 'seekForPrev'; key: Uint8Array }
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom<Op>(
    { op: 'seekToFirst' },
    { op: 'seekToLast' },
    { op: 'next' },
    { op: 'prev' },
    { op: 'release' },
  ),
  fc.record({ op: fc.constantFrom('seek' as const, 'seekForPrev' as const), key: keyArb }),
)

// The model: a position in the sorted array, or -1 when invalid.
function modelStep(entries: readonly TableEntry[], pos: number, step: Op): number {
  const n = entries.length
  switch (step.op) {
    case 'seekToFirst':
      return 0
    case 'seekToLast':
      return n - 1
    case 'next':
      return pos < 0 || pos + 1 >= n ? -1 : pos + 1
    case 'prev':
      return pos < 0 ? -1 : pos - 1
    case 'release':
      return -1
    case 'seek':
      return entries.findIndex((e) => compareKeys(e.key, step.key) >= 0)
    case 'seekForPrev':
      return entries.findLastIndex((e) => compareKeys(e.key, step.key) <= 0)
  }
}

function inRange(key: Uint8Array, o: TableRangeOptions): boolean {
  const lower = o.gte ?? o.gt
  const upper = o.lte ?? o.lt
  if (lower !== undefined) {
    const c = compareKeys(key, lower)
    if (c < 0 || (c === 0 && o.gte === undefined)) return false
  }
  if (upper !== undefined) {
    const c = compareKeys(key, upper)
    if (c > 0 || (c === 0 && o.lte === undefined)) return false
  }
  return true
}

describe('TableCursor', () => {
  it('moves like a position in the sorted entries', async () => {
    await fc.assert(
      fc.asyncProperty(
        entriesArb,
        layoutArb,
        fc.array(opArb, { maxLength: 40 }),
        fc.boolean(),
        async (entries, layout, ops, fillCache) => {
          const reader = await openBuilt(dir, entries, layout)
          const cursor = reader.cursor({ fillCache })
          let pos = -1
          for (const step of ops) {
            if (step.op === 'seek' || step.op === 'seekForPrev') cursor[step.op](step.key)
            else cursor[step.op]()
            pos = modelStep(entries, pos, step)
            expect(cursor.valid).toBe(pos >= 0)
            if (pos >= 0) expect({ key: cursor.key, value: cursor.value }).toEqual(entries[pos])
          }
          await reader.close()
        },
      ),
      { numRuns: 150 },
    )
  })

  it('yields the entries within any bounds, in either direction', async () => {
    const boundArb = fc.option(keyArb, { nil: undefined })
    const optionsArb = fc.record({
      gt: boundArb,
      gte: boundArb,
      lt: boundArb,
      lte: boundArb,
      reverse: fc.boolean(),
    })
    await fc.assert(
      fc.asyncProperty(
        entriesArb,
        layoutArb,
        fc.array(optionsArb, { maxLength: 8 }),
        async (entries, layout, all) => {
          const reader = await openBuilt(dir, entries, layout)
          for (const options of all) {
            const expected = entries.filter((e) => inRange(e.key, options))
            expect([...reader.entries(options)]).toEqual(options.reverse ? expected.toReversed() : expected)
          }
          await reader.close()
        },
      ),
      { numRuns: 100 },
    )
  })

  it('lets gte win over gt and lte over lt', async () => {
    const entries = [0, 1, 2, 3, 4].map((i) => ({ key: numberedKey(i), value: utf8(`${i}`) }))
    const reader = await openBuilt(dir, entries)
    const keys = (o: TableRangeOptions) => [...reader.entries(o)].map((e) => e.value)
    expect(
      keys({ gt: numberedKey(1), gte: numberedKey(1), lt: numberedKey(3), lte: numberedKey(3) }),
    ).toEqual([1, 2, 3].map((i) => utf8(`${i}`)))
    await reader.close()
  })

  it('starts unpositioned, with no key to read', async () => {
    const reader = await openBuilt(dir, [{ key: utf8('a'), value: utf8('1') }])
    const cursor = reader.cursor()
    expect(cursor.valid).toBe(false)
    await expectCode(() => cursor.key, ErrorCode.NOT_SUPPORTED)
    await expectCode(() => cursor.value, ErrorCode.NOT_SUPPORTED)
    await reader.close()
  })

  it('rejects a seek key or bound that is not a byte array', async () => {
    const reader = await openBuilt(dir, [{ key: utf8('a'), value: utf8('1') }])
    const cursor = reader.cursor()
    await expectCode(() => cursor.seek('a' as unknown as Uint8Array), ErrorCode.INVALID_KEY)
    await expectCode(() => cursor.seekForPrev(1 as unknown as Uint8Array), ErrorCode.INVALID_KEY)
    await expectCode(() => [...reader.entries({ gt: 'a' as unknown as Uint8Array })], ErrorCode.INVALID_KEY)
    await reader.close()
  })

  it('stays invalid when stepped after running off either end', async () => {
    const entries = [0, 1, 2].map((i) => ({ key: numberedKey(i), value: utf8(`${i}`) }))
    const reader = await openBuilt(dir, entries, { blockSize: 1 })
    const cursor = reader.cursor()
    cursor.seekToFirst()
    cursor.prev()
    cursor.next()
    expect(cursor.valid).toBe(false)
    cursor.seekToLast()
    cursor.next()
    cursor.prev()
    expect(cursor.valid).toBe(false)
    await reader.close()
  })

  it('crosses block boundaries in both directions', async () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ key: numberedKey(i), value: utf8(`v${i}`) }))
    const reader = await openBuilt(dir, entries, { blockSize: 40, restartInterval: 2 })
    const cursor = reader.cursor()
    const forward: Uint8Array[] = []
    for (cursor.seekToFirst(); cursor.valid; cursor.next()) forward.push(cursor.key)
    const backward: Uint8Array[] = []
    for (cursor.seekToLast(); cursor.valid; cursor.prev()) backward.push(cursor.key)
    expect(forward).toEqual(entries.map((e) => e.key))
    expect(backward).toEqual(forward.toReversed())
    await reader.close()
  })
})

describe('TableCursor.keyView', () => {
  const entries = Array.from({ length: 60 }, (_, i) => ({
    key: numberedKey(i),
    value: i % 7 === 3 ? undefined : utf8(`value ${i}`.repeat(1 + (i % 5))),
  }))

  // Copies of keyView at every position of a table built from `built`, first to last and back.
  async function keyViews(
    built: readonly TableEntry[],
    layout: { blockSize: number; restartInterval: number },
  ): Promise<{ forward: Uint8Array[]; backward: Uint8Array[] }> {
    const reader = await openBuilt(dir, built, layout)
    const cursor = reader.cursor({ fillCache: false })
    const forward: Uint8Array[] = []
    for (cursor.seekToFirst(); cursor.valid; cursor.next()) forward.push(cursor.keyView.slice())
    const backward: Uint8Array[] = []
    for (cursor.seekToLast(); cursor.valid; cursor.prev()) backward.push(cursor.keyView.slice())
    await reader.close()
    return { forward, backward }
  }

  it('shows the current key in keyView at every position, in both directions', async () => {
    const { forward, backward } = await keyViews(entries, { blockSize: 64, restartInterval: 3 })
    expect(forward).toEqual(entries.map((e) => e.key))
    expect(backward).toEqual(forward.toReversed())
  })

  it('shows long keys in keyView once a run of them outgrows the key memory a cursor starts with', async () => {
    // Sixteen 200-byte keys to a run: 3,200 bytes of keys, where a cursor starts with 256.
    const long = Array.from({ length: 80 }, (_, i) => ({
      key: utf8(`${'k'.repeat(190)}${String(i).padStart(10, '0')}`),
      value: utf8(`value ${i}`),
    }))
    const { forward, backward } = await keyViews(long, { blockSize: 8192, restartInterval: 16 })
    expect(forward).toEqual(long.map((e) => e.key))
    expect(backward).toEqual(forward.toReversed())
  })
})
