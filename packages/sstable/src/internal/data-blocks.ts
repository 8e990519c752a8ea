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
import type { HeldTable, TableMemory } from '../table-memory.js'
import { corruption, type Location } from './corruption.js'
import { checkBlock } from './trailer.js'

/**
 * The data blocks of one open table, as lookups and cursors see them: found through the
 * index, read with `readSync`, checked, and cached when the reader has a cache; or, while a
 * {@link TableMemory} holds the table, parsed from the file's bytes in memory, each block
 * checked once and kept.
 */
export class DataBlocks implements TableBlocks, HeldTable {
  readonly count: number
  closed = false
  lastUse = 0
  readonly #cacheId: number
  // While held: the whole file, and the blocks parsed from it so far (each checked first).
  #bytes: Uint8Array | undefined
  #parsed: (Block | undefined)[] | undefined
  #memory: TableMemory | undefined

  constructor(
    readonly path: string,
    readonly handle: FileHandle,
    readonly index: TableIndex,
    readonly cache: BlockCache | undefined,
    /** The table's format version, which says how its blocks are checksummed. */
    readonly version: number,
  ) {
    this.count = index.offsets.length
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
    const texts = this.index.texts
    let lo = 0
    let hi = texts.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (texts[mid]! < text) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** True while a {@link TableMemory} holds the table. */
  get held(): boolean {
    return this.#bytes !== undefined
  }

  /**
   * Asks `memory` to hold the table, whose whole file is `bytes`, which must not change. False
   * when it does not fit; blocks are then read from the file as before.
   */
  hold(memory: TableMemory, bytes: Uint8Array): boolean {
    this.#memory = memory
    this.#bytes = bytes
    this.#parsed = new Array<Block | undefined>(this.count)
    if (memory.admit(this, bytes.length)) return true
    this.drop()
    return false
  }

  /** A copy of the whole file while held, else undefined. */
  copyHeld(): Uint8Array | undefined {
    return this.#bytes?.slice()
  }

  drop(): void {
    this.#bytes = undefined
    this.#parsed = undefined
  }

  release(): void {
    this.cache?.release(this.#cacheId)
    this.#memory?.release(this)
  }

  readLength(i: number): number {
    return this.index.sizes[i]! + BLOCK_TRAILER_SIZE
  }

  load(i: number, into?: Uint8Array): Block {
    this.checkOpen()
    const parsed = this.#parsed
    if (parsed !== undefined) {
      this.lastUse = this.#memory!.clock++
      return parsed[i] ?? this.#parseHeld(parsed, i)
    }
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

  // A held block's first read: checked and parsed from memory, then kept. A damaged block is
  // not kept, so every read of it fails as a read from the file would.
  #parseHeld(parsed: (Block | undefined)[], i: number): Block {
    const offset = this.index.offsets[i]!
    const length = this.readLength(i)
    const at = { file: this.path, offset, what: 'data block' }
    const block = this.#parse(this.#bytes!.subarray(offset, offset + length), length, at)
    parsed[i] = block
    return block
  }

  #parse(raw: Uint8Array, length: number, at: Location): Block {
    if (raw.length !== length) throw corruption(at, 'file is truncated')
    return new Block(checkBlock(raw, BlockType.DATA, at, this.version), at)
  }
}
