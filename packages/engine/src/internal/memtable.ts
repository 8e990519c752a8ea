/**
 * Memtable: the engine's in-memory write buffer, an ordered map from key to its versions, in
 * the manner of LevelDB's `MemTable`. Every version carries the sequence number of the write
 * that made it, so a reader at an older snapshot still sees what was there then.
 *
 * Where LevelDB keeps a skip list, keys live in a {@link KeyIndex}, a linked list in key order
 * that cursors walk (forwards and backwards in O(1) a step), searched through sorted leaf
 * arrays; nodes are never removed, so a cursor's node stays valid however the index grows. But
 * only a key above every key held (as an in-order load writes them) joins the index at once,
 * at its end. Any other new key waits, and is put in order only when something needs the
 * order:
 * - a cursor links the keys waiting into the index;
 * - a flush with keys waiting hands every key over as written, and the build thread sorts them
 *   (flush-job.ts, key-order.ts).
 * A key written out of order is also in a hash table ({@link KeyTable}), where writes and
 * gets find it, linked or not; a key appended in order is found through the index, behind a
 * bloom filter of those keys (memtable-filter.ts).
 *
 * Why: inserting a random key into the index searched about fifteen keys scattered over the
 * heap, about 1.3 µs of a random put on this project's machine, on the writer's thread, which
 * single awaited writes wait for. The hash table finds a key in about one probe, and a radix
 * sort of a flush's keys on the build thread takes about 5 ms for 31,000 of them (see
 * `docs/guides/performance.md`, "Eleventh round" and "Fifteenth round").
 *
 * @module
 */
import { ENTRY_HEADER_SIZE } from '@lsmkit/log'
import { compareKeys, keyTextOf, type TableBuilderOptions } from '@lsmkit/sstable'
import type { Cursor } from './cursor.js'
import { type FlushJob, packFlush } from './flush-job.js'
import { KeyIndex } from './key-index.js'
import { KeyTable, keyHash } from './key-table.js'
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
  // A key above every key held (an in-order load's) goes straight to the end of the index, which
  // costs one comparison, and into #appended. Any other new key goes into #table, and waits in
  // #pending until a read needs the order. So every key is in #table or #appended, and in
  // #index or #pending.
  readonly #table = new KeyTable()
  readonly #appended = new MemtableFilter()
  #pending: number[] = []
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
   * O(1) expected for a key above every key held or written again, and for a new key among
   * keys written in random order (it waits for its order); O(log n) at most.
   */
  put(key: Uint8Array, value: Uint8Array | undefined, seq: number): void {
    const text = keyText(key)
    const hash = keyHash(key, 0, key.length)
    if (value === undefined) this.#insert(text, hash, seq, null, 0, 0, key.length, false)
    else this.#insert(text, hash, seq, value.buffer, value.byteOffset, value.length, key.length, false)
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
      const hash = keyHash(batch, keyAt, valueAt)
      if (valueLength === 0) this.#insert(text, hash, ++seq, null, 0, 0, keyLength, false)
      else this.#insert(text, hash, ++seq, buffer, base + valueAt, valueLength, keyLength, true)
      pos = valueAt + valueLength
    }
    return seq
  }

  #insert(
    text: string,
    hash: number,
    seq: number,
    buffer: ArrayBufferLike | null,
    at: number,
    length: number,
    keyLength: number,
    keyBefore: boolean,
  ): void {
    this.#bytes += keyLength + length + MEMTABLE_ENTRY_OVERHEAD
    this.#entries++
    this.#maxSeq = seq
    if (this.#index.isAboveLast(text)) {
      // Above every key linked, and so above every key waiting too: those are all below a key
      // appended before them.
      this.#index.append(this.#nodes.add(text, seq, buffer, at, length, keyBefore), text)
      this.#appended.add(hash)
      this.#keys++
      return
    }
    const found = this.#find(text, hash)
    if (found !== NONE) {
      this.#nodes.setNewest(found, seq, buffer, at, length, keyBefore)
      return
    }
    const node = this.#nodes.add(text, seq, buffer, at, length, keyBefore)
    this.#table.add(hash, node)
    this.#pending.push(node)
    this.#keys++
  }

  // The node of `text`, or NONE. The index is searched only for a key the filter of appended
  // keys may hold: a search reads about fifteen key strings, cold in a large heap.
  #find(text: string, hash: number): number {
    const node = this.#table.find(hash, text, this.#nodes.texts)
    if (node !== NONE || !this.#appended.mayContain(hash)) return node
    return this.#index.find(text)
  }

  // Links every pending node into the index, in key order.
  #link(): void {
    const pending = this.#pending
    if (pending.length === 0) return
    const texts = this.#nodes.texts
    pending.sort((a, b) => (texts[a]! < texts[b]! ? -1 : 1))
    for (const node of pending) this.#index.insert(node, texts[node]!)
    this.#pending = []
  }

  /**
   * The newest version of `key` with seq ≤ `snapshot`: `{ value }`, where `value` is
   * `undefined` when that version is a delete (the key is gone: look no further), or
   * `undefined` when this memtable holds no such version (look in older sources). The result
   * for a delete is a shared frozen object. O(1) expected. `text` is `keyText(key)`, for
   * a caller that has it already.
   */
  get(
    key: Uint8Array,
    snapshot = Infinity,
    text = keyText(key),
  ): { readonly value: Uint8Array | undefined } | undefined {
    const node = this.#find(text, keyHash(key, 0, key.length))
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

  /** The smallest key held, at any seq; `undefined` when empty. Orders new keys, as {@link Memtable.cursor} does. */
  get smallestKey(): Uint8Array | undefined {
    this.#link()
    const first = this.#index.first
    return first === NONE ? undefined : this.#nodes.key(first)
  }

  /** The largest key held, at any seq; `undefined` when empty. Orders new keys, as {@link Memtable.cursor} does. */
  get largestKey(): Uint8Array | undefined {
    this.#link()
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
   * it was made, whatever `snapshot` says. Making it puts the keys written since the last
   * ordered read in order, O(k log n) for k of them; each key is ordered once. Seeks are
   * O(log n); next and prev O(1) plus the hidden nodes they skip.
   */
  cursor(snapshot = Infinity): Cursor {
    this.#link()
    return new MemtableCursor(this.#index, Math.min(snapshot, this.#maxSeq))
  }

  /**
   * The newest version of every key, in key order, handed to a table builder a slice at a
   * time without an object per entry: what a flush writes. Later puts must not be made while
   * it is in use (a frozen memtable takes none).
   */
  newest(): NewestEntries {
    this.#link()
    return new NewestEntries(this.#nodes, this.#index.first)
  }

  /**
   * What {@link Memtable.newest} walks, packed for a builder of `options` on another thread
   * (see flush-job.ts): in key order, or, when nothing has needed the order yet, as written,
   * for the builder to sort. Later puts must not be made while the job is in use.
   */
  packNewest(options: TableBuilderOptions): FlushJob {
    // With keys waiting for their order, they all go as written, and the build thread sorts them.
    if (this.#pending.length > 0) return packFlush(this.#nodes, this.#keys, options, undefined, false)
    return packFlush(this.#nodes, this.#keys, options, this.#index.first, true)
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
