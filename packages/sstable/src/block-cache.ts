/**
 * BlockCache: a least-recently-used cache of parsed data blocks, bounded by bytes and shared by
 * every {@link TableReader} given it. A hit costs a map lookup: the block is neither read nor
 * checksummed nor parsed again.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import type { Block } from './block.js'

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

  /** @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` when `capacityBytes` is not a non-negative integer. */
  constructor(options: BlockCacheOptions = {}) {
    const capacity = options.capacityBytes ?? DEFAULT_BLOCK_CACHE_CAPACITY
    if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity < 0) {
      throw new LsmError(
        ErrorCode.INVALID_OPTION,
        `sstable: capacityBytes must be a non-negative integer, got ${String(capacity)}`,
      )
    }
    this.capacityBytes = capacity
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

  /** @internal Caches `block` of reader `id` at `offset`, evicting the least recently used. */
  insert(id: number, offset: number, block: Block): void {
    const size = block.data.length
    if (size > this.capacityBytes) return
    let blocks = this.#readers.get(id)
    if (blocks === undefined) {
      blocks = new Map()
      this.#readers.set(id, blocks)
    }
    const old = blocks.get(offset)
    if (old !== undefined) this.#remove(old)
    while (this.#bytes + size > this.capacityBytes && this.#oldest !== undefined) {
      this.#remove(this.#oldest)
      this.#evictions++
    }
    const entry: Entry = { id, offset, block, size, newer: undefined, older: undefined }
    blocks.set(offset, entry)
    this.#pushNewest(entry)
    this.#entries++
    this.#bytes += size
  }

  /** @internal Drops every block of reader `id`, which is closing. Not counted as evictions. */
  release(id: number): void {
    const blocks = this.#readers.get(id)
    if (blocks === undefined) return
    for (const entry of blocks.values()) this.#remove(entry)
    this.#readers.delete(id)
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

// One cached block, linked into the recency list.
interface Entry {
  readonly id: number
  readonly offset: number
  readonly block: Block
  readonly size: number
  newer: Entry | undefined
  older: Entry | undefined
}
