/**
 * A bloom filter over the keys a memtable appended to its index in order, which its hash table
 * (key-table.ts) does not hold: a key written above every key held costs one comparison and
 * an add here; with table inserts instead, the in-order batched load took 2.99 against 2.90 µs
 * per entry. A key the table lacks is looked for in the index only when this filter may hold
 * it, so a random write or a get of an absent key mostly costs one probe here on top of the
 * table's.
 *
 * Each key sets three bits of one word (a blocked filter: one memory access per probe). The
 * filter keeps at least 16 bits per key, doubling when the memtable outgrows it and re-adding
 * every key from the hashes it keeps (4 bytes a key), so it needs no size up front. Nothing is
 * ever removed, since a memtable never loses a key. Nothing here is persisted.
 *
 * The bits are set only once something probes: until then an add only keeps the hash, in
 * order, and the first probe sets the bits of every key kept. A load that only appends (the
 * bench's in-order loads, a bulk import) never probes, and its adds then cost no access at a
 * random place in the filter, which was a cache miss per key (5% of the writer's time in a
 * batched in-order load).
 *
 * @module
 */

const MIN_WORDS = 256
// Bits per key below which the filter doubles; between 16 and 32, three bits in one word gave
// 0.3–1.1% false positives on the bench's keys.
const BITS_PER_KEY = 16

/**
 * Keys added so far, by their `keyHash` (key-table.ts); a probe may say yes wrongly, never no wrongly.
 * The caller hashes each key once, for both the probe and the add a new key makes.
 */
export class MemtableFilter {
  #words = new Int32Array(MIN_WORDS)
  // Every key's hash, so that a doubling re-adds keys without hashing them again, and so that
  // the bits can wait for the first probe.
  #hashes = new Int32Array(MIN_WORDS)
  #keys = 0
  // Keys whose bits are set: #hashes[0 .. #setKeys). All of them once anything has probed.
  #setKeys = 0
  #probed = false

  /** Adds the key whose `keyHash` is `h`. */
  add(h: number): void {
    if (this.#keys === this.#hashes.length) {
      const hashes = new Int32Array(this.#hashes.length * 2)
      hashes.set(this.#hashes)
      this.#hashes = hashes
    }
    this.#hashes[this.#keys++] = h
    if (!this.#probed) return
    if (this.#keys * BITS_PER_KEY > this.#words.length * 32) this.#setAll()
    else {
      this.#set(h)
      this.#setKeys = this.#keys
    }
  }

  /** False when the key whose `keyHash` is `h` was certainly never added. */
  mayContain(h: number): boolean {
    if (!this.#probed) {
      this.#probed = true
      this.#setAll()
    }
    const word = this.#words[h & (this.#words.length - 1)]!
    const mask = bitsOf(h)
    return (word & mask) === mask
  }

  // Sets the bits of every key added since the last call, first doubling the words (and
  // setting every key's bits afresh) while there are fewer than BITS_PER_KEY per key.
  #setAll(): void {
    const keys = this.#keys
    if (keys * BITS_PER_KEY > this.#words.length * 32) {
      let words = this.#words.length * 2
      while (keys * BITS_PER_KEY > words * 32) words *= 2
      this.#words = new Int32Array(words)
      this.#setKeys = 0
    }
    const hashes = this.#hashes
    for (let i = this.#setKeys; i < keys; i++) this.#set(hashes[i]!)
    this.#setKeys = keys
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
