/**
 * BlockCache: a least-recently-used cache of parsed data blocks, bounded by bytes and shared by
 * every {@link TableReader} given it. A hit costs a map lookup: the block is neither read nor
 * checksummed nor parsed again.
 *
 * A miss reads into memory the cache hands out, recycled from blocks it evicted where no cursor
 * is positioned in them: allocating a fresh 4 KiB ArrayBuffer per miss cost more than the read
 * itself (about 3.5 µs against 1 µs on this project's machine), and the garbage it left behind
 * more again.
 *
 * @module
 */
import type { Block } from './block.js'
import { BLOCK_TRAILER_SIZE } from './format.js'
import { checkCapacity } from './internal/capacity.js'

/** Options of {@link BlockCache}. */
export interface BlockCacheOptions {
  /**
   * Most bytes of block contents held at once; a block larger than this is never cached. A
   * non-negative integer; 0 caches nothing. Default 8 MiB.
   */
  readonly capacityBytes?: number | undefined
}

/** A snapshot of a {@link BlockCache}'s counters. */
export interface BlockCacheStats {
  /** Lookups that found their block, since the cache was made. */
  readonly hits: number
  /** Lookups that did not, since the cache was made. */
  readonly misses: number
  /** Blocks dropped to make room, since the cache was made. */
  readonly evictions: number
  /** Bytes of block contents held now. */
  readonly bytes: number
  /** Blocks held now. */
  readonly entries: number
}

/** The capacity used when none is given. */
export const DEFAULT_BLOCK_CACHE_CAPACITY = 8 * 1024 * 1024

/**
 * A byte-bounded LRU cache of data blocks, keyed by reader and block offset. Each reader takes
 * a cache id that is never reused, so a table can never be served another table's block, and
 * a reader drops its blocks when it closes.
 *
 * Safe to share between readers; JavaScript runs one lookup at a time.
 *
 * @example
 * ```ts
 * const cache = new BlockCache({ capacityBytes: 64 * 1024 * 1024 })
 * const a = await TableReader.open('/db/000005.sst', { fs, cache })
 * const b = await TableReader.open('/db/000006.sst', { fs, cache })
 * a.get(key)
 * console.log(cache.stats) // { hits, misses, evictions, bytes, entries }
 * ```
 */
export class BlockCache {
  /** The most bytes of block contents held at once. */
  readonly capacityBytes: number
  // Each reader's blocks by offset, plus one recency list through all of them: lookups need
  // no key building, and a closing reader can drop its own blocks.
  readonly #readers = new Map<number, Map<number, Entry>>()
  #newest: Entry | undefined
  #oldest: Entry | undefined
  #entries = 0
  #bytes = 0
  #hits = 0
  #misses = 0
  #evictions = 0
  #nextId = 1
  // Memory of evicted blocks, by size class, for the next misses to read into.
  readonly #spare = new Map<number, Uint8Array[]>()
  #spareBytes = 0

  /** @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` when `capacityBytes` is not a non-negative integer. */
  constructor(options: BlockCacheOptions = {}) {
    this.capacityBytes = checkCapacity('capacityBytes', options.capacityBytes, DEFAULT_BLOCK_CACHE_CAPACITY)
  }

  /** The counters now. */
  get stats(): BlockCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      bytes: this.#bytes,
      entries: this.#entries,
    }
  }

  /** Drops every block. The hit, miss and eviction counters keep counting. */
  clear(): void {
    for (let e = this.#oldest; e !== undefined; e = e.newer) this.#recycle(e)
    this.#readers.clear()
    this.#newest = undefined
    this.#oldest = undefined
    this.#entries = 0
    this.#bytes = 0
  }

  /** @internal A new cache id for a reader; ids are never reused. */
  newId(): number {
    return this.#nextId++
  }

  /** @internal The block of reader `id` at `offset`, now the most recently used, if cached. */
  lookup(id: number, offset: number): Block | undefined {
    const entry = this.#readers.get(id)?.get(offset)
    if (entry === undefined) {
      this.#misses++
      return undefined
    }
    this.#hits++
    if (entry !== this.#newest) {
      this.#unlink(entry)
      this.#pushNewest(entry)
    }
    return entry.block
  }

  /**
   * @internal Memory to read a block of `length` bytes into, recycled when the cache has some
   * of that size class; `undefined` when such a block would not be cached. Hand it back with
   * {@link BlockCache.insert} (the block read into it) or {@link BlockCache.giveBack}.
   */
  reserve(length: number): Uint8Array | undefined {
    // What the cache holds of a block is its contents, without the trailer read with them.
    if (length - BLOCK_TRAILER_SIZE > this.capacityBytes) return undefined
    const size = sizeClass(length)
    const spare = this.#spare.get(size)?.pop()
    if (spare === undefined) return new Uint8Array(size)
    this.#spareBytes -= spare.length
    return spare
  }

  /** @internal Takes back memory from {@link BlockCache.reserve} that holds no cached block. */
  giveBack(memory: Uint8Array): void {
    if (this.#spareBytes + memory.length > Math.min(this.capacityBytes, MAX_SPARE_BYTES)) return
    let list = this.#spare.get(memory.length)
    if (list === undefined) {
      list = []
      this.#spare.set(memory.length, list)
    }
    list.push(memory)
    this.#spareBytes += memory.length
  }

  /**
   * @internal Caches `block` of reader `id` at `offset`, evicting the least recently used.
   * `memory` is what {@link BlockCache.reserve} gave when the block was read into it.
   */
  insert(id: number, offset: number, block: Block, memory?: Uint8Array): void {
    const size = block.data.length
    if (size > this.capacityBytes) {
      if (memory !== undefined) this.giveBack(memory)
      return
    }
    const old = this.#readers.get(id)?.get(offset)
    if (old !== undefined) this.#drop(old)
    while (this.#bytes + size > this.capacityBytes && this.#oldest !== undefined) {
      this.#drop(this.#oldest)
      this.#evictions++
    }
    // Looked up only now: dropping a reader's last block above removes its map.
    let blocks = this.#readers.get(id)
    if (blocks === undefined) {
      blocks = new Map()
      this.#readers.set(id, blocks)
    }
    const entry: Entry = { id, offset, block, memory, size, newer: undefined, older: undefined }
    blocks.set(offset, entry)
    this.#pushNewest(entry)
    this.#entries++
    this.#bytes += size
  }

  /** @internal Drops every block of reader `id`, which is closing. Not counted as evictions. */
  release(id: number): void {
    const blocks = this.#readers.get(id)
    if (blocks === undefined) return
    for (const entry of blocks.values()) this.#drop(entry)
    this.#readers.delete(id)
  }

  #drop(entry: Entry): void {
    this.#remove(entry)
    this.#recycle(entry)
  }

  // A block a cursor is positioned in keeps its memory: the cursor still reads it.
  #recycle(entry: Entry): void {
    if (entry.memory !== undefined && entry.block.pins === 0) this.giveBack(entry.memory)
  }

  #remove(entry: Entry): void {
    this.#unlink(entry)
    const blocks = this.#readers.get(entry.id)!
    blocks.delete(entry.offset)
    if (blocks.size === 0) this.#readers.delete(entry.id)
    this.#entries--
    this.#bytes -= entry.size
  }

  #unlink(entry: Entry): void {
    if (entry.newer === undefined) this.#newest = entry.older
    else entry.newer.older = entry.older
    if (entry.older === undefined) this.#oldest = entry.newer
    else entry.older.newer = entry.newer
    entry.newer = undefined
    entry.older = undefined
  }

  #pushNewest(entry: Entry): void {
    entry.older = this.#newest
    if (this.#newest === undefined) this.#oldest = entry
    else this.#newest.newer = entry
    this.#newest = entry
  }
}

// Spare memory kept at most (and never more than the capacity): enough for the misses
// between evictions, whatever the mix of size classes, without holding much beyond the cache.
const MAX_SPARE_BYTES = 1024 * 1024

// Block lengths rounded up to 256 bytes, so that blocks of one table's target size (which
// overrun it by up to one entry) share a class and recycle each other's memory.
function sizeClass(length: number): number {
  return Math.ceil(length / 256) * 256
}

// One cached block, linked into the recency list.
interface Entry {
  readonly id: number
  readonly offset: number
  readonly block: Block
  // The memory from reserve() the block lies in, when it was read into some.
  readonly memory: Uint8Array | undefined
  readonly size: number
  newer: Entry | undefined
  older: Entry | undefined
}
