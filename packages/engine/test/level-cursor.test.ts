import { ErrorCode } from '@lsmkit/fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Cursor } from '../src/internal/cursor.js'
import { LevelCursor, type LevelFile } from '../src/internal/level-cursor.js'
import { Memtable } from '../src/internal/memtable.js'
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
  utf8,
} from './cursor-model.js'

// A table in memory, counting how often it is opened.
class FakeFile implements LevelFile {
  readonly smallestKey: Uint8Array
  readonly largestKey: Uint8Array
  opened = 0

  constructor(readonly entries: readonly Entry[]) {
    this.smallestKey = entries[0]!.key
    this.largestKey = entries[entries.length - 1]!.key
  }

  cursor(): Cursor {
    this.opened++
    return new ArrayCursor(this.entries)
  }
}

// Sorted entries cut at `cuts` (positions, any order, duplicates allowed) into non-empty files.
function split(entries: readonly Entry[], cuts: readonly number[]): FakeFile[] {
  if (entries.length === 0) return []
  const at = [...new Set(cuts.map((c) => c % entries.length).filter((c) => c > 0))].sort((a, b) => a - b)
  const bounds = [0, ...at, entries.length]
  const files: FakeFile[] = []
  for (let i = 0; i + 1 < bounds.length; i++)
    files.push(new FakeFile(entries.slice(bounds[i], bounds[i + 1])))
  return files
}

const e = (key: string, value: string | undefined): Entry => ({
  key: utf8(key),
  value: value === undefined ? undefined : utf8(value),
})

// Three files: [a c] [e g] [i k].
function threeFiles(): FakeFile[] {
  return [
    new FakeFile([e('a', '1'), e('c', '2')]),
    new FakeFile([e('e', '3'), e('g', '4')]),
    new FakeFile([e('i', '5'), e('k', '6')]),
  ]
}

describe('LevelCursor', () => {
  it('matches the concatenation of its files under random seeks, steps and direction changes', () => {
    fc.assert(
      fc.property(
        entriesArb(40),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(cursorOpArb, { maxLength: 60 }),
        (entries, cuts, ops) => expectModel(new LevelCursor(split(entries, cuts)), entries, ops),
      ),
      { numRuns: 500 },
    )
  })

  it('scans the same entries forwards and backwards', () => {
    fc.assert(
      fc.property(entriesArb(40), fc.array(fc.nat(), { maxLength: 8 }), (entries, cuts) => {
        expect(scan(new LevelCursor(split(entries, cuts))).map(show)).toEqual(entries.map(show))
      }),
    )
  })

  it('opens only the file a seek lands in', () => {
    const files = threeFiles()
    const cursor = new LevelCursor(files)
    expect(files.map((f) => f.opened)).toEqual([0, 0, 0])
    cursor.seek(utf8('f'))
    expectAt(cursor, e('g', '4'))
    expect(files.map((f) => f.opened)).toEqual([0, 1, 0])
    cursor.seekForPrev(utf8('f'))
    expectAt(cursor, e('e', '3'))
    expect(files.map((f) => f.opened)).toEqual([0, 1, 0])
  })

  it('a seek between two files lands on the next file’s first key', () => {
    const cursor = new LevelCursor(threeFiles())
    cursor.seek(utf8('d'))
    expectAt(cursor, e('e', '3'))
  })

  it('a seekForPrev between two files lands on the previous file’s last key', () => {
    const cursor = new LevelCursor(threeFiles())
    cursor.seekForPrev(utf8('h'))
    expectAt(cursor, e('g', '4'))
  })

  it('seeks outside the level’s range leave it invalid', () => {
    const cursor = new LevelCursor(threeFiles())
    cursor.seek(utf8('l'))
    expect(cursor.valid).toBe(false)
    cursor.seekForPrev(utf8('0'))
    expect(cursor.valid).toBe(false)
  })

  it('steps across file boundaries in both directions', () => {
    const files = threeFiles()
    const cursor = new LevelCursor(files)
    const steps: [CursorOp, Entry | undefined][] = [
      [{ op: 'seek', key: utf8('c') }, e('c', '2')],
      [{ op: 'next' }, e('e', '3')],
      [{ op: 'prev' }, e('c', '2')],
      [{ op: 'next' }, e('e', '3')],
      [{ op: 'next' }, e('g', '4')],
      [{ op: 'next' }, e('i', '5')],
      [{ op: 'next' }, e('k', '6')],
      [{ op: 'next' }, undefined],
    ]
    for (const [step, want] of steps) {
      applyOp(cursor, step)
      expectAt(cursor, want)
    }
  })

  it('shows a tombstone as an entry whose value is undefined', () => {
    const cursor = new LevelCursor([new FakeFile([e('a', undefined)]), new FakeFile([e('b', 'x')])])
    cursor.seekToFirst()
    expect(hex(cursor.key)).toBe(hex(utf8('a')))
    expect(cursor.value).toBeUndefined()
  })

  it('an empty level is never valid', () => {
    const cursor = new LevelCursor([])
    for (const step of EVERY_OP) {
      applyOp(cursor, step)
      expect(cursor.valid).toBe(false)
    }
    expect(() => cursor.key).toThrow(expect.objectContaining({ code: ErrorCode.NOT_SUPPORTED }))
  })

  it('reads memtables as files', () => {
    const first = new Memtable(1)
    const second = new Memtable(2)
    first.put(utf8('a'), utf8('1'), 1)
    first.put(utf8('b'), undefined, 2)
    second.put(utf8('c'), utf8('3'), 3)
    const asFile = (mem: Memtable): LevelFile => ({
      smallestKey: mem.smallestKey!,
      largestKey: mem.largestKey!,
      cursor: () => mem.cursor(),
    })
    const cursor = new LevelCursor([asFile(first), asFile(second)])
    expect(scan(cursor).map(show)).toEqual([e('a', '1'), e('b', undefined), e('c', '3')].map(show))
  })
})
