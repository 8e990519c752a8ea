/**
 * The fixed-size footer that ends every table, and the block handles it holds. A reader starts
 * here: the footer is the only thing at a known place.
 *
 * @module
 */

import { ErrorCode, LsmError } from '@lsmkit/fs'
import { crc32c, maskCrc } from '@lsmkit/log'
import { FOOTER_CHECKED_SIZE, FOOTER_SIZE, TABLE_FORMAT_VERSIONS, TABLE_MAGIC } from './format.js'
import { ByteWriter, readU32, readU64 } from './internal/bytes.js'
import { corruption, type Location } from './internal/corruption.js'

/** Where a block lives: its contents' offset and size; the trailer follows the contents. */
export interface BlockHandle {
  readonly offset: number
  readonly size: number
}

/** What a footer records. */
export interface Footer {
  readonly filter: BlockHandle
  readonly properties: BlockHandle
  readonly index: BlockHandle
  readonly version: number
}

/** Encodes a footer; its handles' offsets are safe integers and sizes fit in 32 bits. */
export function encodeFooter(footer: Footer): Uint8Array {
  const out = new ByteWriter(FOOTER_SIZE)
  for (const handle of [footer.filter, footer.properties, footer.index]) {
    out.u64(handle.offset)
    out.u32(handle.size)
  }
  out.u32(footer.version)
  out.u32(maskCrc(crc32c(out.view())))
  out.bytes(Uint8Array.from(TABLE_MAGIC))
  return out.view().slice()
}

/**
 * Decodes the last {@link FOOTER_SIZE} bytes of a table.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` for a bad magic number, checksum or offset;
 *   `LEVEL_NOT_SUPPORTED` for an intact footer of a format version this code does not know.
 */
export function decodeFooter(bytes: Uint8Array, at: Location): Footer {
  if (bytes.length !== FOOTER_SIZE) throw corruption(at, 'file too short for a footer')
  for (let i = 0; i < TABLE_MAGIC.length; i++) {
    if (bytes[FOOTER_SIZE - TABLE_MAGIC.length + i] !== TABLE_MAGIC[i])
      throw corruption(at, 'bad magic number')
  }
  if (readU32(bytes, FOOTER_CHECKED_SIZE) !== maskCrc(crc32c(bytes.subarray(0, FOOTER_CHECKED_SIZE)))) {
    throw corruption(at, 'checksum mismatch')
  }
  const handle = (pos: number): BlockHandle => {
    const offset = readU64(bytes, pos)
    if (offset === undefined) throw corruption(at, 'block offset out of range')
    return { offset, size: readU32(bytes, pos + 8) }
  }
  const version = readU32(bytes, 36)
  if (!TABLE_FORMAT_VERSIONS.some((v) => v.version === version)) {
    throw new LsmError(
      ErrorCode.NOT_SUPPORTED,
      `sstable: format version ${version} of ${at.file} is not supported`,
      {
        file: at.file,
        offset: at.offset,
      },
    )
  }
  return { filter: handle(0), properties: handle(12), index: handle(24), version }
}
