/**
 * Loading a table's data blocks on demand.
 *
 * @module
 */
import { ErrorCode, type FileHandle, LsmError } from '@lsmkit/fs'
import { Block } from '../block.js'
import type { BlockCache } from '../block-cache.js'
import { keyText } from '../compare.js'
import type { TableBlocks } from '../cursor.js'
import { BLOCK_TRAILER_SIZE, BlockType } from '../format.js'
import type { TableIndex } from '../index-block.js'
import type { TableMemory } from '../table-memory.js'
import { corruption, type Location } from './corruption.js'
import { SeparatorSearch } from './separator-search.js'
import { blockContents, checkBlock } from './trailer.js'

/**
 * The data blocks of one open table, as lookups and cursors see them: found through the
 * index, read with `readSync`, checked, and cached when the reader has a cache; or, once a
 * {@link TableMemory} holds the table, parsed from the file's bytes in memory, each block
 * checked once and kept.
 */
export class DataBlocks implements TableBlocks {
  readonly count: number
  closed = false
  readonly #cacheId: number
  readonly #search: SeparatorSearch
  // Once held: the whole file, and the blocks parsed from it so far (each checked first).
  #bytes: Uint8Array | undefined
  #parsed: (Block | undefined)[] | undefined
  // Set when the whole file read short, so that it is not tried at every read.
  #holdFailed = false
  // Set when the held bytes are the ones the table was built from, not read back from the file.
  #heldFromBuild = false

  constructor(
    readonly path: string,
    readonly handle: FileHandle,
    readonly index: TableIndex,
    readonly cache: BlockCache | undefined,
    /** The table's format version, which says how its blocks are checksummed. */
    readonly version: number,
    /** The file's size. */
    readonly fileSize: number,
    /** The memory that may hold the table from its first data-block read on. */
    readonly memory: TableMemory | undefined,
  ) {
    this.count = index.offsets.length
    this.#search = new SeparatorSearch(index.texts)
    this.#cacheId = cache?.newId() ?? 0
  }

  checkOpen(): void {
    if (this.closed)
      throw new LsmError(ErrorCode.CLOSED, `sstable: ${this.path} is closed`, { file: this.path })
  }

  find(key: Uint8Array): number {
    return this.findText(keyText(key))
  }

  /** {@link DataBlocks.find} of the key whose {@link keyText} is `text`. */
  findText(text: string): number {
    return this.#search.find(text)
  }

  /** True while a {@link TableMemory} holds the table. */
  get held(): boolean {
    return this.#bytes !== undefined
  }

  /** A copy of the whole file while held, else undefined. */
  copyHeld(): Uint8Array | undefined {
    return this.#bytes?.slice()
  }

  release(): void {
    this.cache?.release(this.#cacheId)
    this.memory?.release(this)
    this.#bytes = undefined
    this.#parsed = undefined
  }

  readLength(i: number): number {
    return this.index.sizes[i]! + BLOCK_TRAILER_SIZE
  }

  load(i: number, into?: Uint8Array): Block {
    this.checkOpen()
    // A read that would not fill the cache (a compaction's) does not bring the table in either.
    const parsed = this.#parsed ?? (into === undefined ? this.#hold() : undefined)
    if (parsed !== undefined) return parsed[i] ?? this.#parseHeld(parsed, i)
    const offset = this.index.offsets[i]!
    const cached = this.cache?.lookup(this.#cacheId, offset)
    if (cached !== undefined) return cached
    const at = { file: this.path, offset, what: 'data block' }
    const length = this.readLength(i)
    if (into !== undefined) return this.#parse(this.handle.readSync(offset, length, into), length, at)
    const cache = this.cache
    const memory = cache?.reserve(length)
    const raw = this.handle.readSync(offset, length, memory)
    // The file system may have ignored the memory offered; then it holds nothing.
    const used = memory !== undefined && raw.buffer === memory.buffer ? memory : undefined
    if (memory !== undefined && used === undefined) cache!.giveBack(memory)
    let block: Block
    try {
      block = this.#parse(raw, length, at)
    } catch (err) {
      if (used !== undefined) cache!.giveBack(used)
      throw err
    }
    cache?.insert(this.#cacheId, offset, block, used)
    return block
  }

  /** Holds the table from `bytes`, its whole file, when the memory has room; see TableHandleOptions. */
  holdContents(bytes: Uint8Array): void {
    const memory = this.memory
    if (memory === undefined || bytes.length !== this.fileSize || !memory.admit(this, this.fileSize)) return
    this.#bytes = bytes
    this.#parsed = new Array<Block | undefined>(this.count)
    this.#heldFromBuild = true
  }

  // Reads the whole file into memory, when the memory has room for it. A read error is the
  // read's to report, as a block read's would be; a short read (the file changed) leaves the
  // table to be read block by block, which reports the damage where it lies.
  #hold(): (Block | undefined)[] | undefined {
    const memory = this.memory
    if (memory === undefined || this.#holdFailed || !memory.hasRoom(this.fileSize)) return undefined
    const bytes = this.handle.readSync(0, this.fileSize)
    if (bytes.length !== this.fileSize || !memory.admit(this, this.fileSize)) {
      this.#holdFailed = true
      return undefined
    }
    this.#bytes = bytes
    this.#parsed = new Array<Block | undefined>(this.count)
    return this.#parsed
  }

  // A held block's first read: checked and parsed from memory, then kept. A damaged block is
  // not kept, so every read of it fails as a read from the file would.
  #parseHeld(parsed: (Block | undefined)[], i: number): Block {
    const offset = this.index.offsets[i]!
    const length = this.readLength(i)
    const at = { file: this.path, offset, what: 'data block' }
    const raw = this.#bytes!.subarray(offset, offset + length)
    // A block's checksum guards against damage on the disk, which bytes from the build never
    // saw; checking them cost 2.5 µs a 4 KiB block, a large share of a lookup while compactions
    // keep replacing tables (see docs/guides/performance.md, "Twelfth round").
    const block = this.#heldFromBuild
      ? new Block(blockContents(raw, BlockType.DATA, at), at)
      : this.#parse(raw, length, at)
    parsed[i] = block
    return block
  }

  #parse(raw: Uint8Array, length: number, at: Location): Block {
    if (raw.length !== length) throw corruption(at, 'file is truncated')
    return new Block(checkBlock(raw, BlockType.DATA, at, this.version), at)
  }
}
