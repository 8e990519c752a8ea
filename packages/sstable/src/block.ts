/**
 * Parsing a block's contents and walking its entries in both directions.
 *
 * A parsed {@link Block} has had its restart array checked, nothing more: entries are decoded
 * lazily, one restart run (at most `restartInterval` entries) at a time, so a point lookup
 * decodes a handful of entries, and stepping backwards costs no more than stepping forwards.
 *
 * @module
 */

import { compareRanges } from './compare.js'
import { EntryKind, RESTART_SIZE } from './format.js'
import { ByteReader, readU32 } from './internal/bytes.js'
import { corruption, type Location } from './internal/corruption.js'
import { newEntryHead, readEntryHead } from './internal/entry-head.js'
import { copyOut } from './internal/slab.js'

/** A block's contents with a checked restart array. Its bytes never change, so the cache may share it. */
export class Block {
  /** Number of restart points (at least one). */
  readonly restartCount: number
  /** Where the restart array begins: entries occupy `data[0 .. entriesEnd)`. */
  readonly entriesEnd: number
  /**
   * Block cursors positioned in this block. A {@link BlockCache} recycles the memory of an
   * evicted block only when none is, since a cursor reads values from the block lazily.
   */
  pins = 0
  /** Point lookups' table of the restart points, made by the second; see restart-table.ts. */
  restartTable: Float64Array | undefined = undefined
  // Scratch for restart-key comparisons. Safe to share: each use is synchronous and complete.
  readonly #reader: ByteReader
  #restartKeyLength = 0

  /**
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when the restart array is out of bounds, not
   *   increasing, or does not start at 0.
   */
  constructor(
    readonly data: Uint8Array,
    readonly at: Location,
  ) {
    if (data.length < RESTART_SIZE) throw corruption(at, 'block too short for its restart count')
    const count = readU32(data, data.length - RESTART_SIZE)
    if (count < 1 || (count + 1) * RESTART_SIZE >= data.length) {
      throw corruption(at, `bad restart count ${count}`)
    }
    this.restartCount = count
    this.entriesEnd = data.length - (count + 1) * RESTART_SIZE
    let previous = -1
    for (let i = 0; i < count; i++) {
      const restart = this.restart(i)
      if (restart <= previous || restart >= this.entriesEnd || (i === 0 && restart !== 0)) {
        throw corruption(at, `bad restart point ${restart}`)
      }
      previous = restart
    }
    this.#reader = new ByteReader(data, at, 0, this.entriesEnd)
  }

  /** Offset of restart point `i`. */
  restart(i: number): number {
    return readU32(this.data, this.entriesEnd + i * RESTART_SIZE)
  }

  /**
   * The last restart point whose key sorts below `target` (0 when none does): the first key at
   * least `target` is in its run or starts the next one. A binary search over the restarts.
   */
  lastRestartBelow(target: Uint8Array): number {
    let lo = 0
    let hi = this.restartCount - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.compareRestartKey(mid, target) < 0) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** {@link compareKeys} of the whole key stored at restart point `i` and `target`. */
  compareRestartKey(i: number, target: Uint8Array): number {
    const start = this.#restartKeyStart(i)
    return compareRanges(this.data, start, this.#restartKeyLength, target, 0, target.length)
  }

  /** The whole key stored at restart point `i`, as a view of the block's bytes. */
  restartKey(i: number): Uint8Array {
    const start = this.#restartKeyStart(i)
    return this.data.subarray(start, start + this.#restartKeyLength)
  }

  // Where restart point i's key starts; its length is left in #restartKeyLength, which saves
  // an allocation on the cursors' seeks.
  #restartKeyStart(i: number): number {
    const r = this.#reader
    r.pos = this.restart(i)
    r.end = this.entriesEnd
    if (r.varint32() !== 0) throw corruption(this.at, 'restart entry shares a prefix')
    const unshared = r.varint32()
    r.varint32()
    r.u8()
    this.#restartKeyLength = unshared
    return r.skip(unshared)
  }
}

// Key arenas of released block cursors, for the next ones: a fresh 256-byte array costs a few
// µs, and a cursor that moves from table to table (a seek over a level) makes one per table.
const spareArenas: Uint8Array[] = []
const MAX_SPARE_ARENAS = 64

/**
 * A position in a {@link Block}. Moving off either end makes the cursor invalid; `next` and
 * `prev` on an invalid cursor leave it invalid.
 */
export class BlockCursor {
  #block: Block
  #reader: ByteReader
  #run = -1
  // The decoded run: whole keys back to back in #arena, and where each entry's parts lie.
  #arena = spareArenas.pop() ?? new Uint8Array(256)
  // The arena's memory, which it views whole: `buffer` is a call into V8's runtime, too slow
  // to make per key (see keyView).
  #arenaBuffer = this.#arena.buffer
  readonly #keyAt: number[] = []
  readonly #keyLength: number[] = []
  // Offset of each value in the block, or -1 for a tombstone.
  readonly #valueAt: number[] = []
  readonly #valueLength: number[] = []
  #count = 0
  #i = 0
  #valid = false
  readonly #head = newEntryHead()
  #released = false

  constructor(block: Block) {
    this.#block = block
    block.pins++
    this.#reader = new ByteReader(block.data, block.at)
  }

  /**
   * Unpins the block and gives the key arena up for another cursor. The cursor must not be
   * used again; its owner drops it.
   */
  release(): void {
    if (this.#released) return
    this.#released = true
    this.#block.pins--
    this.#valid = false
    this.#run = -1
    if (spareArenas.length < MAX_SPARE_ARENAS) spareArenas.push(this.#arena)
    this.#arena = new Uint8Array(0)
    this.#arenaBuffer = this.#arena.buffer
  }

  /** Moves the cursor to another block, unpositioned, keeping its buffers for reuse. */
  reset(block: Block): void {
    this.#block.pins--
    block.pins++
    this.#block = block
    this.#reader = new ByteReader(block.data, block.at)
    this.#run = -1
    this.#valid = false
  }

  get valid(): boolean {
    return this.#valid
  }

  /** REQUIRES: valid. A fresh copy of the key. */
  get key(): Uint8Array {
    const at = this.#keyAt[this.#i]!
    return copyOut(this.#arena, at, this.#keyLength[this.#i]!)
  }

  /** REQUIRES: valid. A fresh copy of the value, or `undefined` for a tombstone. */
  get value(): Uint8Array | undefined {
    const at = this.#valueAt[this.#i]!
    return at < 0 ? undefined : copyOut(this.#block.data, at, this.#valueLength[this.#i]!)
  }

  /** REQUIRES: valid. The current key as a view of the cursor's own memory, valid until it moves. */
  get keyView(): Uint8Array {
    return new Uint8Array(this.#arenaBuffer, this.#keyAt[this.#i]!, this.#keyLength[this.#i]!)
  }

  /** REQUIRES: valid. {@link compareKeys} of the current key and `target`, without a copy. */
  compareKey(target: Uint8Array): number {
    return compareRanges(
      this.#arena,
      this.#keyAt[this.#i]!,
      this.#keyLength[this.#i]!,
      target,
      0,
      target.length,
    )
  }

  seekToFirst(): void {
    this.#decodeRun(0)
    this.#i = 0
    this.#valid = true
  }

  seekToLast(): void {
    this.#decodeRun(this.#block.restartCount - 1)
    this.#i = this.#count - 1
    this.#valid = true
  }

  /** Moves to the first entry whose key is at least `target`, or becomes invalid. */
  seek(target: Uint8Array): void {
    // The entry sought is in this run, or is the first of the next run.
    this.#decodeRun(this.#block.lastRestartBelow(target))
    this.#valid = true
    for (this.#i = 0; this.#i < this.#count; this.#i++) {
      if (this.compareKey(target) >= 0) return
    }
    this.#i = this.#count - 1
    this.next()
  }

  next(): void {
    if (!this.#valid) return
    if (++this.#i < this.#count) return
    if (this.#run + 1 < this.#block.restartCount) {
      this.#decodeRun(this.#run + 1)
      this.#i = 0
      this.#valid = true
    } else {
      this.#valid = false
    }
  }

  prev(): void {
    if (!this.#valid) return
    if (--this.#i >= 0) return
    if (this.#run > 0) {
      this.#decodeRun(this.#run - 1)
      this.#i = this.#count - 1
      this.#valid = true
    } else {
      this.#valid = false
    }
  }

  #decodeRun(run: number): void {
    if (run === this.#run) return
    const block = this.#block
    const data = block.data
    const r = this.#reader
    r.pos = block.restart(run)
    r.end = run + 1 < block.restartCount ? block.restart(run + 1) : block.entriesEnd
    // Mark the run undecoded until it is whole, so a corrupt run is never half-used.
    this.#run = -1
    this.#valid = false
    let n = 0
    let used = 0
    let previousAt = 0
    let previousLength = 0
    const head = this.#head
    while (r.pos < r.end) {
      readEntryHead(r, previousLength, head)
      const { shared, unshared, length, kind, deltaAt, valueAt } = head
      const keyLength = shared + unshared
      if (used + keyLength > this.#arena.length) this.#grow(used + keyLength)
      const arena = this.#arena
      // Byte loops: keys are short, and a view per copy would cost more than the copy.
      for (let j = 0; j < shared; j++) arena[used + j] = arena[previousAt + j]!
      for (let j = 0; j < unshared; j++) arena[used + shared + j] = data[deltaAt + j]!
      // The keys share `shared` bytes, so their order is their suffixes' order.
      if (
        n > 0 &&
        compareRanges(arena, previousAt + shared, previousLength - shared, data, deltaAt, unshared) >= 0
      ) {
        throw corruption(block.at, 'keys out of order')
      }
      this.#keyAt[n] = used
      this.#keyLength[n] = keyLength
      this.#valueAt[n] = kind === EntryKind.TOMBSTONE ? -1 : valueAt
      this.#valueLength[n] = length
      previousAt = used
      previousLength = keyLength
      used += keyLength
      n++
    }
    this.#count = n
    this.#run = run
  }

  #grow(needed: number): void {
    const arena = new Uint8Array(Math.max(needed, this.#arena.length * 2))
    arena.set(this.#arena)
    this.#arena = arena
    this.#arenaBuffer = arena.buffer
  }
}
