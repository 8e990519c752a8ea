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
 * Tables are admitted as a mapping's pages are brought in: at a table's first data-block read
 * while the budget has room for the whole file, which is then read once. Nothing is evicted:
 * a held table stays held until its reader closes (in an engine, until a compaction has
 * replaced it), and its room then goes to the next table read. So a database larger than the
 * budget has the tables read first held, never a churn of whole-file reads. Tables that are
 * written and never read cost nothing, which matters to a bulk load: holding every new table
 * as it was written made V8 count the held bytes as external memory and run extra full
 * collections, about 12% of an in-order batched load's time.
 *
 * The price is memory that the operating system cannot reclaim, as it could a mapping's pages:
 * the budget bounds it.
 *
 * @module
 */
import { checkCapacity } from './internal/capacity.js'

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
}

/** The capacity used when none is given: 256 MiB. */
export const DEFAULT_TABLE_MEMORY_CAPACITY = 256 * 1024 * 1024

/**
 * A byte budget of whole table files held in memory, shared by the readers given it; see the
 * module comment for what it saves, what it costs and which tables it holds.
 *
 * @example
 * ```ts
 * const memory = new TableMemory({ capacityBytes: 512 * 1024 * 1024 })
 * const reader = await TableReader.open('/db/000007.sst', { fs, cache, memory })
 * reader.get(key) // the first read holds the table; later reads come from memory
 * console.log(memory.stats) // { bytes, tables }
 * ```
 */
export class TableMemory {
  /** The most bytes of table files held at once. */
  readonly capacityBytes: number
  readonly #held = new Map<object, number>()
  #bytes = 0

  /** @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` when `capacityBytes` is not a non-negative integer. */
  constructor(options: TableMemoryOptions = {}) {
    this.capacityBytes = checkCapacity(
      'table memory capacity',
      options.capacityBytes,
      DEFAULT_TABLE_MEMORY_CAPACITY,
    )
  }

  /** Current use. */
  get stats(): TableMemoryStats {
    return { bytes: this.#bytes, tables: this.#held.size }
  }

  /** @internal True when a table of `size` bytes would be held now. */
  hasRoom(size: number): boolean {
    return size > 0 && this.#bytes + size <= this.capacityBytes
  }

  /** @internal Holds `table`, of `size` bytes, when there is room; false otherwise. */
  admit(table: object, size: number): boolean {
    if (this.#held.has(table) || !this.hasRoom(size)) return false
    this.#held.set(table, size)
    this.#bytes += size
    return true
  }

  /** @internal Gives `table`'s room back (its reader is closing); harmless when not held. */
  release(table: object): void {
    const size = this.#held.get(table)
    if (size === undefined) return
    this.#held.delete(table)
    this.#bytes -= size
  }
}
