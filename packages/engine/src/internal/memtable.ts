/**
 * Memtable: the engine's in-memory write buffer, an ordered map from key to its versions, in
 * the manner of LevelDB's `MemTable`. Every version carries the sequence number of the write
 * that made it, so a reader at an older snapshot still sees what was there then.
 *
 * Where LevelDB keeps a skip list, the keys live in a {@link KeyIndex}: a linked list in key
 * order that cursors walk (forwards and backwards in O(1) a step), searched through sorted
 * leaf arrays. Nodes are never removed, so a cursor's node stays valid however the index grows.
 *
 * @module
 */
import { ENTRY_HEADER_SIZE } from '@lsmkit/log'
import { compareKeys, keyTextOf, type TableBuilderOptions } from '@lsmkit/sstable'
import type { Cursor } from './cursor.js'
import { type FlushJob, packFlush } from './flush-job.js'
import { KeyIndex } from './key-index.js'
import { MemtableCursor } from './memtable-cursor.js'
import { MemtableFilter } from './memtable-filter.js'
import { keyText, NONE, Nodes, visibleValue } from './memtable-node.js'
import { NewestEntries } from './newest-entries.js'

/**
 * Bytes counted per version in {@link Memtable.approximateBytes} on top of its key and value,
 * for its bookkeeping (node, links, version record), so a memtable of many tiny entries still
 * fills up. A budget figure, like LevelDB's, not a measurement: V8's real cost per new key is
 * nearer 100 bytes, so the heap holds somewhat more than `approximateBytes` says.
 */
export const MEMTABLE_ENTRY_OVERHEAD = 32

const DELETED: { readonly value: Uint8Array | undefined } = Object.freeze({ value: undefined })

/**
 * An ordered in-memory map from key to versions, the engine's write buffer. Keys order
 * bytewise ({@link compareKeys}). Single-threaded like all of JavaScript: a cursor may stay
 * open across later writes, which it does not see.
 *
 * Ownership: the memtable keeps the bytes of each `value` it is given, without copying; the
 * caller must not modify them afterwards. Keys it converts to strings, so a key array may be
 * reused at once. Values it hands out are views of its own bytes: do not modify.
 *
 * @example
 * ```ts
 * const mem = new Memtable(7)
 * mem.put(key, value, 1)
 * mem.put(key, undefined, 2) // a delete
 * mem.get(key)    // { value: undefined }: deleted, stop looking in older sources
 * mem.get(key, 1) // { value }: the snapshot at seq 1 still sees it
 * ```
 */
export class Memtable {
  /** The memtable's number, as the engine assigns it (its log file's number, say). */
  readonly id: number
  readonly #nodes = new Nodes()
  readonly #index = new KeyIndex(this.#nodes)
  readonly #filter = new MemtableFilter()
  #bytes = 0
  #entries = 0
  #keys = 0
  #maxSeq = 0

  /** An empty memtable numbered `id`. */
  constructor(id: number) {
    this.id = id
  }

  /**
   * Adds a version of `key`: `value`, or a tombstone when `value` is `undefined`.
   * REQUIRES: `seq` is greater than every seq put before (the engine's sequence numbers).
   * O(log n) expected.
   */
  put(key: Uint8Array, value: Uint8Array | undefined, seq: number): void {
    if (value === undefined) this.#insert(keyText(key), seq, null, 0, 0, key.length)
    else this.#insert(keyText(key), seq, value.buffer, value.byteOffset, value.length, key.length)
  }

  /**
   * Adds every entry of `batch`, a batch in the log's encoding (`key_len u16 | value_len u16 |
   * key | value`, value_len 0 for a delete), at seqs `seq + 1`, `seq + 2`, …; returns the last
   * seq used. The memtable keeps `batch`'s bytes without copying: the caller must not modify
   * them afterwards. REQUIRES: a well-formed batch (as the log checks it), and `seq + 1`
   * greater than every seq put before.
   */
  applyEncoded(batch: Uint8Array, seq: number): number {
    const buffer = batch.buffer
    const base = batch.byteOffset
    let pos = 0
    while (pos < batch.length) {
      const keyLength = batch[pos]! | (batch[pos + 1]! << 8)
      const valueLength = batch[pos + 2]! | (batch[pos + 3]! << 8)
      const keyAt = pos + ENTRY_HEADER_SIZE
      const valueAt = keyAt + keyLength
      const text = keyTextOf(batch, keyAt, valueAt)
      if (valueLength === 0) this.#insert(text, ++seq, null, 0, 0, keyLength)
      else this.#insert(text, ++seq, buffer, base + valueAt, valueLength, keyLength)
      pos = valueAt + valueLength
    }
    return seq
  }

  #insert(
    text: string,
    seq: number,
    buffer: ArrayBufferLike | null,
    at: number,
    length: number,
    keyLength: number,
  ): void {
    this.#bytes += keyLength + length + MEMTABLE_ENTRY_OVERHEAD
    this.#entries++
    this.#maxSeq = seq
    const found = this.#index.findOrInsert(text, seq, buffer, at, length)
    if (found === NONE) {
      this.#keys++
      this.#filter.add(text)
    } else this.#nodes.setNewest(found, seq, buffer, at, length)
  }

  /**
   * The newest version of `key` with seq ≤ `snapshot`: `{ value }`, where `value` is
   * `undefined` when that version is a delete (the key is gone: look no further), or
   * `undefined` when this memtable holds no such version (look in older sources). The result
   * for a delete is a shared frozen object. O(log n) expected. `text` is `keyText(key)`, for
   * a caller that has it already.
   */
  get(
    key: Uint8Array,
    snapshot = Infinity,
    text = keyText(key),
  ): { readonly value: Uint8Array | undefined } | undefined {
    if (!this.#filter.mayContain(text)) return undefined
    const node = this.#index.find(text)
    if (node === NONE) return undefined
    const value = visibleValue(this.#nodes, node, snapshot)
    if (value === null) return undefined
    return value === undefined ? DELETED : { value }
  }

  /**
   * The memory the memtable accounts for: per version, key length + value length +
   * {@link MEMTABLE_ENTRY_OVERHEAD}. The engine freezes the memtable once this passes its
   * `memtableSize`.
   */
  get approximateBytes(): number {
    return this.#bytes
  }

  /** Number of versions held, deletes included. */
  get entryCount(): number {
    return this.#entries
  }

  /** Number of distinct keys held. */
  get keyCount(): number {
    return this.#keys
  }

  /** The smallest key held, at any seq; `undefined` when empty. O(1). */
  get smallestKey(): Uint8Array | undefined {
    const first = this.#index.first
    return first === NONE ? undefined : this.#nodes.key(first)
  }

  /** The largest key held, at any seq; `undefined` when empty. O(1). */
  get largestKey(): Uint8Array | undefined {
    const last = this.#index.last
    return last === NONE ? undefined : this.#nodes.key(last)
  }

  /** The seq of the last put; 0 when empty. */
  get maxSeq(): number {
    return this.#maxSeq
  }

  /**
   * A cursor, unpositioned, over the keys with a version at seq ≤ `snapshot`, each showing its
   * newest such version (a delete as value `undefined`). It also never sees writes put after
   * it was made, whatever `snapshot` says. Seeks are O(log n) expected; next and prev O(1)
   * plus the hidden nodes they skip.
   */
  cursor(snapshot = Infinity): Cursor {
    return new MemtableCursor(this.#index, Math.min(snapshot, this.#maxSeq))
  }

  /**
   * The newest version of every key, in key order, handed to a table builder a slice at a
   * time without an object per entry: what a flush writes. Later puts must not be made while
   * it is in use (a frozen memtable takes none).
   */
  newest(): NewestEntries {
    return new NewestEntries(this.#nodes, this.#index.first)
  }

  /**
   * What {@link Memtable.newest} walks, packed for a builder of `options` on another thread
   * (see flush-job.ts). Later puts must not be made while the job is in use.
   */
  packNewest(options: TableBuilderOptions): FlushJob {
    return packFlush(this.#nodes, this.#index.first, this.#keys, options)
  }

  /**
   * Yields the entries a {@link Memtable.cursor} at `snapshot` shows, in key order: for tests
   * (flushes walk {@link Memtable.newest}, which makes no object per entry). The arrays are the
   * memtable's own.
   */
  *entries(snapshot = Infinity): Generator<{ key: Uint8Array; value: Uint8Array | undefined }, void> {
    const cursor = this.cursor(snapshot)
    for (cursor.seekToFirst(); cursor.valid; cursor.next()) yield { key: cursor.key, value: cursor.value }
  }
}
