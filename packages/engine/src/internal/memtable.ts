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
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { compareKeys } from '@lsmkit/sstable'
import type { Cursor } from './cursor.js'

/**
 * Bytes counted per version in {@link Memtable.approximateBytes} on top of its key and value,
 * for its bookkeeping (node, links, version record), so a memtable of many tiny entries still
 * fills up. A budget figure, like LevelDB's, not a measurement: V8's real cost per new key is
 * nearer 100 bytes, so the heap holds somewhat more than `approximateBytes` says.
 */
export const MEMTABLE_ENTRY_OVERHEAD = 32

// LevelDB's constants: with p = 1/4, 12 levels index 4^12 (16M) keys well.
const MAX_HEIGHT = 12
const SEED = 0xdeadbeef

// One version of a key: the write's seq and its value (`undefined`: a delete).
type Version = { readonly seq: number; readonly value: Uint8Array | undefined }

// The newest version lives in the node itself and only older ones in `older` (oldest first,
// newest last), so the common key written once costs two objects (node, `next`), not four.
class Node {
  readonly key: Uint8Array
  readonly prefix: number
  readonly next: (Node | null)[]
  prev: Node | null
  seq: number
  value: Uint8Array | undefined
  older: Version[] | null

  constructor(key: Uint8Array, height: number, seq: number, value: Uint8Array | undefined) {
    this.key = key
    this.prefix = prefixOf(key)
    // Filled by push, not `new Array(n)`, so V8 keeps the array packed.
    const next: (Node | null)[] = []
    for (let i = 0; i < height; i++) next.push(null)
    this.next = next
    this.prev = null
    this.seq = seq
    this.value = value
    this.older = null
  }
}

// A key's first 30 bits (missing bytes read as 0), kept in each node: it orders most pairs of
// keys without reading the key's bytes, which live two objects away and so cost two more cache
// misses per search step. 30 bits stay a small integer, which V8 keeps in the node instead of
// boxing. Unequal prefixes order as their keys do; equal ones need the full compare.
function prefixOf(key: Uint8Array): number {
  return (byteAt(key, 0) << 22) | (byteAt(key, 1) << 14) | (byteAt(key, 2) << 6) | (byteAt(key, 3) >>> 2)
}

function byteAt(key: Uint8Array, i: number): number {
  return i < key.length ? key[i]! : 0
}

// The value of `node`'s newest version with seq ≤ snapshot: `undefined` for a tombstone,
// `null` when every version is newer than the snapshot.
function visibleValue(node: Node, snapshot: number): Uint8Array | undefined | null {
  if (node.seq <= snapshot) return node.value
  const older = node.older
  if (older === null) return null
  for (let i = older.length - 1; i >= 0; i--) {
    const version = older[i]!
    if (version.seq <= snapshot) return version.value
  }
  return null
}

// The list proper, apart from the Memtable so its cursors can search it without a back door.
class SkipList {
  // A sentinel before every key; its key is never compared.
  readonly head = new Node(new Uint8Array(0), MAX_HEIGHT, -1, undefined)
  tail: Node | null = null
  height = 1

  // The last node with key < `key` (≤ with `inclusive`), or the head when none is. When
  // `splice` is given, it receives that node on every level: what an insert links after.
  findBefore(key: Uint8Array, inclusive: boolean, splice: Node[] | null): Node {
    const limit = inclusive ? 1 : 0
    const prefix = prefixOf(key)
    let x = this.head
    let level = this.height - 1
    // The node the level above stopped before: meeting it again needs no second compare.
    let known: Node | null = null
    for (;;) {
      const next = x.next[level] as Node | null
      if (next !== null && next !== known) {
        let c = next.prefix - prefix
        if (c === 0) c = compareKeys(next.key, key)
        if (c < limit) {
          x = next
          continue
        }
      }
      if (splice !== null) splice[level] = x
      if (level === 0) return x
      known = next
      level--
    }
  }

  // The first node with key ≥ `key`, or null.
  findGreaterOrEqual(key: Uint8Array, splice: Node[] | null): Node | null {
    return this.findBefore(key, false, splice).next[0] as Node | null
  }
}

const DELETED: { readonly value: Uint8Array | undefined } = Object.freeze({ value: undefined })

/**
 * An ordered in-memory map from key to versions, the engine's write buffer. Keys order
 * bytewise ({@link compareKeys}). Single-threaded like all of JavaScript: a cursor may stay
 * open across later writes, which it does not see.
 *
 * Ownership: the memtable keeps the `key` and `value` arrays it is given, without copying;
 * the caller must not modify them afterwards. Arrays it hands out are its own: do not modify.
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
    const splice = this.#splice
    const found = list.findGreaterOrEqual(key, splice)
    this.#bytes += key.length + (value === undefined ? 0 : value.length) + MEMTABLE_ENTRY_OVERHEAD
    this.#entries++
    this.#maxSeq = seq
    if (found !== null && compareKeys(found.key, key) === 0) {
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
    const node = new Node(key, height, seq, value)
    for (let i = 0; i < height; i++) {
      const before = splice[i]!
      node.next[i] = before.next[i] as Node | null
      before.next[i] = node
    }
    const before = splice[0]!
    node.prev = before === list.head ? null : before
    if (found === null) list.tail = node
    else found.prev = node
    this.#keys++
  }

  /**
   * The newest version of `key` with seq ≤ `snapshot`: `{ value }`, where `value` is
   * `undefined` when that version is a delete (the key is gone: look no further), or
   * `undefined` when this memtable holds no such version (look in older sources). The result
   * for a delete is a shared frozen object. O(log n) expected.
   */
  get(key: Uint8Array, snapshot = Infinity): { readonly value: Uint8Array | undefined } | undefined {
    const node = this.#list.findGreaterOrEqual(key, null)
    if (node === null || compareKeys(node.key, key) !== 0) return undefined
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

// A position in a skip list at a fixed snapshot. Nodes with no version in the snapshot (keys
// first written later) are stepped over, so later inserts next to the position stay hidden.
class MemtableCursor implements Cursor {
  readonly #list: SkipList
  readonly #snapshot: number
  #node: Node | null = null
  #value: Uint8Array | undefined = undefined

  constructor(list: SkipList, snapshot: number) {
    this.#list = list
    this.#snapshot = snapshot
  }

  get valid(): boolean {
    return this.#node !== null
  }

  get key(): Uint8Array {
    const node = this.#node
    if (node === null) throw notPositioned()
    return node.key
  }

  get value(): Uint8Array | undefined {
    if (this.#node === null) throw notPositioned()
    return this.#value
  }

  seekToFirst(): void {
    this.#settle(this.#list.head.next[0] as Node | null, true)
  }

  seekToLast(): void {
    this.#settle(this.#list.tail, false)
  }

  seek(key: Uint8Array): void {
    this.#settle(this.#list.findGreaterOrEqual(key, null), true)
  }

  seekForPrev(key: Uint8Array): void {
    const node = this.#list.findBefore(key, true, null)
    this.#settle(node === this.#list.head ? null : node, false)
  }

  next(): void {
    const node = this.#node
    if (node !== null) this.#settle(node.next[0] as Node | null, true)
  }

  prev(): void {
    const node = this.#node
    if (node !== null) this.#settle(node.prev, false)
  }

  // Stops on the first node from `from` on, in the direction given, with a version in the
  // snapshot; unpositions when there is none.
  #settle(from: Node | null, forward: boolean): void {
    let node = from
    while (node !== null) {
      const value = visibleValue(node, this.#snapshot)
      if (value !== null) {
        this.#node = node
        this.#value = value
        return
      }
      node = forward ? (node.next[0] as Node | null) : node.prev
    }
    this.#node = null
    this.#value = undefined
  }
}

function notPositioned(): LsmError {
  return new LsmError(ErrorCode.NOT_SUPPORTED, 'engine: the cursor is not positioned on an entry')
}
