/**
 * A memtable's hash table from key to node: open addressing with linear probing over one
 * `Int32Array` of (hash, node) pairs, holding every key the memtable did not append to its
 * index in order. A write looks its key up here to find an earlier version, and a get finds
 * its node here.
 *
 * Why not a `Map` from key string to node, which this replaced: with random keys, the map's
 * entries and the key strings they point at are scattered over a heap of tens of MB, so a put
 * of a new key paid cache misses in the map's buckets and, during growth, a rehash of string
 * objects. In the bench's random load the table in the map's place cut the writer's CPU from
 * about 7.1 to 6.0 s per million puts on this project's machine (see
 * `docs/guides/performance.md`, "Fifteenth round"). Here a probe reads one pair, eight bytes
 * side by side; only a pair whose hash matches compares the key strings. Growing re-places the
 * pairs from the old array, without hashing a key again.
 *
 * @module
 */
import { NONE } from './memtable-node.js'

// Pairs in an empty table; a power of two, as every size is.
const MIN_PAIRS = 256

/**
 * Keys of a memtable, by their {@link keyHash}, each with its node. Keys are never removed, as a
 * memtable never loses one. At most half the pairs are used, so a probe of an absent key mostly
 * ends at its first or second pair.
 */
export class KeyTable {
  // Pair i: #pairs[2i] the key's hash, #pairs[2i + 1] its node + 1 (0: an empty pair).
  #pairs = new Int32Array(MIN_PAIRS * 2)
  #mask = MIN_PAIRS - 1
  #count = 0

  /** Number of keys held. */
  get size(): number {
    return this.#count
  }

  /**
   * The node of the key whose hash is `h` and whose text (see `keyText`) is `text`, or
   * {@link NONE}. `texts` maps a node to its key's text (`Nodes.texts`).
   */
  find(h: number, text: string, texts: readonly string[]): number {
    const pairs = this.#pairs
    const mask = this.#mask
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const node = pairs[2 * i + 1]! - 1
      if (node === NONE) return NONE
      if (pairs[2 * i] === h && texts[node] === text) return node
    }
  }

  /** Adds `node`, whose key hashes to `h`. REQUIRES: no node of the same key is held. */
  add(h: number, node: number): void {
    if (2 * (this.#count + 1) > this.#mask + 1) this.#grow()
    place(this.#pairs, this.#mask, h, node + 1)
    this.#count++
  }

  #grow(): void {
    const old = this.#pairs
    const mask = this.#mask * 2 + 1
    const pairs = new Int32Array((mask + 1) * 2)
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) place(pairs, mask, old[i]!, old[i + 1]!)
    this.#pairs = pairs
    this.#mask = mask
  }
}

// Puts the pair (h, stored) into the first empty pair from h's own.
function place(pairs: Int32Array, mask: number, h: number, stored: number): void {
  let i = h & mask
  while (pairs[2 * i + 1] !== 0) i = (i + 1) & mask
  pairs[2 * i] = h
  pairs[2 * i + 1] = stored
}

/**
 * The hash the table takes for the key `bytes[start, end)`: MurmurHash3's 32-bit mixing (Austin
 * Appleby's public-domain design), four bytes a step, with its final mix, so that the low bits
 * that choose a pair depend on every byte. The hash only lives in memory, so it is free to
 * change. Four bytes a step matters: one multiply per byte, as FNV-1a takes, cost about 80 ns
 * for a 16-byte key on this project's machine, since each multiply waits for the one before.
 */
export function keyHash(bytes: Uint8Array, start: number, end: number): number {
  let h = end - start
  let i = start
  for (; i + 4 <= end; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)
    k = Math.imul(k, 0xcc9e2d51)
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  if (i < end) {
    let k = bytes[i]!
    if (i + 1 < end) k |= bytes[i + 1]! << 8
    if (i + 2 < end) k |= bytes[i + 2]! << 16
    k = Math.imul(k, 0xcc9e2d51)
    h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}
