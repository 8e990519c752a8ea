/**
 * Test helpers for cursors: a cursor over a sorted array (the fake source), the cursor
 * operations as fast-check data, and the model a cursor must match: a position in a sorted
 * array of entries.
 */
import { compareKeys } from '@lsmkit/sstable'
import fc from 'fast-check'
import { expect } from 'vitest'
import type { Cursor } from '../src/internal/cursor.js'

/** An entry as a cursor shows it. */
export interface Entry {
  readonly key: Uint8Array
  readonly value: Uint8Array | undefined
}

/** A cursor over `entries`, which must be sorted by key with no duplicates. */
export class ArrayCursor implements Cursor {
  readonly #entries: readonly Entry[]
  #pos = -1
  #scratch = new Uint8Array(16)

  constructor(entries: readonly Entry[]) {
    this.#entries = entries
  }

  get valid(): boolean {
    return this.#pos >= 0 && this.#pos < this.#entries.length
  }

  get key(): Uint8Array {
    return this.#at().key
  }

  get value(): Uint8Array | undefined {
    return this.#at().value
  }

  // Like a table cursor's, the view lies in memory the cursor reuses: a caller that read it
  // before the cursor last moved would see another key's bytes.
  get keyView(): Uint8Array {
    const key = this.#at().key
    if (this.#scratch.length < key.length) this.#scratch = new Uint8Array(key.length * 2)
    this.#scratch.fill(0)
    this.#scratch.set(key)
    return this.#scratch.subarray(0, key.length)
  }

  seekToFirst(): void {
    this.#pos = 0
  }

  release(): void {
    this.#pos = -1
  }

  seekToLast(): void {
    this.#pos = this.#entries.length - 1
  }

  seek(key: Uint8Array): void {
    this.#pos = this.#entries.findIndex((e) => compareKeys(e.key, key) >= 0)
  }

  seekForPrev(key: Uint8Array): void {
    this.#pos = this.#entries.findLastIndex((e) => compareKeys(e.key, key) <= 0)
  }

  next(): void {
    if (this.valid) this.#pos = this.#pos + 1 < this.#entries.length ? this.#pos + 1 : -1
  }

  prev(): void {
    if (this.valid) this.#pos--
  }

  #at(): Entry {
    const entry = this.#entries[this.#pos]
    if (entry === undefined) throw new Error('ArrayCursor: not positioned')
    return entry
  }
}

/** Short keys over a tiny alphabet, so sources share keys and seeks both hit and miss. */
export const keyArb = fc.uint8Array({ min: 0, max: 3, maxLength: 4 })

/** A value, or `undefined` (a tombstone) about one time in four. */
export const valueArb = fc.option(fc.uint8Array({ maxLength: 4 }), { nil: undefined, freq: 4 })

/** Entries with distinct keys, sorted: the contents of one source. */
export const entriesArb = (maxLength: number): fc.Arbitrary<Entry[]> =>
  fc
    .uniqueArray(fc.record({ key: keyArb, value: valueArb }), {
      maxLength,
      selector: (e) => hex(e.key),
    })
    .map(sortEntries)

/** One cursor operation. */
export type CursorOp =
  | { readonly op: 'seekToFirst' | 'seekToLast' | 'next' | 'prev' }
  | { readonly op: 'seek' | 'seekForPrev'; readonly key: Uint8Array }

/** Any cursor operation, steps (and so direction changes) most often. */
export const cursorOpArb: fc.Arbitrary<CursorOp> = fc.oneof(
  { arbitrary: fc.constantFrom<CursorOp>({ op: 'next' }, { op: 'prev' }), weight: 4 },
  { arbitrary: fc.constantFrom<CursorOp>({ op: 'seekToFirst' }, { op: 'seekToLast' }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constantFrom('seek' as const, 'seekForPrev' as const), key: keyArb }),
    weight: 2,
  },
)

/** One of each cursor operation, the seeks to key 'a'. */
export const EVERY_OP: readonly CursorOp[] = [
  { op: 'seekToFirst' },
  { op: 'seekToLast' },
  { op: 'seek', key: Uint8Array.of(0x61) },
  { op: 'seekForPrev', key: Uint8Array.of(0x61) },
  { op: 'next' },
  { op: 'prev' },
]

/** Performs `step` on `cursor`. */
export function applyOp(cursor: Cursor, step: CursorOp): void {
  if (step.op === 'seek') cursor.seek(step.key)
  else if (step.op === 'seekForPrev') cursor.seekForPrev(step.key)
  else cursor[step.op]()
}

/** The model's position after `step`: an index into `entries`, or -1 when invalid. */
export function modelStep(entries: readonly Entry[], pos: number, step: CursorOp): number {
  const n = entries.length
  switch (step.op) {
    case 'seekToFirst':
      return n > 0 ? 0 : -1
    case 'seekToLast':
      return n - 1
    case 'next':
      return pos < 0 || pos + 1 >= n ? -1 : pos + 1
    case 'prev':
      return pos < 0 ? -1 : pos - 1
    case 'seek':
      return entries.findIndex((e) => compareKeys(e.key, step.key) >= 0)
    case 'seekForPrev':
      return entries.findLastIndex((e) => compareKeys(e.key, step.key) <= 0)
  }
}

/** Runs `ops` on `cursor` and on the model over `entries`, checking they agree after each. */
export function expectModel(cursor: Cursor, entries: readonly Entry[], ops: readonly CursorOp[]): void {
  let pos = -1
  expect(cursor.valid).toBe(false)
  for (const step of ops) {
    applyOp(cursor, step)
    pos = modelStep(entries, pos, step)
    expectAt(cursor, entries[pos])
  }
}

/** Checks that `cursor` is on `entry`, or invalid when `entry` is `undefined`. */
export function expectAt(cursor: Cursor, entry: Entry | undefined): void {
  if (entry === undefined) {
    expect(cursor.valid).toBe(false)
    return
  }
  expect(cursor.valid).toBe(true)
  expect(hex(cursor.key)).toBe(hex(entry.key))
  const value = cursor.value
  expect(value === undefined ? undefined : hex(value)).toBe(
    entry.value === undefined ? undefined : hex(entry.value),
  )
}

/** Every entry from first to last, then from last to first, reversed back: both must agree. */
export function scan(cursor: Cursor): Entry[] {
  const forward: Entry[] = []
  for (cursor.seekToFirst(); cursor.valid; cursor.next())
    forward.push({ key: cursor.key, value: cursor.value })
  const backward: Entry[] = []
  for (cursor.seekToLast(); cursor.valid; cursor.prev())
    backward.push({ key: cursor.key, value: cursor.value })
  expect(backward.reverse().map(show)).toEqual(forward.map(show))
  return forward
}

/** An entry as text, for readable comparisons: `key=value`, `key=∅` for a tombstone. */
export function show(e: Entry): string {
  return `${hex(e.key)}=${e.value === undefined ? '∅' : hex(e.value)}`
}

/** Sorts entries by key, in place, and returns them. */
export function sortEntries<T extends Entry>(entries: T[]): T[] {
  return entries.sort((a, b) => compareKeys(a.key, b.key))
}

/** A key's bytes in hex: distinct keys, distinct strings. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s)
}
