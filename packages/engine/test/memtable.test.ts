import { ErrorCode, isLsmError } from '@lsmkit/fs'
import { encodeBatch } from '@lsmkit/log'
import { compareKeys, TableBuilder } from '@lsmkit/sstable'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Cursor } from '../src/internal/cursor.js'
import { MEMTABLE_ENTRY_OVERHEAD, Memtable } from '../src/internal/memtable.js'
import {
  applyOp,
  type CursorOp,
  cursorOpArb,
  type Entry,
  EVERY_OP,
  expectAt,
  hex,
  keyArb,
  modelStep,
  scan,
  show,
  sortEntries,
  utf8,
  valueArb,
} from './cursor-model.js'

// The model: every version of every key, in the order written.
class VersionModel {
  readonly versions = new Map<
    string,
    { key: Uint8Array; list: { seq: number; value: Uint8Array | undefined }[] }
  >()

  put(key: Uint8Array, value: Uint8Array | undefined, seq: number): void {
    const id = hex(key)
    const slot = this.versions.get(id) ?? { key, list: [] }
    slot.list.push({ seq, value })
    this.versions.set(id, slot)
  }

  get(key: Uint8Array, snapshot: number): { value: Uint8Array | undefined } | undefined {
    const version = this.versions.get(hex(key))?.list.findLast((v) => v.seq <= snapshot)
    return version === undefined ? undefined : { value: version.value }
  }

  view(snapshot: number): Entry[] {
    const entries: Entry[] = []
    for (const { key, list } of this.versions.values()) {
      const version = list.findLast((v) => v.seq <= snapshot)
      if (version !== undefined) entries.push({ key, value: version.value })
    }
    return sortEntries(entries)
  }
}

type Command =
  | { readonly kind: 'put'; readonly key: Uint8Array; readonly value: Uint8Array | undefined }
  | { readonly kind: 'get'; readonly key: Uint8Array; readonly back: number | undefined }
  | { readonly kind: 'open'; readonly back: number | undefined }
  | { readonly kind: 'move'; readonly step: CursorOp }

// `back` picks a snapshot: undefined for the default (Infinity), else that many seqs ago.
const backArb = fc.option(fc.nat({ max: 6 }), { nil: undefined })
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('put' as const), key: keyArb, value: valueArb }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('get' as const), key: keyArb, back: backArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('open' as const), back: backArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('move' as const), step: cursorOpArb }), weight: 4 },
)

function valueHex(cursor: Cursor): string | undefined {
  const value = cursor.value
  return value === undefined ? undefined : hex(value)
}

describe('Memtable', () => {
  it('matches a model of versioned keys under random puts, deletes, gets, snapshots and cursor moves', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 150 }), (commands) => {
        const mem = new Memtable(1)
        const model = new VersionModel()
        let seq = 0
        // The open cursor and the model's view of it, fixed when it was opened.
        let cursor = mem.cursor()
        let view: Entry[] = []
        let pos = -1
        for (const c of commands) {
          const snapshot = (back: number | undefined) =>
            back === undefined ? undefined : Math.max(0, seq - back)
          switch (c.kind) {
            case 'put':
              seq++
              mem.put(c.key, c.value, seq)
              model.put(c.key, c.value, seq)
              break
            case 'get': {
              const at = snapshot(c.back)
              const got = at === undefined ? mem.get(c.key) : mem.get(c.key, at)
              const want = model.get(c.key, at ?? seq)
              expect(got === undefined ? 'absent' : got.value && hex(got.value)).toBe(
                want === undefined ? 'absent' : want.value && hex(want.value),
              )
              break
            }
            case 'open': {
              const at = snapshot(c.back)
              cursor = at === undefined ? mem.cursor() : mem.cursor(at)
              view = model.view(at ?? seq)
              pos = -1
              expect(cursor.valid).toBe(false)
              break
            }
            case 'move':
              applyOp(cursor, c.step)
              pos = modelStep(view, pos, c.step)
              expectAt(cursor, view[pos])
              break
          }
        }
        expect(mem.keyCount).toBe(model.versions.size)
        expect(mem.entryCount).toBe(seq)
        expect([...mem.entries()].map(show)).toEqual(model.view(seq).map(show))
      }),
      { numRuns: 300 },
    )
  })

  it('get returns the newest version at or below the snapshot', () => {
    const mem = new Memtable(1)
    mem.put(utf8('k'), utf8('v1'), 1)
    mem.put(utf8('other'), utf8('x'), 2)
    mem.put(utf8('k'), utf8('v3'), 3)
    mem.put(utf8('k'), utf8('v4'), 4)
    expect(mem.get(utf8('k'))).toEqual({ value: utf8('v4') })
    expect(mem.get(utf8('k'), 3)).toEqual({ value: utf8('v3') })
    expect(mem.get(utf8('k'), 2)).toEqual({ value: utf8('v1') })
    expect(mem.get(utf8('k'), 1)).toEqual({ value: utf8('v1') })
  })

  it('get returns undefined for a missing key and for a key written only after the snapshot', () => {
    const mem = new Memtable(1)
    mem.put(utf8('b'), utf8('1'), 5)
    expect(mem.get(utf8('a'))).toBeUndefined()
    expect(mem.get(utf8('c'))).toBeUndefined()
    expect(mem.get(utf8('b'), 4)).toBeUndefined()
  })

  it('get reports a delete as a found entry whose value is undefined', () => {
    const mem = new Memtable(1)
    mem.put(utf8('k'), utf8('v'), 1)
    mem.put(utf8('k'), undefined, 2)
    const deleted = mem.get(utf8('k'))
    expect(deleted).toBeDefined()
    expect(deleted?.value).toBeUndefined()
    expect(mem.get(utf8('k'), 1)).toEqual({ value: utf8('v') })
  })

  it('a cursor shows a delete as an entry whose value is undefined', () => {
    const mem = new Memtable(1)
    mem.put(utf8('a'), utf8('1'), 1)
    mem.put(utf8('b'), undefined, 2)
    expect(scan(mem.cursor()).map(show)).toEqual([
      show({ key: utf8('a'), value: utf8('1') }),
      show({ key: utf8('b'), value: undefined }),
    ])
  })

  it('a cursor at a snapshot shows each key at its newest version in the snapshot', () => {
    const mem = new Memtable(1)
    mem.put(utf8('a'), utf8('a1'), 1)
    mem.put(utf8('b'), utf8('b2'), 2)
    mem.put(utf8('a'), undefined, 3)
    mem.put(utf8('b'), utf8('b4'), 4)
    mem.put(utf8('c'), utf8('c5'), 5)
    const at2 = scan(mem.cursor(2))
    expect(at2.map(show)).toEqual([
      show({ key: utf8('a'), value: utf8('a1') }),
      show({ key: utf8('b'), value: utf8('b2') }),
    ])
    const at4 = scan(mem.cursor(4))
    expect(at4.map(show)).toEqual([
      show({ key: utf8('a'), value: undefined }),
      show({ key: utf8('b'), value: utf8('b4') }),
    ])
  })

  it('a cursor does not see keys inserted after it was made, even beside its position', () => {
    const mem = new Memtable(1)
    mem.put(utf8('b'), utf8('b'), 1)
    mem.put(utf8('d'), utf8('d'), 2)
    const cursor = mem.cursor()
    cursor.seek(utf8('b'))
    for (const [k, seq] of [
      ['a', 3],
      ['c', 4],
      ['e', 5],
      ['bb', 6],
    ] as const)
      mem.put(utf8(k), utf8(k), seq)
    cursor.next()
    expect(hex(cursor.key)).toBe(hex(utf8('d')))
    cursor.next()
    expect(cursor.valid).toBe(false)
    cursor.seekForPrev(utf8('c'))
    expect(hex(cursor.key)).toBe(hex(utf8('b')))
    cursor.prev()
    expect(cursor.valid).toBe(false)
    expect(scan(cursor).map((e) => hex(e.key))).toEqual([hex(utf8('b')), hex(utf8('d'))])
    expect(mem.keyCount).toBe(6)
  })

  it('a cursor does not see new versions of its keys written after it was made', () => {
    const mem = new Memtable(1)
    mem.put(utf8('k'), utf8('old'), 1)
    const cursor = mem.cursor()
    mem.put(utf8('k'), undefined, 2)
    mem.put(utf8('k'), utf8('new'), 3)
    cursor.seekToFirst()
    expect(valueHex(cursor)).toBe(hex(utf8('old')))
  })

  it('an empty memtable has no entries, no key range and a cursor that is never valid', () => {
    const mem = new Memtable(9)
    expect(mem.id).toBe(9)
    expect(mem.get(utf8('a'))).toBeUndefined()
    expect([mem.entryCount, mem.keyCount, mem.approximateBytes, mem.maxSeq]).toEqual([0, 0, 0, 0])
    expect(mem.smallestKey).toBeUndefined()
    expect(mem.largestKey).toBeUndefined()
    const cursor = mem.cursor()
    for (const step of EVERY_OP) {
      applyOp(cursor, step)
      expect(cursor.valid).toBe(false)
    }
    expect([...mem.entries()]).toEqual([])
  })

  it('reading the key or value of an unpositioned cursor throws LEVEL_NOT_SUPPORTED', () => {
    const cursor = new Memtable(1).cursor()
    expect(() => cursor.key).toThrow(expect.objectContaining({ code: ErrorCode.NOT_SUPPORTED }))
    let err: unknown
    try {
      cursor.value
    } catch (e) {
      err = e
    }
    expect(isLsmError(err, ErrorCode.NOT_SUPPORTED)).toBe(true)
  })

  it('counts versions, distinct keys and approximate bytes with the per-entry overhead', () => {
    const mem = new Memtable(1)
    mem.put(utf8('ab'), utf8('xyz'), 1)
    mem.put(utf8('ab'), undefined, 2)
    mem.put(utf8('c'), new Uint8Array(10), 3)
    expect(mem.entryCount).toBe(3)
    expect(mem.keyCount).toBe(2)
    expect(mem.approximateBytes).toBe(2 + 3 + (2 + 0) + (1 + 10) + 3 * MEMTABLE_ENTRY_OVERHEAD)
  })

  it('tracks the smallest and largest keys and the last seq', () => {
    const mem = new Memtable(1)
    for (const [k, seq] of [
      ['m', 1],
      ['z', 2],
      ['a', 3],
      ['q', 4],
    ] as const)
      mem.put(utf8(k), utf8(k), seq)
    expect(hex(mem.smallestKey!)).toBe(hex(utf8('a')))
    expect(hex(mem.largestKey!)).toBe(hex(utf8('z')))
    expect(mem.maxSeq).toBe(4)
  })

  it('orders the empty key before every other key', () => {
    const mem = new Memtable(1)
    mem.put(utf8('a'), utf8('1'), 1)
    mem.put(new Uint8Array(0), utf8('0'), 2)
    expect(mem.get(new Uint8Array(0))).toEqual({ value: utf8('0') })
    expect(scan(mem.cursor()).map((e) => e.key.length)).toEqual([0, 1])
  })

  it('orders keys bytewise whatever their bytes and lengths', () => {
    const anyKey = fc.uint8Array({ maxLength: 9 }).chain((k) =>
      fc.constantFrom(
        k,
        Uint8Array.from(k, (b) => (b & 1 ? 0xff : 0)),
        k.subarray(0, 3),
      ),
    )
    fc.assert(
      fc.property(fc.array(anyKey, { maxLength: 60 }), (keys) => {
        const mem = new Memtable(1)
        for (const [i, key] of keys.entries()) mem.put(key, key, i + 1)
        const distinct = [...new Set(keys.map(hex))].sort()
        expect(scan(mem.cursor()).map((e) => hex(e.key))).toEqual(distinct)
        for (const key of keys) expect(mem.get(key)).toBeDefined()
        expect(
          mem.get(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)),
        ).toBeUndefined()
      }),
    )
  })

  it('keeps thousands of keys written in random order sorted in both directions', () => {
    const mem = new Memtable(1)
    const keys: Uint8Array[] = []
    for (let i = 0; i < 5000; i++) keys.push(utf8(`key${(i * 7919) % 5000}`))
    for (const [i, key] of keys.entries()) mem.put(key, key, i + 1)
    const sorted = [...keys].sort(compareKeys).map(hex)
    expect(scan(mem.cursor()).map((e) => hex(e.key))).toEqual(sorted)
    expect(keys.map((key) => mem.get(key)?.value).map((v) => v && hex(v))).toEqual(keys.map(hex))
    expect(mem.keyCount).toBe(5000)
  })

  it('keeps keys appended in order, then inserted among them, sorted in both directions', () => {
    const mem = new Memtable(1)
    const keys: Uint8Array[] = []
    // Even keys arrive in order (each one after the tail), then odd ones land between them.
    for (let i = 0; i < 4000; i += 2) keys.push(utf8(`key${String(i).padStart(5, '0')}`))
    for (let i = 3999; i > 0; i -= 2) keys.push(utf8(`key${String(i).padStart(5, '0')}`))
    keys.push(utf8('key99999'))
    for (const [i, key] of keys.entries()) mem.put(key, key, i + 1)
    const sorted = [...keys].sort(compareKeys).map(hex)
    expect(scan(mem.cursor()).map((e) => hex(e.key))).toEqual(sorted)
    const backward: string[] = []
    const cursor = mem.cursor()
    for (cursor.seekToLast(); cursor.valid; cursor.prev()) backward.push(hex(cursor.key))
    expect(backward).toEqual([...sorted].reverse())
    expect(keys.map((key) => mem.get(key)?.value).map((v) => v && hex(v))).toEqual(keys.map(hex))
  })

  it('orders keys longer than 4 KiB bytewise, including ones that differ only past 4 KiB', () => {
    const long = (length: number, last: number) => {
      const key = new Uint8Array(length).fill(0xfe)
      key[length - 1] = last
      return key
    }
    const keys = [long(9000, 2), long(4097, 1), long(9000, 1), long(4096, 0xff), long(8193, 0)]
    const mem = new Memtable(1)
    for (const [i, key] of keys.entries()) mem.put(key, key, i + 1)
    expect(scan(mem.cursor()).map((e) => hex(e.key))).toEqual([...keys].sort(compareKeys).map(hex))
    for (const key of keys) expect(mem.get(key)?.value).toEqual(key)
    expect(mem.get(long(9000, 3))).toBeUndefined()
  })

  it('entries yields the view of a snapshot in key order', () => {
    const mem = new Memtable(1)
    mem.put(utf8('b'), utf8('b1'), 1)
    mem.put(utf8('a'), utf8('a2'), 2)
    mem.put(utf8('b'), utf8('b3'), 3)
    expect([...mem.entries(2)].map(show)).toEqual([
      show({ key: utf8('a'), value: utf8('a2') }),
      show({ key: utf8('b'), value: utf8('b1') }),
    ])
  })

  it('applyEncoded adds each entry of an encoded batch at consecutive seqs, as puts would', () => {
    const op = fc.record({
      key: keyArb,
      value: fc.option(fc.uint8Array({ minLength: 1, maxLength: 4 }), { nil: undefined }),
    })
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 8 }), { maxLength: 20 }), (batches) => {
        const encoded = new Memtable(1)
        const byPut = new Memtable(1)
        let seq = 0
        let putSeq = 0
        for (const batch of batches) {
          // Inside a larger buffer, as the engine's batches are: offsets must count from its start.
          const bytes = encodeBatch(batch)
          const inside = new Uint8Array(bytes.length + 7)
          inside.set(bytes, 7)
          seq = encoded.applyEncoded(inside.subarray(7), seq)
          for (const { key, value } of batch) byPut.put(key, value, ++putSeq)
        }
        expect(seq).toBe(putSeq)
        expect(encoded.entryCount).toBe(byPut.entryCount)
        expect(encoded.keyCount).toBe(byPut.keyCount)
        expect(encoded.approximateBytes).toBe(byPut.approximateBytes)
        for (let at = 0; at <= seq; at++)
          expect(scan(encoded.cursor(at)).map(show)).toEqual(scan(byPut.cursor(at)).map(show))
      }),
    )
  })

  it('newest hands a table builder the newest version of every key, deletes and long keys included', () => {
    const mem = new Memtable(1)
    const long = (last: number) => Uint8Array.from({ length: 300 }, (_, i) => (i === 299 ? last : 0x6b))
    const keys = [utf8('b'), long(1), utf8('a'), utf8('c'), long(2)]
    let seq = 0
    for (const [i, key] of keys.entries()) mem.put(key, utf8(`v${i}`), ++seq)
    mem.put(utf8('a'), utf8('newer'), ++seq)
    mem.put(utf8('c'), undefined, ++seq)
    const fromCursor = new TableBuilder()
    for (const { key, value } of mem.entries()) fromCursor.add(key, value)
    const fromWalk = new TableBuilder()
    const walk = mem.newest()
    while (!walk.done) walk.addTo(fromWalk, 2)
    expect(fromWalk.finish().bytes).toEqual(fromCursor.finish().bytes)
  })
})
