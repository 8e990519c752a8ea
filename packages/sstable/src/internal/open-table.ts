/**
 * What opening a table reads: the footer, then the filter, properties and index blocks, each
 * checked before anything is built on it.
 *
 * The reads are synchronous, as data block reads are (see reader.ts): a table is opened right
 * after it is written (a flush, a compaction) or at startup, when its tail is in the page
 * cache, and each async read would wait for the thread pool and then for the event loop, which
 * a busy writer holds for a batch at a time. Four such round trips made up a sizeable share of
 * a flush's latency in a bulk load.
 *
 * @module
 */
import type { FileHandle } from '@lsmkit/fs'
import { Block } from '../block.js'
import { BloomFilter } from '../bloom.js'
import { compareKeys } from '../compare.js'
import { type BlockHandle, decodeFooter } from '../footer.js'
import { BLOCK_TRAILER_SIZE, BlockType, FOOTER_SIZE } from '../format.js'
import { decodeIndex, type TableIndex } from '../index-block.js'
import { decodeProperties, type TableProperties } from '../properties.js'
import { corruption, type Location } from './corruption.js'
import { checkBlock } from './trailer.js'

/** Everything of a table but its data blocks. */
export interface TableParts {
  readonly fileSize: number
  readonly props: TableProperties
  readonly filter: BloomFilter
  readonly index: TableIndex
  /** The format version, which says how blocks are checksummed. */
  readonly version: number
}

/**
 * Reads and checks the footer, filter, properties and index of the table open as `handle`.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` naming `path` and the offset of the part at
 *   fault; `LEVEL_NOT_SUPPORTED` for an unknown format version.
 */
export function openTableParts(path: string, handle: FileHandle): TableParts {
  const fileSize = handle.size()
  const footerOffset = fileSize - FOOTER_SIZE
  const footerAt = { file: path, offset: Math.max(0, footerOffset), what: 'footer' }
  if (footerOffset < 0) throw corruption(footerAt, 'file too short for a footer')
  const footer = decodeFooter(readExact(handle, footerOffset, FOOTER_SIZE, footerAt), footerAt)
  // In version 1 the meta blocks sit back to back between the data blocks and the footer.
  const end = (h: BlockHandle): number => h.offset + h.size + BLOCK_TRAILER_SIZE
  if (
    end(footer.filter) !== footer.properties.offset ||
    end(footer.properties) !== footer.index.offset ||
    end(footer.index) !== footerOffset
  ) {
    throw corruption(footerAt, 'block handles do not tile the file')
  }
  const read = (h: BlockHandle, type: BlockType, at: Location): Uint8Array =>
    checkBlock(readExact(handle, h.offset, h.size + BLOCK_TRAILER_SIZE, at), type, at, footer.version)

  const filterAt = { file: path, offset: footer.filter.offset, what: 'filter block' }
  const filter = new BloomFilter(read(footer.filter, BlockType.FILTER, filterAt), filterAt)

  const propsAt = { file: path, offset: footer.properties.offset, what: 'properties block' }
  const props = decodeProperties(new Block(read(footer.properties, BlockType.PROPERTIES, propsAt), propsAt))
  if (props.formatVersion !== footer.version)
    throw corruption(propsAt, 'format version disagrees with the footer')

  const indexAt = { file: path, offset: footer.index.offset, what: 'index block' }
  const index = decodeIndex(
    new Block(read(footer.index, BlockType.INDEX, indexAt), indexAt),
    footer.filter.offset,
  )
  // The last separator is the table's last key, and no separator sorts before the first key.
  if (
    compareKeys(index.separators[index.separators.length - 1]!, props.largestKey) !== 0 ||
    compareKeys(index.separators[0]!, props.smallestKey) < 0
  ) {
    throw corruption(indexAt, 'index disagrees with the key range of the properties')
  }
  return { fileSize, props, filter, index, version: footer.version }
}

function readExact(handle: FileHandle, offset: number, length: number, at: Location): Uint8Array {
  const bytes = handle.readSync(offset, length)
  if (bytes.length !== length) throw corruption(at, 'file is truncated')
  return bytes
}
