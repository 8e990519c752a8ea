/**
 * TableMemory: whole table files held in memory, up to a byte budget shared by the readers
 * given it, so that their lookups and cursors take data blocks from memory instead of the file.
 *
 * Why: LevelDB maps its table files into memory (up to 1,000 of them on 64-bit systems), so a
 * block that is not in its block cache is a pointer into the page cache, read without a system
 * call and, by default, without a checksum. Node cannot map a file. A block a {@link BlockCache}
 * misses costs lsmkit a `readSync` (1–2.5 µs for 4 KiB on this project's machine) and a
 * checksum (about 2 µs), and with a database several times the cache, most gets miss. A held
 * table costs neither after each block's first read: that first read checks the block's
 * checksum and parses it, and the parsed block is kept for the table's life, as a cache keeps
 * the blocks it holds, so nothing unchecked is ever returned.
 *
 * The price is memory that the operating system cannot reclaim, as it could a mapping's pages:
 * the budget bounds it. Tables are admitted when a reader is opened or created with this memory
 * (a flush's or compaction's output is held from the bytes just written, without reading the
 * file again). One that does not fit evicts the held tables read least recently until it does;
 * an evicted table reads from its file, through the block cache, from then on. A table larger
 * than the whole budget is never held.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'

/** Options of {@link TableMemory}. */
export interface TableMemoryOptions {
  /**
   * Most bytes of table files held at once. A non-negative integer; 0 holds none. Default
   * {@link DEFAULT_TABLE_MEMORY_CAPACITY}.
   */
  readonly capacityBytes?: number | undefined
}

/** A snapshot of a {@link TableMemory}'s use. */
export interface TableMemoryStats {
  /** Bytes of table files held now. */
  readonly bytes: number
  /** Tables held now. */
  readonly tables: number
  /** Tables dropped to make room for others, since the memory was made. */
  readonly evictions: number
}

/** The capacity used when none is given: 256 MiB. */
export const DEFAULT_TABLE_MEMORY_CAPACITY = 256 * 1024 * 1024

/**
 * @internal What a {@link TableMemory} holds for one reader: the reader's data blocks, which
 * keep the file's bytes while held.
 */
export interface HeldTable {
  /** {@link TableMemory.clock} at the table's last read, for eviction order. */
  lastUse: number
  /** Stops serving blocks from memory; later reads go to the file. */
  drop(): void
}

/**
 * A byte budget of whole table files held in memory, shared by the readers given it; see the
 * module comment for what it saves and what it costs.
 *
 * @example
 * ```ts
 * const memory = new TableMemory({ capacityBytes: 512 * 1024 * 1024 })
 * const reader = await TableReader.open('/db/000007.sst', { fs, cache, memory })
 * reader.get(key) // from memory, checked on the block's first read
 * console.log(memory.stats) // { bytes, tables, evictions }
 * ```
 */
export class TableMemory {
  /** The most bytes of table files held at once. */
  readonly capacityBytes: number
  /** @internal Counts reads of held tables; a held table stamps its reads with it. */
  clock = 0
  readonly #held = new Map<HeldTable, number>()
  #bytes = 0
  #evictions = 0

  /** @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` when `capacityBytes` is not a non-negative integer. */
  constructor(options: TableMemoryOptions = {}) {
    const capacity = options.capacityBytes ?? DEFAULT_TABLE_MEMORY_CAPACITY
    if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity < 0) {
      throw new LsmError(
        ErrorCode.INVALID_OPTION,
        `sstable: table memory capacity must be a non-negative integer; got ${String(capacity)}`,
      )
    }
    this.capacityBytes = capacity
  }

  /** Current use. */
  get stats(): TableMemoryStats {
    return { bytes: this.#bytes, tables: this.#held.size, evictions: this.#evictions }
  }

  /** @internal True when a table of `size` bytes would be held, evicting others if need be. */
  fits(size: number): boolean {
    return size > 0 && size <= this.capacityBytes
  }

  /**
   * @internal Holds `table`, of `size` bytes, evicting the tables read least recently until
   * it fits. False, holding nothing, when it cannot fit at all.
   */
  admit(table: HeldTable, size: number): boolean {
    if (!this.fits(size)) return false
    while (this.#bytes + size > this.capacityBytes) this.#evictOldest()
    table.lastUse = this.clock++
    this.#held.set(table, size)
    this.#bytes += size
    return true
  }

  /** @internal Forgets `table` (its reader is closing); harmless when it is not held. */
  release(table: HeldTable): void {
    const size = this.#held.get(table)
    if (size === undefined) return
    this.#held.delete(table)
    this.#bytes -= size
    table.drop()
  }

  // A scan over the held tables: admissions are rare (one per table opened or written), reads
  // are not, and a scan here keeps a read's bookkeeping to one stamp.
  #evictOldest(): void {
    let oldest: HeldTable | undefined
    for (const table of this.#held.keys()) {
      if (oldest === undefined || table.lastUse < oldest.lastUse) oldest = table
    }
    if (oldest === undefined) return
    this.release(oldest)
    this.#evictions++
  }
}
