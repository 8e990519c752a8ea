/**
 * A bloom filter over a memtable's keys, so that a get for a key the memtable does not hold
 * skips its search (RocksDB's `memtable_whole_key_filtering`, which lsmkit keeps on).
 *
 * Why: most gets look for keys that are in a table, not in the memtable, and every one of them
 * searched the memtable first. When the memtable's keys lived only in an ordered index, that was
 * about fifteen string comparisons spread over the heap: with a memtable of the bench's 35,000
 * keys, a get of mostly absent keys took 0.79–0.84 µs, and 0.48–0.55 µs with the filter. Since
 * keys written out of order live in a hash map (see memtable.ts), the filter also spares most
 * writes of new keys and most gets a probe of the map, which compares key strings of other
 * entries, cold in a large heap. A probe of the filter costs one hash of the key's text and one
 * 32-bit word.
 *
 * Each key sets three bits of one word (a blocked filter: one memory access per probe). The
 * filter keeps at least 16 bits per key, doubling when the memtable outgrows it and re-adding
 * every key from the hashes it keeps (4 bytes a key), so it needs no size up front. Nothing is
 * ever removed, since a memtable never loses a key. Nothing here is persisted.
 *
 * @module
 */

const MIN_WORDS = 256
// Bits per key below which the filter doubles; between 16 and 32, three bits in one word gave
// 0.3–1.1% false positives on the bench's keys.
const BITS_PER_KEY = 16

/**
 * Keys added so far, by their {@link keyHash}; a probe may say yes wrongly, never no wrongly.
 * The caller hashes each key once, for both the probe and the add a new key makes.
 */
export class MemtableFilter {
  #words = new Int32Array(MIN_WORDS)
  // Every key's hash, so that a doubling re-adds keys without hashing them again.
  #hashes = new Int32Array(MIN_WORDS)
  #keys = 0

  /** Adds the key whose {@link keyHash} is `h`. */
  add(h: number): void {
    if (this.#keys === this.#hashes.length) {
      const hashes = new Int32Array(this.#hashes.length * 2)
      hashes.set(this.#hashes)
      this.#hashes = hashes
    }
    this.#hashes[this.#keys++] = h
    if (this.#keys * BITS_PER_KEY > this.#words.length * 32) {
      this.#words = new Int32Array(this.#words.length * 2)
      for (let i = 0; i < this.#keys; i++) this.#set(this.#hashes[i]!)
    } else this.#set(h)
  }

  /** False when the key whose {@link keyHash} is `h` was certainly never added. */
  mayContain(h: number): boolean {
    const word = this.#words[h & (this.#words.length - 1)]!
    const mask = bitsOf(h)
    return (word & mask) === mask
  }

  #set(h: number): void {
    const at = h & (this.#words.length - 1)
    this.#words[at] = this.#words[at]! | bitsOf(h)
  }
}

// Three bits of a word, from hash bits that do not choose the word (those are the low ones).
function bitsOf(h: number): number {
  const g = Math.imul(h, 0x9e3779b9)
  return (1 << (g >>> 27)) | (1 << ((g >>> 22) & 31)) | (1 << ((g >>> 17) & 31))
}

/**
 * The hash the filter takes for the key `bytes[start, end)`: MurmurHash3's 32-bit mixing (Austin
 * Appleby's public-domain design), four bytes a step. The hash only lives in memory, so it is
 * free to change. Four bytes a step matters: one multiply per byte, as FNV-1a takes, cost about
 * 80 ns for a 16-byte key on this project's machine, since each multiply waits for the one
 * before.
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
