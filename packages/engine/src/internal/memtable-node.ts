/**
 * A memtable's nodes: per key, its newest version, any older ones, and its links to the
 * neighbouring keys, which {@link KeyIndex} maintains. Nodes are numbered from 0 and kept as
 * columns of typed arrays indexed by that number, not as one object each.
 *
 * @module
 */
import { keyText } from '@lsmkit/sstable'

/** One version of a key: the write's sequence number and its value (`undefined`: a delete). */
export type Version = { readonly seq: number; readonly value: Uint8Array | undefined }

/** The number of no node: the end of a list, or a key not found. */
export const NONE = -1

const INITIAL_CAPACITY = 1024

// Why columns: every memtable entry outlives several young-generation collections, and each
// collection copies every object still alive. With a node object per key (its fields, links and
// value location), the batched random load's writer spent about 700 ms of 8 s in scavenges, most
// of them copying nodes. Columns are a handful of arrays, whatever the number of keys; what
// remains per key is its text, which searches compare natively (see key-index.ts), and two slots
// of its leaf. The newest version lives in the columns and only older ones, which few keys have,
// in objects beside them.
/** The nodes of one memtable. */
export class Nodes {
  /** Node → the key as a one-byte string (see {@link keyText}): what searches compare. */
  readonly texts: string[] = []
  /** Node → the node of the next key in order, or {@link NONE}. Replaced as it grows. */
  next = new Int32Array(INITIAL_CAPACITY)
  /** Node → the node of the previous key in order, or {@link NONE}. Replaced as it grows. */
  prev = new Int32Array(INITIAL_CAPACITY)
  /** Node → the seq of its newest version. Replaced as it grows. */
  seq = new Float64Array(INITIAL_CAPACITY)
  // The newest value's bytes: #buffers[#buffer[node]] from #at[node], #length[node] long; a
  // #buffer of NONE is a delete.
  #buffer = new Int32Array(INITIAL_CAPACITY)
  #at = new Int32Array(INITIAL_CAPACITY)
  #length = new Int32Array(INITIAL_CAPACITY)
  // 1 where the newest value's key lies just before it in its buffer (a write encoded as the
  // log encodes it): a flush then hands over where the key is instead of a copy of it.
  #keyBefore = new Uint8Array(INITIAL_CAPACITY)
  readonly #older = new Map<number, Version[]>()
  readonly #buffers: ArrayBufferLike[] = []
  readonly #bufferIds = new Map<ArrayBufferLike, number>()
  // Consecutive writes mostly lie in one buffer (a batch, a slab chunk): its number, cached.
  #lastBuffer: ArrayBufferLike | null = null
  #lastBufferId = NONE
  #count = 0

  /**
   * A new unlinked node for key `text` whose newest version, at `seq`, is `buffer[at .. at +
   * length)`, or a delete when `buffer` is null; returns its number. The node keeps the buffer,
   * not a copy of the bytes. `keyBefore` says the key's bytes lie just before the value's in
   * `buffer` (see {@link Nodes.keyBefore}).
   */
  add(
    text: string,
    seq: number,
    buffer: ArrayBufferLike | null,
    at: number,
    length: number,
    keyBefore: boolean,
  ): number {
    const node = this.#count
    if (node === this.next.length) this.#grow()
    this.#count = node + 1
    this.texts.push(text)
    this.next[node] = NONE
    this.prev[node] = NONE
    this.#set(node, seq, buffer, at, length, keyBefore)
    return node
  }

  /**
   * Makes `buffer[at .. at + length)` (a delete when `buffer` is null) the newest version of
   * `node`, at `seq`; `keyBefore` as for {@link Nodes.add}.
   */
  setNewest(
    node: number,
    seq: number,
    buffer: ArrayBufferLike | null,
    at: number,
    length: number,
    keyBefore: boolean,
  ): void {
    const older = this.#older.get(node)
    const version: Version = { seq: this.seq[node]!, value: this.value(node) }
    if (older === undefined) this.#older.set(node, [version])
    else older.push(version)
    this.#set(node, seq, buffer, at, length, keyBefore)
  }

  /** The key of `node`: a new array on each read. */
  key(node: number): Uint8Array {
    const key = new Uint8Array(this.texts[node]!.length)
    this.copyKey(node, key)
    return key
  }

  /**
   * Writes the key of `node` into `out` from offset `at` (default 0), which must have room for
   * it. Taking an offset spares a caller packing many keys a view per key.
   */
  copyKey(node: number, out: Uint8Array, at = 0): void {
    const text = this.texts[node]!
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i)
  }

  /** The newest value of `node` (`undefined` for a delete): a new view of the same bytes on each read. */
  value(node: number): Uint8Array | undefined {
    const buffer = this.#buffer[node]!
    return buffer === NONE
      ? undefined
      : new Uint8Array(this.#buffers[buffer]!, this.#at[node], this.#length[node])
  }

  /** The buffer holding the newest value's bytes of `node`; null for a delete. */
  valueBuffer(node: number): ArrayBufferLike | null {
    const buffer = this.#buffer[node]!
    return buffer === NONE ? null : this.#buffers[buffer]!
  }

  /** Where the newest value of `node` starts in its {@link Nodes.valueBuffer}. */
  valueAt(node: number): number {
    return this.#at[node]!
  }

  /**
   * True when the key of `node` lies in its {@link Nodes.valueBuffer} just before the newest
   * value, from `valueAt(node) - keyLength`; false for a delete.
   */
  keyBefore(node: number): boolean {
    return this.#keyBefore[node] === 1
  }

  /** The length of the newest value of `node`; 0 for a delete. */
  valueLength(node: number): number {
    return this.#length[node]!
  }

  /** The older versions of `node`, oldest first, or `undefined` when it has none. */
  olderOf(node: number): readonly Version[] | undefined {
    return this.#older.get(node)
  }

  #set(
    node: number,
    seq: number,
    buffer: ArrayBufferLike | null,
    at: number,
    length: number,
    keyBefore: boolean,
  ): void {
    this.seq[node] = seq
    if (buffer === null) {
      this.#buffer[node] = NONE
      this.#at[node] = 0
      this.#length[node] = 0
      this.#keyBefore[node] = 0
      return
    }
    this.#keyBefore[node] = keyBefore ? 1 : 0
    if (buffer !== this.#lastBuffer) {
      let id = this.#bufferIds.get(buffer)
      if (id === undefined) {
        id = this.#buffers.push(buffer) - 1
        this.#bufferIds.set(buffer, id)
      }
      this.#lastBuffer = buffer
      this.#lastBufferId = id
    }
    this.#buffer[node] = this.#lastBufferId
    this.#at[node] = at
    this.#length[node] = length
  }

  #grow(): void {
    const capacity = this.next.length * 2
    this.next = grown(this.next, new Int32Array(capacity))
    this.prev = grown(this.prev, new Int32Array(capacity))
    this.seq = grown(this.seq, new Float64Array(capacity))
    this.#buffer = grown(this.#buffer, new Int32Array(capacity))
    this.#at = grown(this.#at, new Int32Array(capacity))
    this.#length = grown(this.#length, new Int32Array(capacity))
    this.#keyBefore = grown(this.#keyBefore, new Uint8Array(capacity))
  }
}

function grown<T extends Int32Array | Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from)
  return to
}

// Searches compare keys as `keyText` strings, one character per byte (code = byte value): strings
// compare by code unit, so these order exactly as their keys do bytewise, a prefix first, and
// V8 compares one-byte strings natively, with the characters inside the string object rather
// than two objects away. Measured on this project's machine, 35,000 keys in random order:
// - 16-byte keys sharing their first nine bytes (padded numbers; `!sublevel!` prefixes are
//   alike): put 4.1 → 2.0 µs, get 5.3 → 2.7 µs, against comparing bytes after a 30-bit prefix
//   kept in each node (the previous design);
// - 16 random bytes, where that prefix decided nearly every step: put 1.8 → 2.5 µs, get
//   2.0 → 3.1 µs, the cost of converting each key (about 0.3 µs).
// Keys with shared prefixes are the common case in practice, so they win.
export { keyText }

/**
 * The value of the newest version of `node` with seq ≤ snapshot: `undefined` for a tombstone,
 * `null` when every version is newer than the snapshot.
 */
export function visibleValue(nodes: Nodes, node: number, snapshot: number): Uint8Array | undefined | null {
  if (nodes.seq[node]! <= snapshot) return nodes.value(node)
  const older = nodes.olderOf(node)
  if (older === undefined) return null
  for (let i = older.length - 1; i >= 0; i--) {
    const version = older[i]!
    if (version.seq <= snapshot) return version.value
  }
  return null
}
