/**
 * TableReader: point lookups and cursors over one table file.
 *
 * Opening reads and checks everything but the data blocks: footer, filter, properties and
 * index, which stay in memory for the reader's life. Every read, at open and after, uses the
 * seam's synchronous `readSync`. That is a deliberate trade: a table's hot blocks sit in the
 * operating system's page cache (or in a {@link BlockCache}), where a synchronous read costs a
 * memory copy, while an async read would cost a thread-pool round trip per lookup, many times
 * that, and then a wait for a busy event loop. The price is that a read that does go to the
 * disk blocks the event loop for that read: at open, for the table's filter and index (about
 * 2% of a table of the default options).
 *
 * A reader given a {@link TableMemory} with room for its table reads the whole file at its first
 * data-block read, and its data blocks come from that memory from then on.
 *
 * @module
 */
import { ErrorCode, type FileHandle, type FileSystem, LsmError, NodeFileSystem } from '@lsmkit/fs'
import type { BlockCache } from './block-cache.js'
import type { BloomFilter } from './bloom.js'
import { compareKeys, keyText } from './compare.js'
import {
  type TableBlocks,
  TableCursor,
  type TableCursorOptions,
  type TableEntry,
  type TableRangeOptions,
} from './cursor.js'
import { blockGet } from './internal/block-get.js'
import { BytesHandle } from './internal/bytes-handle.js'
import { DataBlocks } from './internal/data-blocks.js'
import { openTableParts, type TableParts } from './internal/open-table.js'
import type { TableProperties } from './properties.js'
import type { TableMemory } from './table-memory.js'

/** Options of {@link TableReader.open}. */
export interface TableReaderOptions {
  /** The file system to read through. Default: a new `NodeFileSystem`. */
  readonly fs?: FileSystem | undefined
  /**
   * The cache of data blocks, shared with other readers. Default: none, so every block a
   * lookup or a cursor enters is read, checked and parsed again (a cursor keeps its current
   * block, so a scan reads each block once).
   */
  readonly cache?: BlockCache | undefined
  /**
   * Memory that may hold the whole table, shared with other readers; see {@link TableMemory}.
   * When it has room at the table's first data-block read, the file is read whole then, and
   * data blocks come from memory after that. Default: none, so they are read from the file.
   */
  readonly memory?: TableMemory | undefined
}

/** Options of {@link TableReader.fromHandle}. */
export interface TableHandleOptions {
  /** As {@link TableReaderOptions.cache}. */
  readonly cache?: BlockCache | undefined
  /** As {@link TableReaderOptions.memory}. */
  readonly memory?: TableMemory | undefined
  /**
   * The whole file's bytes, when the caller has them at hand (it has just written them). If
   * `memory` already holds some table (its readers are being read from), it holds these at
   * once, without reading the file at the first read; otherwise they are ignored. They must be
   * exactly the file's bytes and must not change while the reader is open. Blocks held this way
   * are not checksummed again at their first read: the checksums were computed from these very
   * bytes, which never went through the disk (their other checks still apply).
   */
  readonly contents?: Uint8Array | undefined
}

// Set by TableReader's static block, the one place that can reach its private #blocks.
let blocksOf: (reader: TableReader) => TableBlocks

/**
 * For this package's merge (table-merger.ts), not exported from it: the data blocks of
 * `reader`, which the merge walks block by block instead of through a cursor.
 */
export function tableBlocks(reader: TableReader): TableBlocks {
  return blocksOf(reader)
}

/**
 * An open table. Lookups and cursors are synchronous; only {@link TableReader.open} and
 * {@link TableReader.close} are async. Any number of lookups and cursors may be used at once.
 *
 * Damage is never returned as data: a block whose checksum, trailer or structure is wrong
 * throws `LEVEL_CORRUPTION` (message starting "sstable: ", with `file` and the block's `offset`
 * set), at open for the footer, filter, properties and index, at the read that meets it for a
 * data block.
 *
 * @example
 * ```ts
 * const cache = new BlockCache()
 * const reader = await TableReader.open('/db/000007.sst', { fs, cache })
 * const hit = reader.get(utf8('apple')) // { key, value } — value undefined for a tombstone
 * for (const { key, value } of reader.entries({ gte: utf8('a'), lt: utf8('b') })) use(key, value)
 * await reader.close()
 * ```
 */
export class TableReader {
  static {
    blocksOf = (reader) => reader.#blocks
  }

  /** The path the table was opened with. */
  readonly path: string
  /** The table's size in bytes. */
  readonly fileSize: number
  readonly #props: TableProperties
  readonly #handle: FileHandle
  readonly #filter: BloomFilter
  readonly #blocks: DataBlocks
  // The key range as keyText strings, which lookups compare.
  readonly #smallestText: string
  readonly #largestText: string

  private constructor(
    path: string,
    handle: FileHandle,
    parts: TableParts,
    options: { readonly cache?: BlockCache | undefined; readonly memory?: TableMemory | undefined },
  ) {
    this.path = path
    this.fileSize = parts.fileSize
    this.#handle = handle
    this.#props = parts.props
    this.#filter = parts.filter
    this.#blocks = new DataBlocks(
      path,
      handle,
      parts.index,
      options.cache,
      parts.version,
      parts.fileSize,
      options.memory,
    )
    this.#smallestText = keyText(parts.props.smallestKey)
    this.#largestText = keyText(parts.props.largestKey)
  }

  /**
   * Opens the table at `path` and checks its footer, filter, properties and index.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when any of them is damaged or the file is
   *   truncated; `LEVEL_NOT_SUPPORTED` for an intact table of an unknown format version;
   *   `LEVEL_IO_ERROR` from the file system (`systemCode` `ENOENT` for a missing file).
   */
  static async open(path: string, options: TableReaderOptions = {}): Promise<TableReader> {
    const fs = options.fs ?? new NodeFileSystem()
    const handle = await fs.open(path, 'read')
    try {
      return new TableReader(path, handle, openTableParts(path, handle), options)
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /**
   * A reader over a table file already open as `handle` (in any mode that reads), such as the
   * handle it was just written and synced through: opening it again would cost an open and a
   * close. Checks what {@link TableReader.open} checks, reading synchronously. The reader takes
   * the handle over and closes it in {@link TableReader.close}; when this throws, the handle
   * is still the caller's to close. The file must not change while the reader is in use.
   *
   * @throws {@link @lsmkit/fs!LsmError} as {@link TableReader.open} does, but never `ENOENT`.
   */
  static fromHandle(handle: FileHandle, options: TableHandleOptions = {}): TableReader {
    const reader = new TableReader(handle.path, handle, openTableParts(handle.path, handle), options)
    const { memory, contents } = options
    if (memory !== undefined && contents !== undefined && memory.stats.tables > 0)
      reader.#blocks.holdContents(contents)
    return reader
  }

  /**
   * Opens a table held in memory: `bytes` are the whole file, read elsewhere (another thread
   * merging tables the engine read, say). Checks what {@link TableReader.open} checks, and
   * reads never touch a file system. The bytes must not change while the reader is in use.
   *
   * @param name - what error messages name as the table's file. Default `'<memory>'`.
   * @throws {@link @lsmkit/fs!LsmError} as {@link TableReader.open} does, but never an I/O error.
   */
  static async fromBytes(
    bytes: Uint8Array,
    name = '<memory>',
    options: { readonly cache?: BlockCache | undefined } = {},
  ): Promise<TableReader> {
    const handle = new BytesHandle(name, bytes)
    return new TableReader(name, handle, openTableParts(name, handle), options)
  }

  /** True while a {@link TableMemory} holds the table, so that its blocks are read from memory. */
  get held(): boolean {
    return this.#blocks.held
  }

  /**
   * A copy of the whole file, which the caller owns, while a {@link TableMemory} holds the
   * table; undefined when it does not. Cheaper than reading the file again, and the same bytes.
   */
  copyHeld(): Uint8Array | undefined {
    return this.#blocks.copyHeld()
  }

  /** The table's first key. Do not modify it. */
  get smallestKey(): Uint8Array {
    return this.#props.smallestKey
  }

  /** The table's last key. Do not modify it. */
  get largestKey(): Uint8Array {
    return this.#props.largestKey
  }

  /** Number of entries, tombstones included. */
  get entryCount(): number {
    return this.#props.entryCount
  }

  /** Number of tombstones. */
  get tombstoneCount(): number {
    return this.#props.tombstoneCount
  }

  /**
   * False when `key` is certainly not in the table (outside its key range, or rejected by the
   * bloom filter); true when it may be. Reads nothing from disk.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_KEY` when `key` is not a Uint8Array;
   *   `LEVEL_CLOSED` after {@link TableReader.close}.
   */
  mayContain(key: Uint8Array): boolean {
    this.#blocks.checkOpen()
    if (!(key instanceof Uint8Array))
      throw new LsmError(ErrorCode.INVALID_KEY, 'sstable: a key must be a Uint8Array')
    if (compareKeys(key, this.#props.smallestKey) < 0 || compareKeys(key, this.#props.largestKey) > 0)
      return false
    return this.#filter.mayContain(key)
  }

  /**
   * Looks `key` up: its entry when the table has one (`value` undefined for a tombstone, which
   * the caller must treat as "deleted here", not "absent"), or `undefined` when it has none.
   * Consults the key range and the bloom filter first, then reads at most one data block. The
   * entry's `key` is the array passed in, not a copy (a copy would be equal to it, and a lookup
   * that allocates less is faster); its `value` is a copy the caller owns.
   *
   * @param text - {@link keyText} of `key`, when the caller has it already: a caller looking one
   *   key up in many tables converts it once. It must be exactly that; a different string
   *   routes the lookup wrongly.
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when the data block is damaged, and as
   *   {@link TableReader.mayContain} does.
   */
  get(key: Uint8Array, text?: string): TableEntry | undefined {
    this.#blocks.checkOpen()
    if (!(key instanceof Uint8Array))
      throw new LsmError(ErrorCode.INVALID_KEY, 'sstable: a key must be a Uint8Array')
    const t = text ?? keyText(key)
    if (t < this.#smallestText || t > this.#largestText || !this.#filter.mayContain(key)) return undefined
    const i = this.#blocks.findText(t)
    if (i >= this.#blocks.count) return undefined
    const hit = blockGet(this.#blocks.load(i), key)
    return hit === undefined ? undefined : { key, value: hit.value }
  }

  /**
   * A new, unpositioned cursor over the whole table; see {@link TableCursorOptions} for
   * whether the blocks it reads stay in the cache.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CLOSED` after {@link TableReader.close}.
   */
  cursor(options?: TableCursorOptions): TableCursor {
    this.#blocks.checkOpen()
    return new TableCursor(this.#blocks, options)
  }

  /**
   * Yields the entries within `options`' bounds through a new cursor; see
   * {@link TableCursor.entries}.
   *
   * @throws {@link @lsmkit/fs!LsmError} as {@link TableReader.cursor} does, and from the generator as the
   *   cursor's moves do.
   */
  entries(options: TableRangeOptions = {}): Generator<TableEntry, void, undefined> {
    return this.cursor().entries(options)
  }

  /**
   * Closes the file and drops this reader's blocks from the cache. Afterwards every method,
   * and every cursor of this reader, throws `LEVEL_CLOSED`. Closing twice is harmless.
   */
  async close(): Promise<void> {
    if (this.#blocks.closed) return
    this.#blocks.closed = true
    this.#blocks.release()
    await this.#handle.close()
  }
}
