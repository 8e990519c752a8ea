/**
 * TableBuilder: lays out a sorted string table in memory. Pure and synchronous, it does no
 * I/O: {@link writeTable} makes the bytes durable, and tests and tools can build tables
 * without a file system.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { BlockBuilder } from './block-builder.js'
import { BloomFilterBuilder } from './bloom.js'
import { shortSeparator } from './compare.js'
import { encodeFooter } from './footer.js'
import {
  BLOCK_TRAILER_SIZE,
  BlockType,
  DEFAULT_BITS_PER_KEY,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_RESTART_INTERVAL,
  EntryKind,
  FOOTER_SIZE,
  MAX_KEY_LENGTH,
  MAX_VALUE_LENGTH,
  TABLE_FORMAT_VERSION,
} from './format.js'
import { encodeBlockHandle } from './index-block.js'
import { ChunkedWriter } from './internal/chunked-writer.js'
import { KeyBuffer } from './internal/key-buffer.js'
import { encodeTrailer } from './internal/trailer.js'
import { encodeProperties } from './properties.js'

/** Options of {@link TableBuilder}. Every one is a layout choice; readers need none of them. */
export interface TableBuilderOptions {
  /**
   * Target size in bytes of a data block's contents: a block is closed once it reaches this
   * size, so blocks overshoot it by at most one entry. An integer from 1 to 2^28. Default 4096.
   */
  readonly blockSize?: number | undefined
  /**
   * Entries between restart points in data blocks: fewer means faster seeks within a block,
   * more means better prefix compression. An integer from 1 to 65,535. Default 16.
   */
  readonly restartInterval?: number | undefined
  /**
   * Bloom filter bits per key: 10 gives about 1% false positives, each further bit roughly
   * divides that by 1.6. An integer from 1 to 64. Default 10.
   */
  readonly bitsPerKey?: number | undefined
}

/** What a finished table holds, for the caller's manifest. The keys are the caller's to keep. */
export interface TableMeta {
  /** The first key of the table. */
  readonly smallestKey: Uint8Array
  /** The last key of the table. */
  readonly largestKey: Uint8Array
  /** Number of entries, tombstones included. */
  readonly entryCount: number
  /** Number of tombstones. */
  readonly tombstoneCount: number
  /** Size of the table in bytes: the file size once written. */
  readonly size: number
}

const EMPTY = new Uint8Array(0)

// Set by TableBuilder's static block, the one place that can reach its private #append.
let append: typeof appendEntry

/**
 * For this package's merge (table-merger.ts), not exported from it: adds `key[0 .. keyLength)`
 * with the value `value[start .. end)` (ignored for a tombstone) to `builder`, checking only
 * that the key sorts after the builder's last. A merge reads its entries from tables whose
 * blocks were checked, and keeps each key in a reused buffer, so it needs neither the checks
 * nor the views that {@link TableBuilder.add} would take.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_KEY` when the key does not sort strictly
 *   after the previous key.
 */
export function appendEntry(
  builder: TableBuilder,
  key: Uint8Array,
  keyLength: number,
  value: Uint8Array,
  start: number,
  end: number,
  tombstone: boolean,
): void {
  append(builder, key, keyLength, value, start, end, tombstone)
}

function checkOption(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new LsmError(
      ErrorCode.INVALID_OPTION,
      `sstable: ${name} must be an integer from 1 to ${max}, got ${String(value)}`,
    )
  }
  return value
}

/**
 * Builds a table from entries added in strictly increasing key order.
 *
 * Not safe for concurrent use; one builder makes one table.
 *
 * @example
 * ```ts
 * const builder = new TableBuilder({ blockSize: 4096 })
 * builder.add(utf8('apple'), utf8('red'))
 * builder.add(utf8('banana'), undefined) // a tombstone
 * const { bytes, meta } = builder.finish()
 * await writeTable('/db/000007.sst', bytes, { fs })
 * ```
 */
export class TableBuilder {
  static {
    append = (builder, key, keyLength, value, start, end, tombstone) =>
      builder.#append(key, keyLength, value, start, end, tombstone)
  }

  /** The target size of a data block's contents. */
  readonly blockSize: number
  /** Entries between restart points in data blocks. */
  readonly restartInterval: number
  /** Bloom filter bits per key. */
  readonly bitsPerKey: number
  readonly #out = new ChunkedWriter()
  readonly #block: BlockBuilder
  // Restart interval 1: every index entry is whole, so a lookup binary-searches all of them.
  readonly #index = new BlockBuilder(1)
  readonly #filter: BloomFilterBuilder
  #smallestKey: Uint8Array | undefined
  readonly #lastKey = new KeyBuffer()
  // The index entry of a finished block waits for the next key, so its separator can be short.
  #pending: { offset: number; size: number } | undefined
  #entryCount = 0
  #tombstoneCount = 0
  #finished = false

  /** @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` for an option out of range. */
  constructor(options: TableBuilderOptions = {}) {
    this.blockSize = checkOption('blockSize', options.blockSize, DEFAULT_BLOCK_SIZE, 2 ** 28)
    this.restartInterval = checkOption(
      'restartInterval',
      options.restartInterval,
      DEFAULT_RESTART_INTERVAL,
      0xffff,
    )
    this.bitsPerKey = checkOption('bitsPerKey', options.bitsPerKey, DEFAULT_BITS_PER_KEY, 64)
    this.#block = new BlockBuilder(this.restartInterval)
    this.#filter = new BloomFilterBuilder(this.bitsPerKey)
  }

  /** Number of entries added so far, tombstones included. */
  get entryCount(): number {
    return this.#entryCount
  }

  /**
   * About how many bytes {@link TableBuilder.finish} would return now. Callers use it to cut
   * tables at a target size; it is an estimate, exact only after `finish`.
   */
  get estimatedSize(): number {
    const last = this.#lastKey.length
    const properties = 64 + (this.#smallestKey?.length ?? 0) + last
    return (
      this.#out.length +
      (this.#block.empty ? 0 : this.#block.estimatedSize + BLOCK_TRAILER_SIZE) +
      this.#index.estimatedSize +
      (last + 24) +
      this.#filter.estimatedSize +
      properties +
      3 * BLOCK_TRAILER_SIZE +
      FOOTER_SIZE
    )
  }

  /**
   * Adds an entry: `value` is the key's value, or `undefined` for a tombstone. The bytes are
   * copied, so the caller may reuse its arrays. With `start` and `end`, the value is
   * `value[start, end)`, as if `value.subarray(start, end)` had been passed: a caller holding
   * many values in one buffer (a memtable being flushed) need not make a view per entry.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_KEY` when `key` is not a Uint8Array, is longer
   *   than 65,535 bytes, or does not sort strictly after the previous key;
   *   `LEVEL_INVALID_VALUE` when `value` is neither a Uint8Array nor undefined, or is longer
   *   than 65,535 bytes; `LEVEL_CLOSED` after {@link TableBuilder.finish}. Nothing is added
   *   when it throws.
   */
  add(key: Uint8Array, value: Uint8Array | undefined, start = 0, end = value?.length ?? 0): void {
    this.#checkOpen()
    if (!(key instanceof Uint8Array) || key.length > MAX_KEY_LENGTH) {
      throw new LsmError(
        ErrorCode.INVALID_KEY,
        `sstable: a key must be a Uint8Array of at most ${MAX_KEY_LENGTH} bytes`,
      )
    }
    if (
      value !== undefined &&
      (!(value instanceof Uint8Array) ||
        !Number.isInteger(start) ||
        !Number.isInteger(end) ||
        start < 0 ||
        end < start ||
        end > value.length ||
        end - start > MAX_VALUE_LENGTH)
    ) {
      throw new LsmError(
        ErrorCode.INVALID_VALUE,
        `sstable: a value must be a Uint8Array of at most ${MAX_VALUE_LENGTH} bytes (or a range of one), or undefined`,
      )
    }
    if (value === undefined) this.#append(key, key.length, EMPTY, 0, 0, true)
    else this.#append(key, key.length, value, start, end, false)
  }

  // Adds `key[0 .. keyLength)` with the value `value[start .. end)`, or a tombstone, after
  // checking only its order: what add does once it has checked its arguments, and what a
  // merge does with entries read from checked tables (see appendEntry).
  #append(
    key: Uint8Array,
    keyLength: number,
    value: Uint8Array,
    start: number,
    end: number,
    tombstone: boolean,
  ): void {
    const last = this.#lastKey
    // One pass finds the prefix shared with the last key, which decides both the order and
    // what the block stores of the key.
    const lastBytes = last.buffer
    const lastLength = last.length
    const n = Math.min(lastLength, keyLength)
    let shared = 0
    while (shared < n && lastBytes[shared] === key[shared]) shared++
    const after =
      shared < n ? lastBytes[shared]! < key[shared]! : shared === lastLength && keyLength > lastLength
    if (this.#entryCount > 0 && !after) {
      throw new LsmError(ErrorCode.INVALID_KEY, 'sstable: keys must be added in strictly increasing order')
    }
    if (this.#pending !== undefined) {
      this.#addIndexEntry(shortSeparator(lastBytes.subarray(0, lastLength), key.subarray(0, keyLength)))
    }
    this.#filter.add(key, keyLength)
    this.#block.add(
      key,
      keyLength,
      shared,
      tombstone ? EntryKind.TOMBSTONE : EntryKind.PUT,
      value,
      start,
      end,
    )
    this.#smallestKey ??= key.slice(0, keyLength)
    last.set(key, keyLength)
    this.#entryCount++
    if (tombstone) this.#tombstoneCount++
    if (this.#block.estimatedSize >= this.blockSize) this.#flushBlock()
  }

  /**
   * Ends the table and returns its bytes with what the caller's manifest needs to know.
   *
   * An empty table is refused rather than written: it would have no smallest or largest key
   * to file it under. The builder stays open when that happens.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` when no entry was added; `LEVEL_CLOSED`
   *   when already finished.
   */
  finish(): { bytes: Uint8Array; meta: TableMeta } {
    this.#checkOpen()
    const smallestKey = this.#smallestKey
    if (smallestKey === undefined) {
      throw new LsmError(ErrorCode.INVALID_OPTION, 'sstable: cannot finish a table with no entries')
    }
    this.#finished = true
    const largestKey = this.#lastKey.copy()
    if (!this.#block.empty) this.#flushBlock()
    this.#addIndexEntry(largestKey)
    const filter = this.#writeBlock(this.#filter.finish(), BlockType.FILTER)
    const properties = this.#writeBlock(
      encodeProperties({
        formatVersion: TABLE_FORMAT_VERSION,
        entryCount: this.#entryCount,
        tombstoneCount: this.#tombstoneCount,
        smallestKey,
        largestKey,
      }),
      BlockType.PROPERTIES,
    )
    const index = this.#writeBlock(this.#index.finish(), BlockType.INDEX)
    this.#out.bytes(encodeFooter({ filter, properties, index, version: TABLE_FORMAT_VERSION }))
    const bytes = this.#out.concat()
    return {
      bytes,
      meta: {
        smallestKey: smallestKey.slice(),
        largestKey,
        entryCount: this.#entryCount,
        tombstoneCount: this.#tombstoneCount,
        size: bytes.length,
      },
    }
  }

  #checkOpen(): void {
    if (this.#finished) throw new LsmError(ErrorCode.CLOSED, 'sstable: the builder is finished')
  }

  #flushBlock(): void {
    this.#pending = this.#writeBlock(this.#block.finish(), BlockType.DATA)
    this.#block.reset()
  }

  #addIndexEntry(separator: Uint8Array): void {
    const pending = this.#pending!
    this.#index.add(
      separator,
      separator.length,
      0,
      EntryKind.PUT,
      encodeBlockHandle(pending.offset, pending.size),
    )
    this.#pending = undefined
  }

  #writeBlock(contents: Uint8Array, type: BlockType): { offset: number; size: number } {
    const offset = this.#out.length
    this.#out.bytes(contents)
    this.#out.bytes(encodeTrailer(contents, type, TABLE_FORMAT_VERSION))
    return { offset, size: contents.length }
  }
}
