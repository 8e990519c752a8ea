import { ErrorCode } from '@lsmkit/fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Memtable } from '../src/internal/memtable.js'
import { MergeCursor } from '../src/internal/merge-cursor.js'
import {
  ArrayCursor,
  applyOp,
  type CursorOp,
  cursorOpArb,
  type Entry,
  EVERY_OP,
  entriesArb,
  expectAt,
  expectModel,
  hex,
  scan,
  show,
  sortEntries,
  utf8,
} from './cursor-model.js'

// The model: per key, the entry of the first (newest) source that has it.
function merged(sources: readonly (readonly Entry[])[]): Entry[] {
  const byKey = new Map<string, Entry>()
  for (const entries of sources) {
    for (const e of entries) if (!byKey.has(hex(e.key))) byKey.set(hex(e.key), e)
  }
  return sortEntries([...byKey.values()])
}

function mergeOf(sources: readonly (readonly Entry[])[]): MergeCursor {
  return new MergeCursor(sources.map((entries) => new ArrayCursor(entries)))
}

const e = (key: string, value: string | undefined): Entry => ({
  key: utf8(key),
  value: value === undefined ? undefined : utf8(value),
})

describe('MergeCursor', () => {
  it('matches a merge model under random seeks, steps and direction changes', () => {
    fc.assert(
      fc.property(
        fc.array(entriesArb(12), { maxLength: 5 }),
        fc.array(cursorOpArb, { maxLength: 60 }),
        (sources, ops) => expectModel(mergeOf(sources), merged(sources), ops),
      ),
      { numRuns: 500 },
    )
  })

  it('scans the same entries forwards and backwards', () => {
    fc.assert(
      fc.property(fc.array(entriesArb(12), { maxLength: 5 }), (sources) => {
        expect(scan(mergeOf(sources)).map(show)).toEqual(merged(sources).map(show))
      }),
    )
  })

  it('a key in several children shows the newest child’s entry', () => {
    const cursor = mergeOf([[e('k', 'new')], [e('k', 'mid')], [e('k', 'old')]])
    cursor.seek(utf8('k'))
    expect(hex(cursor.value!)).toBe(hex(utf8('new')))
    cursor.seekForPrev(utf8('k'))
    expect(hex(cursor.value!)).toBe(hex(utf8('new')))
  })

  it('skips the shadowed duplicates of older children in both directions', () => {
    const sources = [
      [e('b', 'B1'), e('c', 'C1')],
      [e('a', 'A2'), e('b', 'B2'), e('c', 'C2'), e('d', 'D2')],
      [e('b', 'B3'), e('d', 'D3')],
    ]
    const want = ['a=A2', 'b=B1', 'c=C1', 'd=D2']
    const text = (x: Entry) => `${new TextDecoder().decode(x.key)}=${new TextDecoder().decode(x.value)}`
    expect(scan(mergeOf(sources)).map(text)).toEqual(want)
  })

  it('turning around between next and prev visits the neighbouring keys', () => {
    const sources = [
      [e('b', 'newer'), e('d', 'newer')],
      [e('a', 'older'), e('b', 'older'), e('c', 'older'), e('d', 'older'), e('e', 'older')],
    ]
    const cursor = mergeOf(sources)
    const steps: [CursorOp, Entry | undefined][] = [
      [{ op: 'seek', key: utf8('c') }, e('c', 'older')],
      [{ op: 'prev' }, e('b', 'newer')],
      [{ op: 'next' }, e('c', 'older')],
      [{ op: 'next' }, e('d', 'newer')],
      [{ op: 'prev' }, e('c', 'older')],
      [{ op: 'prev' }, e('b', 'newer')],
      [{ op: 'prev' }, e('a', 'older')],
      [{ op: 'next' }, e('b', 'newer')],
      [{ op: 'seekToLast' }, e('e', 'older')],
      [{ op: 'prev' }, e('d', 'newer')],
      [{ op: 'next' }, e('e', 'older')],
      [{ op: 'next' }, undefined],
    ]
    for (const [step, want] of steps) {
      applyOp(cursor, step)
      expectAt(cursor, want)
    }
  })

  it('presents a tombstone as an entry whose value is undefined, shadowing older values', () => {
    const cursor = mergeOf([[e('k', undefined)], [e('j', 'j'), e('k', 'old')]])
    cursor.seek(utf8('k'))
    expect(cursor.valid).toBe(true)
    expect(hex(cursor.key)).toBe(hex(utf8('k')))
    expect(cursor.value).toBeUndefined()
  })

  it('with no children is never valid', () => {
    const cursor = new MergeCursor([])
    for (const step of EVERY_OP) {
      applyOp(cursor, step)
      expect(cursor.valid).toBe(false)
    }
    expect(() => cursor.key).toThrow(expect.objectContaining({ code: ErrorCode.NOT_SUPPORTED }))
  })

  it('with only empty children is never valid', () => {
    const cursor = mergeOf([[], [], []])
    cursor.seekToFirst()
    expect(cursor.valid).toBe(false)
    cursor.seekToLast()
    expect(cursor.valid).toBe(false)
  })

  it('next and prev leave an unpositioned merge unpositioned', () => {
    const cursor = mergeOf([[e('a', '1')]])
    cursor.next()
    expect(cursor.valid).toBe(false)
    cursor.prev()
    expect(cursor.valid).toBe(false)
  })

  it('merges memtable cursors at a snapshot, hiding later writes', () => {
    const newer = new Memtable(2)
    const older = new Memtable(1)
    older.put(utf8('a'), utf8('a1'), 1)
    older.put(utf8('b'), utf8('b2'), 2)
    newer.put(utf8('b'), undefined, 3)
    newer.put(utf8('c'), utf8('c4'), 4)
    const cursor = new MergeCursor([newer.cursor(3), older.cursor(3)])
    newer.put(utf8('a'), utf8('a5'), 5)
    expect(scan(cursor).map(show)).toEqual([e('a', 'a1'), e('b', undefined)].map(show))
  })
})
