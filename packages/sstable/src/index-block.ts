/**
 * The index block: for each data block, in order, a key that is at least the block's last key
 * and below the next block's first key (a separator), mapped to the block's handle encoded as
 * two varints (offset, size). A lookup for key k reads the first block whose separator is at
 * least k; no other block can hold it.
 *
 * @module
 */
import { type Block, BlockCursor } from './block.js'
import { compareKeys, keyText } from './compare.js'
import { BLOCK_TRAILER_SIZE } from './format.js'
import { ByteReader, ByteWriter } from './internal/bytes.js'
import { corruption } from './internal/corruption.js'

/** The decoded index: parallel arrays, one slot per data block. */
export interface TableIndex {
  readonly separators: readonly Uint8Array[]
  /** {@link keyText} of each separator: a lookup's binary search compares these. */
  readonly texts: readonly string[]
  readonly offsets: readonly number[]
  readonly sizes: readonly number[]
}

/** The value of an index entry for a block at `offset` with `size` bytes of contents. */
export function encodeBlockHandle(offset: number, size: number): Uint8Array {
  const out = new ByteWriter(20)
  out.varint(offset)
  out.varint(size)
  return out.view().slice()
}

/**
 * Decodes the index and checks that its blocks tile `[0, dataEnd)` in order, so that no handle
 * can point outside the data region or into another block.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when it does not.
 */
export function decodeIndex(block: Block, dataEnd: number): TableIndex {
  const separators: Uint8Array[] = []
  const offsets: number[] = []
  const sizes: number[] = []
  let expected = 0
  const cursor = new BlockCursor(block)
  for (cursor.seekToFirst(); cursor.valid; cursor.next()) {
    const value = cursor.value
    if (value === undefined) throw corruption(block.at, 'tombstone in the index')
    const r = new ByteReader(value, block.at)
    const offset = r.varint()
    const size = r.varint()
    if (!r.done) throw corruption(block.at, 'malformed block handle')
    if (offset !== expected || size > dataEnd - offset - BLOCK_TRAILER_SIZE) {
      throw corruption(block.at, `data block handle ${offset}+${size} does not follow the previous block`)
    }
    const key = cursor.key
    const last = separators[separators.length - 1]
    if (last !== undefined && compareKeys(last, key) >= 0)
      throw corruption(block.at, 'separators out of order')
    separators.push(key)
    offsets.push(offset)
    sizes.push(size)
    expected = offset + size + BLOCK_TRAILER_SIZE
  }
  if (expected !== dataEnd) throw corruption(block.at, 'data blocks do not reach the filter block')
  return { separators, texts: separators.map(keyText), offsets, sizes }
}
