/**
 * TableCursor: a synchronous, bidirectional position in a table, in the manner of LevelDB's
 * two-level iterator: the index chooses a data block, a block cursor walks within it, and
 * stepping off a block's end moves to the neighbouring block.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { type Block, BlockCursor } from './block.js'

/**
 * One entry of a table. The arrays are copies, the caller's to keep and modify. Short ones are
 * carved out of shared 8 KiB buffers, as Node's `Buffer` pool does, so do not transfer or
 * detach their `buffer`.
 */
export interface TableEntry {
  /** The entry's key. */
  readonly key: Uint8Array
  /** The entry's value, or `undefined` when the entry is a tombstone. */
  readonly value: Uint8Array | undefined
}

/**
 * Bounds of {@link TableCursor.entries}. Each bound is optional (`undefined` means absent);
 * `gte` wins over `gt` and `lte` over `lt` when both are given.
 */
export interface TableRangeOptions {
  /** Only keys strictly after this one. */
  readonly gt?: Uint8Array | undefined
  /** Only keys at or after this one. */
  readonly gte?: Uint8Array | undefined
  /** Only keys strictly before this one. */
  readonly lt?: Uint8Array | undefined
  /** Only keys at or before this one. */
  readonly lte?: Uint8Array | undefined
  /** Yield in descending key order. Default false. */
  readonly reverse?: boolean | undefined
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array))
    throw new LsmError(ErrorCode.INVALID_KEY, 'sstable: a key must be a Uint8Array')
}

/** Options of {@link TableReader.cursor}. */
export interface TableCursorOptions {
  /**
   * Keep the blocks the cursor reads in the reader's cache. Default `true`. A one-pass scan
   * whose blocks will not be read again soon (a compaction, a backup) passes `false`, as with
   * LevelDB's `fill_cache`, so that it does not push hot blocks out; it still uses blocks
   * that are cached already, and reads the others into two buffers of its own, in turn.
   */
  readonly fillCache?: boolean | undefined
}

/** @internal What a cursor needs of its table; supplied by {@link TableReader}. */
export interface TableBlocks {
  /** Number of data blocks (at least one). */
  readonly count: number
  /** The first data block that can hold a key at least `key`, or `count` when none can. */
  find(key: Uint8Array): number
  /** Bytes a read of data block `i` takes: its contents and trailer. */
  readLength(i: number): number
  /**
   * Data block `i`, checked and parsed, from the cache when there is one. On a miss, with
   * `into` (at least {@link TableBlocks.readLength} bytes), the block is read into it, where
   * the file system allows, and not cached.
   */
  load(i: number, into?: Uint8Array): Block
  /** @throws {@link @lsmkit/fs!LsmError} `LEVEL_CLOSED` once the reader is closed. */
  checkOpen(): void
  /** True once the reader is closed. */
  readonly closed: boolean
}

/**
 * A position in a table, from {@link TableReader.cursor}. It starts unpositioned (not
 * {@link TableCursor.valid}); a seek positions it, and moving off either end makes it invalid
 * again. `next` and `prev` on an invalid cursor leave it invalid.
 *
 * Every method reads synchronously, so a cursor serves an async iterator without a thread-pool
 * round trip per block. A cursor holds no resources: drop it when done. Damage met on the way
 * throws `LEVEL_CORRUPTION` and leaves the cursor invalid.
 *
 * @example
 * ```ts
 * const cursor = reader.cursor()
 * for (cursor.seek(utf8('b')); cursor.valid; cursor.next()) {
 *   console.log(cursor.key, cursor.value) // value undefined: a tombstone
 * }
 * ```
 */
export class TableCursor {
  readonly #blocks: TableBlocks
  readonly #fillCache: boolean
  // The block the cursor is in, or -1 when unpositioned.
  #index = -1
  #cursor: BlockCursor | undefined
  // Without filling the cache: the memory the current block lies in, when it is the cursor's
  // own, and a spare to read the next block into. Only this cursor ever holds either.
  #held: Uint8Array | undefined
  #spare: Uint8Array | undefined

  /** @internal Cursors come from {@link TableReader.cursor}. */
  constructor(blocks: TableBlocks, options: TableCursorOptions = {}) {
    this.#blocks = blocks
    this.#fillCache = options.fillCache ?? true
  }

  /** True when positioned on an entry; false before the first seek, off either end, or after the reader closed. */
  get valid(): boolean {
    return !this.#blocks.closed && this.#index >= 0 && this.#cursor!.valid
  }

  /**
   * A copy of the current key, the caller's to keep (see {@link TableEntry}).
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_NOT_SUPPORTED` when not {@link TableCursor.valid};
   *   `LEVEL_CLOSED` after the reader closed.
   */
  get key(): Uint8Array {
    return this.#current().key
  }

  /**
   * A copy of the current value, or `undefined` when the entry is a tombstone.
   *
   * @throws {@link @lsmkit/fs!LsmError} as {@link TableCursor.key} does.
   */
  get value(): Uint8Array | undefined {
    return this.#current().value
  }

  /**
   * The current key as a view of the cursor's own memory, not a copy: valid only until the
   * cursor next moves, and not to be modified. For a caller that compares keys on every step
   * and keeps few of them (a merge).
   *
   * @throws {@link @lsmkit/fs!LsmError} as {@link TableCursor.key} does.
   */
  get keyView(): Uint8Array {
    return this.#current().keyView
  }

  /**
   * Moves to the first entry.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when a block it reads is damaged (the cursor is
   *   then invalid); `LEVEL_CLOSED` after the reader closed. Every move below throws these too.
   */
  seekToFirst(): void {
    this.#enter(0)?.seekToFirst()
    this.#skipForward()
  }

  /**
   * Unpositions the cursor and lets go of the block it is in, whose memory the block cache
   * can then reuse once it evicts the block (while a cursor is in a block, that memory is
   * kept for it). Call it when a cursor is done, or idle for long; a later seek positions it
   * again. Releasing twice is harmless.
   */
  release(): void {
    this.#cursor?.release()
    this.#cursor = undefined
    this.#index = -1
    this.#spare ??= this.#held
    this.#held = undefined
  }

  /** Moves to the last entry. */
  seekToLast(): void {
    this.#enter(this.#blocks.count - 1)?.seekToLast()
    this.#skipBackward()
  }

  /**
   * Moves to the first entry whose key is at least `key`; invalid when there is none.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_KEY` when `key` is not a Uint8Array.
   */
  seek(key: Uint8Array): void {
    checkKey(key)
    this.#enter(this.#blocks.find(key))?.seek(key)
    this.#skipForward()
  }

  /**
   * Moves to the last entry whose key is at most `key`; invalid when there is none.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_KEY` when `key` is not a Uint8Array.
   */
  seekForPrev(key: Uint8Array): void {
    this.seek(key)
    if (!this.valid) this.seekToLast()
    else if (this.#compare(key) > 0) this.prev()
  }

  /** Moves to the next entry; invalid past the last. */
  next(): void {
    this.#blocks.checkOpen()
    if (!this.valid) return
    this.#cursor?.next()
    this.#skipForward()
  }

  /** Moves to the previous entry; invalid before the first. */
  prev(): void {
    this.#blocks.checkOpen()
    if (!this.valid) return
    this.#cursor?.prev()
    this.#skipBackward()
  }

  /**
   * Yields copies of the entries within `options`' bounds, in ascending key order, or
   * descending with `reverse`. Moves this cursor as it goes: do not move it while iterating.
   *
   * @throws {@link @lsmkit/fs!LsmError} as the moves do, from the generator's `next()`;
   *   `LEVEL_INVALID_KEY` when a bound is given that is not a Uint8Array.
   */
  *entries(options: TableRangeOptions = {}): Generator<TableEntry, void, undefined> {
    for (const bound of [options.gt, options.gte, options.lt, options.lte])
      if (bound !== undefined) checkKey(bound)
    const lower = options.gte ?? options.gt
    const lowerOpen = options.gte === undefined && options.gt !== undefined
    const upper = options.lte ?? options.lt
    const upperOpen = options.lte === undefined && options.lt !== undefined
    const reverse = options.reverse === true
    // Position at the first bound, stepping past it when it is exclusive and present.
    if (reverse) {
      if (upper === undefined) this.seekToLast()
      else {
        this.seekForPrev(upper)
        if (upperOpen && this.valid && this.#compare(upper) === 0) this.prev()
      }
    } else if (lower === undefined) this.seekToFirst()
    else {
      this.seek(lower)
      if (lowerOpen && this.valid && this.#compare(lower) === 0) this.next()
    }
    while (this.valid) {
      if (reverse) {
        const c = lower === undefined ? 1 : this.#compare(lower)
        if (c < 0 || (c === 0 && lowerOpen)) return
      } else {
        const c = upper === undefined ? -1 : this.#compare(upper)
        if (c > 0 || (c === 0 && upperOpen)) return
      }
      yield { key: this.key, value: this.value }
      if (reverse) this.prev()
      else this.next()
    }
  }

  #compare(key: Uint8Array): number {
    return this.#current().compareKey(key)
  }

  #current(): BlockCursor {
    this.#blocks.checkOpen()
    const cursor = this.#cursor
    if (this.#index < 0 || cursor === undefined || !cursor.valid) {
      throw new LsmError(ErrorCode.NOT_SUPPORTED, 'sstable: the cursor is not positioned on an entry')
    }
    return cursor
  }

  // Positions on data block `i`, or unpositions when there is none. The old position is
  // dropped first, so a block that fails to load leaves the cursor invalid.
  #enter(i: number): BlockCursor | undefined {
    this.#blocks.checkOpen()
    if (i === this.#index && i >= 0) return this.#cursor
    this.#index = -1
    if (i < 0 || i >= this.#blocks.count) return undefined
    const block = this.#fillCache ? this.#blocks.load(i) : this.#loadOwn(i)
    // One block cursor for the table cursor's life: entering a block reuses its buffers.
    const cursor = this.#cursor ?? new BlockCursor(block)
    cursor.reset(block)
    this.#cursor = cursor
    this.#index = i
    return cursor
  }

  // Reads block `i` into the cursor's spare memory, unless the cache has it. The block being
  // left is then free: values and keys are copied out, so only the block cursor referred to
  // it, and that moves on right after.
  #loadOwn(i: number): Block {
    const need = this.#blocks.readLength(i)
    let memory = this.#spare
    this.#spare = undefined
    // Room for the blocks after this one, which overrun the block size by an entry or so.
    if (memory === undefined || memory.length < need)
      memory = new Uint8Array(Math.ceil((need + 512) / 1024) * 1024)
    const block = this.#blocks.load(i, memory)
    const left = this.#held
    if (block.data.buffer === memory.buffer) {
      this.#held = memory
      this.#spare = left
    } else {
      this.#held = undefined
      this.#spare = left ?? memory
    }
    return block
  }

  #skipForward(): void {
    while (this.#index >= 0 && !this.#cursor!.valid && this.#index + 1 < this.#blocks.count) {
      this.#enter(this.#index + 1)?.seekToFirst()
    }
  }

  #skipBackward(): void {
    while (this.#index > 0 && !this.#cursor!.valid) {
      this.#enter(this.#index - 1)?.seekToLast()
    }
  }
}
