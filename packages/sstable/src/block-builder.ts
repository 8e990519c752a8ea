/**
 * BlockBuilder: lays out the contents of a data, index or properties block. Keys are stored
 * as the suffix they do not share with the previous key; every `restartInterval` entries one is
 * stored whole (a restart point), so a reader can binary-search the restart points and decode
 * at most one run of entries.
 *
 * @module
 */
import type { EntryKind } from './format.js'
import { writeU32 } from './internal/bytes.js'

const EMPTY = new Uint8Array(0)

/** Builds one block's contents; reused from block to block through {@link BlockBuilder.reset}. */
export class BlockBuilder {
  readonly #restartInterval: number
  // The contents so far: #buffer[0 .. #length). Entries are written straight into it rather
  // than through a ByteWriter: one room check per entry instead of one per field (see
  // docs/guides/performance.md, "Sixth round").
  #buffer = new Uint8Array(4096 + 512)
  #length = 0
  #restarts: number[] = [0]
  #sinceRestart = 0
  #count = 0
  // The array #view last made a view of, and its memory.
  #viewed: Uint8Array = EMPTY
  #viewedBuffer: ArrayBufferLike = EMPTY.buffer
  #viewedOffset = 0

  /** REQUIRES: `restartInterval` is a positive integer. */
  constructor(restartInterval: number) {
    this.#restartInterval = restartInterval
  }

  /** True when no entry has been added since the last reset. */
  get empty(): boolean {
    return this.#count === 0
  }

  /** Size of the contents if the block were finished now. */
  get estimatedSize(): number {
    return this.#length + (this.#restarts.length + 1) * 4
  }

  /**
   * Appends an entry, copying its bytes; the key is `key[0, keyLength)`, the value
   * `value[start, end)`, the whole array by default. `prefix` is how many leading bytes `key` shares with the key added before it (to
   * this block or the block before): the caller has compared the two already, to check their
   * order. The entry stores only the rest of its key, except at a restart point, where it
   * stores it whole. REQUIRES: `key` sorts after the previous key; `prefix` is exact (0 always
   * does where every entry is a restart point); a tombstone comes with an empty value;
   * `0 <= start <= end <= value.length`.
   */
  add(
    key: Uint8Array,
    keyLength: number,
    prefix: number,
    kind: EntryKind,
    value: Uint8Array,
    start = 0,
    end = value.length,
  ): void {
    let shared = prefix
    if (this.#count === 0) shared = 0
    else if (this.#sinceRestart === this.#restartInterval) {
      this.#restarts.push(this.#length)
      this.#sinceRestart = 0
      shared = 0
    }
    const nonShared = keyLength - shared
    const valueLength = end - start
    // Three varints of at most three bytes each (key and value lengths are below 2^16), the
    // kind byte, then the bytes.
    this.#ensure(10 + nonShared + valueLength)
    const b = this.#buffer
    let at = writeVarint(b, this.#length, shared)
    at = writeVarint(b, at, nonShared)
    at = writeVarint(b, at, valueLength)
    b[at++] = kind
    for (let i = shared; i < keyLength; i++) b[at++] = key[i]!
    // A byte loop wins for short values; past a few dozen bytes, set() does, even with the
    // view it needs (100 bytes: about 90 ns against 170–210 by loop). The view is made by the
    // constructor, which skips the species lookup subarray() makes.
    if (valueLength > 32) b.set(this.#view(value, start, valueLength), at)
    else for (let i = start; i < end; i++) b[at + i - start] = value[i]!
    this.#length = at + valueLength
    this.#sinceRestart++
    this.#count++
  }

  /**
   * Appends the restart array and returns the finished contents: a view of the builder's own
   * memory, valid until the next {@link BlockBuilder.reset} (the table builder copies each block
   * into the table at once, so a copy here would be made only to be thrown away).
   */
  finish(): Uint8Array {
    const restarts = this.#restarts
    this.#ensure((restarts.length + 1) * 4)
    for (const restart of restarts) this.#u32(restart)
    this.#u32(restarts.length)
    return this.#buffer.subarray(0, this.#length)
  }

  /** Forgets every entry, ready for the next block. */
  reset(): void {
    this.#length = 0
    this.#restarts = [0]
    this.#sinceRestart = 0
    this.#count = 0
    // So that a finished block's builder holds no caller's memory.
    this.#viewed = EMPTY
    this.#viewedBuffer = EMPTY.buffer
  }

  // `value[start, start + length)` as a view of its own. A typed array's `buffer` and
  // `byteOffset` are calls into V8's runtime (about 50 ns the pair, as much as the copy), so
  // they are kept for the last array seen: a flush passes a few arrays, each holding thousands
  // of values.
  #view(value: Uint8Array, start: number, length: number): Uint8Array {
    if (value !== this.#viewed) {
      this.#viewed = value
      this.#viewedBuffer = value.buffer
      this.#viewedOffset = value.byteOffset
    }
    return new Uint8Array(this.#viewedBuffer, this.#viewedOffset + start, length)
  }

  #u32(value: number): void {
    writeU32(this.#buffer, this.#length, value)
    this.#length += 4
  }

  #ensure(extra: number): void {
    if (this.#length + extra <= this.#buffer.length) return
    const grown = new Uint8Array(Math.max(this.#length + extra, this.#buffer.length * 2))
    grown.set(this.#buffer.subarray(0, this.#length))
    this.#buffer = grown
  }
}

// Writes `value` (a non-negative integer below 2^32) as a varint at `at`; returns the end.
function writeVarint(b: Uint8Array, at: number, value: number): number {
  let pos = at
  let v = value
  while (v >= 0x80) {
    b[pos++] = (v & 0x7f) | 0x80
    v >>>= 7
  }
  b[pos++] = v
  return pos
}
