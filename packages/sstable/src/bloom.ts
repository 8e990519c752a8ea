/**
 * The table's bloom filter: one bit array over every key, probed by double hashing as LevelDB
 * does: probe j sets bit (h + j * d) mod m, so k probes cost two hashes, not k. LevelDB takes
 * d from h itself (h rotated by 17 bits), which is fine for its small per-2-KiB filters; a
 * whole-table filter has up to millions of bits, and 32 bits of hash cannot spread k probes
 * over them independently (at 100,000 keys the false-positive rate climbs from 0.8% to 1.5%).
 * So d is a second hash of the key, with a different seed.
 *
 * With b bits per key the filter uses k = round-down(b * ln 2) probes (1 to 30), which is
 * near the optimum; at 10 bits per key that is 6 probes and a false-positive rate near 0.8%.
 *
 * @module
 */
import { BLOOM_DELTA_SEED, BLOOM_HASH_SEED, MAX_BLOOM_PROBES, MIN_BLOOM_BITS } from './format.js'
import { corruption, type Location } from './internal/corruption.js'
import { modulo } from './internal/modulo.js'

// The delta hash of the last keyHashes call; see there.
let lastDelta = 0

// Both of a key's hashes: MurmurHash3, x86 32-bit variant (Austin Appleby's public-domain
// design), of the key with seed BLOOM_HASH_SEED and with seed BLOOM_DELTA_SEED, part of the
// format (see format.ts). They are computed in one pass: the two differ only in their seed, so
// each word of the key is read and mixed once and fed to both states. Returns the first and
// leaves the second in `lastDelta`, which saves an allocation per key; every filter add and
// probe hashes this way. The key is `key[0 .. n)`.
function keyHashes(key: Uint8Array, n: number): number {
  let h = BLOOM_HASH_SEED
  let d = BLOOM_DELTA_SEED
  const tail = n & ~3
  for (let i = 0; i < tail; i += 4) {
    let k = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)
    k = Math.imul(k, 0xcc9e2d51)
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
    d ^= k
    d = (d << 13) | (d >>> 19)
    d = (Math.imul(d, 5) + 0xe6546b64) | 0
  }
  const rest = n & 3
  if (rest > 0) {
    let k = key[tail]!
    if (rest > 1) k |= key[tail + 1]! << 8
    if (rest > 2) k |= key[tail + 2]! << 16
    k = Math.imul(k, 0xcc9e2d51)
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593)
    h ^= k
    d ^= k
  }
  lastDelta = finalMix(d ^ n)
  return finalMix(h ^ n)
}

function finalMix(value: number): number {
  let h = value
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Collects key hashes and lays out the filter block's contents. */
export class BloomFilterBuilder {
  readonly #bitsPerKey: number
  // Hashes rather than keys: each key's two hashes side by side, eight bytes a key whatever
  // its length, in a typed array that doubles when full. Two number arrays took a tenth of a
  // merge's profile: their pushes, and their growth by copying.
  #hashes = new Uint32Array(2048)
  #count = 0

  /** REQUIRES: `bitsPerKey` is a positive integer. */
  constructor(bitsPerKey: number) {
    this.#bitsPerKey = bitsPerKey
  }

  /** Adds the key `key[0 .. length)`, the whole array by default. */
  add(key: Uint8Array, length = key.length): void {
    const at = this.#count * 2
    if (at === this.#hashes.length) {
      const grown = new Uint32Array(at * 2)
      grown.set(this.#hashes)
      this.#hashes = grown
    }
    this.#hashes[at] = keyHashes(key, length)
    this.#hashes[at + 1] = lastDelta
    this.#count++
  }

  /** Size of the contents if the filter were finished now. */
  get estimatedSize(): number {
    return bitCount(this.#count, this.#bitsPerKey) / 8 + 1
  }

  finish(): Uint8Array {
    const bits = bitCount(this.#count, this.#bitsPerKey)
    const probes = Math.min(MAX_BLOOM_PROBES, Math.max(1, Math.floor(this.#bitsPerKey * 0.69)))
    const out = new Uint8Array(bits / 8 + 1)
    const hashes = this.#hashes
    for (let i = 0; i < this.#count * 2; i += 2) {
      let h = hashes[i]!
      const delta = hashes[i + 1]!
      for (let j = 0; j < probes; j++) {
        const bit = modulo(h, bits)
        out[bit >>> 3]! |= 1 << (bit & 7)
        h = (h + delta) >>> 0
      }
    }
    out[bits / 8] = probes
    return out
  }
}

function bitCount(keys: number, bitsPerKey: number): number {
  return Math.ceil(Math.max(MIN_BLOOM_BITS, keys * bitsPerKey) / 8) * 8
}

/** A decoded filter block. */
export class BloomFilter {
  readonly #bits: Uint8Array
  readonly #bitCount: number
  readonly #probes: number

  /** @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when the contents cannot be a filter. */
  constructor(contents: Uint8Array, at: Location) {
    const bytes = contents.length - 1
    if (bytes * 8 < MIN_BLOOM_BITS) throw corruption(at, `filter of ${bytes} bytes is too small`)
    const probes = contents[bytes]!
    if (probes < 1 || probes > MAX_BLOOM_PROBES) throw corruption(at, `bad probe count ${probes}`)
    this.#bits = contents.subarray(0, bytes)
    this.#bitCount = bytes * 8
    this.#probes = probes
  }

  /** False when `key` is certainly absent; true when it may be present. */
  mayContain(key: Uint8Array): boolean {
    let h = keyHashes(key, key.length)
    const delta = lastDelta
    const bits = this.#bits
    for (let j = 0; j < this.#probes; j++) {
      const bit = modulo(h, this.#bitCount)
      if ((bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false
      h = (h + delta) >>> 0
    }
    return true
  }
}
