/**
 * The skip list under {@link Memtable}: LevelDB's, with up to 12 levels, each node promoted with
 * probability 1/4 from a deterministic seeded generator so a run can be reproduced. The bottom
 * level is also linked backwards, so a cursor steps back in O(1) instead of searching again.
 * Nodes are never removed, so a cursor's node stays reachable however the list grows.
 *
 * @module
 */
import { compareKeys } from '@lsmkit/sstable'

// LevelDB's constants: with p = 1/4, 12 levels index 4^12 (16M) keys well.
/** The most levels a node may have. */
export const MAX_HEIGHT = 12
/** The seed of the generator that draws node heights: fixed, so runs reproduce. */
export const SEED = 0xdeadbeef

/** One version of a key: the write's sequence number and its value (`undefined`: a delete). */
export type Version = { readonly seq: number; readonly value: Uint8Array | undefined }

// The newest version lives in the node itself and only older ones in `older` (oldest first,
// newest last), so the common key written once costs two objects (node, `next`), not four.
export class Node {
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
export function prefixOf(key: Uint8Array): number {
  return (byteAt(key, 0) << 22) | (byteAt(key, 1) << 14) | (byteAt(key, 2) << 6) | (byteAt(key, 3) >>> 2)
}

export function byteAt(key: Uint8Array, i: number): number {
  return i < key.length ? key[i]! : 0
}

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

/** The list proper, apart from the Memtable so its cursors can search it without a back door. */
export class SkipList {
  // A sentinel before every key; its key is never compared.
  readonly head = new Node(new Uint8Array(0), MAX_HEIGHT, -1, undefined)
  tail: Node | null = null
  height = 1
  // The last node on each level (the head where a level is empty): exactly the splice of an
  // insert after the tail, so appending keys in order needs one compare instead of a search.
  readonly lastOnLevel: Node[] = Array.from({ length: MAX_HEIGHT }, () => this.head)

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
