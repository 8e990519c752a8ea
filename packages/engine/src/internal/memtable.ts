/**
 * Memtable: the engine's in-memory write buffer, an ordered map from key to its versions, in
 * the manner of LevelDB's `MemTable` over a skip list. Every version carries the sequence
 * number of the write that made it, so a reader at an older snapshot still sees what was
 * there then.
 *
 * The skip list is LevelDB's: up to 12 levels, each node promoted with probability 1/4, from a
 * deterministic seeded generator so a run can be reproduced. The bottom level is also linked
 * backwards, so a cursor steps back in O(1) instead of searching again. Nodes are never
 * removed, so a cursor's node stays reachable however the list grows.
 *
 * @module
 */
import { compareKeys } from '@lsmkit/sstable'
import type { Cursor } from './cursor.js'
import { MemtableCursor } from './memtable-cursor.js'
import { keyText, MAX_HEIGHT, Node, SEED, SkipList, type Version, visibleValue } from './skip-list.js'

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
  readonly #list = new SkipList()
  // Reused by every put: the insert's predecessors, one per level.
  readonly #splice: Node[]
  #rng = SEED
  #bytes = 0
  #entries = 0
  #keys = 0
  #maxSeq = 0

  /** An empty memtable numbered `id`. */
  constructor(id: number) {
    this.id = id
    const splice: Node[] = []
    for (let i = 0; i < MAX_HEIGHT; i++) splice.push(this.#list.head)
    this.#splice = splice
  }

  /**
   * Adds a version of `key`: `value`, or a tombstone when `value` is `undefined`.
   * REQUIRES: `seq` is greater than every seq put before (the engine's sequence numbers).
   * O(log n) expected.
   */
  put(key: Uint8Array, value: Uint8Array | undefined, seq: number): void {
    const list = this.#list
    const tail = list.tail
    const text = keyText(key)
    // Keys written in order (a bulk load, sequential ids) go after the tail: no search.
    const appending = tail !== null && tail.text < text
    const splice = appending ? list.lastOnLevel : this.#splice
    const found = appending ? null : list.findGreaterOrEqual(text, splice)
    this.#bytes += key.length + (value === undefined ? 0 : value.length) + MEMTABLE_ENTRY_OVERHEAD
    this.#entries++
    this.#maxSeq = seq
    if (found !== null && found.text === text) {
      const version: Version = { seq: found.seq, value: found.value }
      if (found.older === null) found.older = [version]
      else found.older.push(version)
      found.seq = seq
      found.value = value
      return
    }
    const height = this.#randomHeight()
    // No splice fix-up for a taller node: the search writes only levels below the list's
    // height, and above it the splice still holds the head from the constructor.
    if (height > list.height) list.height = height
    const node = new Node(text, height, seq, value)
    // Read before the links change: when appending, `splice` is `lastOnLevel`, rewritten below.
    const previous = splice[0]!
    node.prev = previous === list.head ? null : previous
    const last = list.lastOnLevel
    for (let i = 0; i < height; i++) {
      const before = splice[i]!
      const after = before.next[i] as Node | null
      node.next[i] = after
      before.next[i] = node
      if (after === null) last[i] = node
    }
    if (found === null) list.tail = node
    else found.prev = node
    this.#keys++
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
    const node = this.#list.findGreaterOrEqual(text, null)
    if (node === null || node.text !== text) return undefined
    const value = visibleValue(node, snapshot)
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
    return (this.#list.head.next[0] as Node | null)?.key
  }

  /** The largest key held, at any seq; `undefined` when empty. O(1). */
  get largestKey(): Uint8Array | undefined {
    return this.#list.tail?.key
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
    return new MemtableCursor(this.#list, Math.min(snapshot, this.#maxSeq))
  }

  /**
   * Yields the entries a {@link Memtable.cursor} at `snapshot` shows, in key order: for flush
   * and tests. The arrays are the memtable's own.
   */
  *entries(snapshot = Infinity): Generator<{ key: Uint8Array; value: Uint8Array | undefined }, void> {
    const cursor = this.cursor(snapshot)
    for (cursor.seekToFirst(); cursor.valid; cursor.next()) yield { key: cursor.key, value: cursor.value }
  }

  // xorshift32: fixed seed, so the same writes build the same list, run after run.
  #randomHeight(): number {
    let height = 1
    while (height < MAX_HEIGHT) {
      let x = this.#rng
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      this.#rng = x
      // The high bits: xorshift's low bits are its weakest.
      if (x >>> 30 !== 0) break
      height++
    }
    return height
  }
}
