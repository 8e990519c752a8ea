/**
 * A memtable's node: one key, its newest version inline and any older ones beside it, and its
 * links to the neighbouring keys, which {@link KeyIndex} maintains.
 *
 * @module
 */
import { keyText } from '@lsmkit/sstable'

/** One version of a key: the write's sequence number and its value (`undefined`: a delete). */
export type Version = { readonly seq: number; readonly value: Uint8Array | undefined }

// The newest version lives in the node itself and only older ones in `older` (oldest first,
// newest last), so the common key written once costs two objects: the node and its text (and
// two array slots in its leaf of the index). Every memtable entry outlives several young-generation collections, and each one
// copies every object still alive, so a node keeps no view objects: the key is its text, and
// the value is kept as where its bytes lie. A view is made only when one is read (and dies
// young). At n = 500,000 batched puts, scavenges took 778 ms of a 2.8 s load with two views
// per node, and 630–716 ms without them.
export class Node {
  /** The key as a one-byte string (see {@link keyText}): what searches compare. */
  readonly text: string
  /** The node of the next key in order, or null for the last. */
  next: Node | null
  /** The node of the previous key in order, or null for the first. */
  prev: Node | null
  seq: number
  older: Version[] | null
  // The newest value's bytes: buffer[at .. at + length), or at = -1 for a delete.
  #buffer: ArrayBufferLike | null
  #at: number
  #length: number

  /**
   * A node for key `text` whose newest version, at `seq`, is `buffer[at .. at + length)`, or a
   * delete when `buffer` is null. The node keeps the buffer, not a copy of the bytes.
   */
  constructor(text: string, seq: number, buffer: ArrayBufferLike | null, at: number, length: number) {
    this.text = text
    this.next = null
    this.prev = null
    this.seq = seq
    this.older = null
    this.#buffer = buffer
    this.#at = buffer === null ? -1 : at
    this.#length = length
  }

  /** The key's bytes: a new array on each read. */
  get key(): Uint8Array {
    const text = this.text
    const key = new Uint8Array(text.length)
    this.copyKey(key)
    return key
  }

  /**
   * Writes the key's bytes into `out` from offset `at` (default 0), which must have room for
   * them. Taking an offset spares a caller packing many keys a view per key.
   */
  copyKey(out: Uint8Array, at = 0): void {
    const text = this.text
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i)
  }

  /** The newest value (`undefined` for a delete): a new view of the same bytes on each read. */
  get value(): Uint8Array | undefined {
    return this.#at < 0 ? undefined : new Uint8Array(this.#buffer!, this.#at, this.#length)
  }

  /** The buffer holding the newest value's bytes; null for a delete. */
  get valueBuffer(): ArrayBufferLike | null {
    return this.#buffer
  }

  /** Where the newest value starts in {@link Node.valueBuffer}. */
  get valueAt(): number {
    return this.#at
  }

  /** The newest value's length; 0 for a delete. */
  get valueLength(): number {
    return this.#length
  }

  /** Makes `buffer[at .. at + length)` (a delete when `buffer` is null) the newest version, at `seq`. */
  setNewest(seq: number, buffer: ArrayBufferLike | null, at: number, length: number): void {
    this.seq = seq
    this.#buffer = buffer
    this.#at = buffer === null ? -1 : at
    this.#length = buffer === null ? 0 : length
  }
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

// The value of `node`'s newest version with seq ≤ snapshot: `undefined` for a tombstone,
// `null` when every version is newer than the snapshot.
export function visibleValue(node: Node, snapshot: number): Uint8Array | undefined | null {
  if (node.seq <= snapshot) return node.value
  const older = node.older
  if (older === null) return null
  for (let i = older.length - 1; i >= 0; i--) {
    const version = older[i]!
    if (version.seq <= snapshot) return version.value
  }
  return null
}
