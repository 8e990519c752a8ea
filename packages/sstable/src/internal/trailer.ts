/**
 * The 5-byte trailer after every block: its type, then a masked CRC-32C of the contents and
 * the type byte. Checking the type as well as the bytes catches a handle that points at a
 * whole, intact block of the wrong kind.
 *
 * @module
 */
import { crc32c, maskCrc } from '@lsmkit/log'
import { BLOCK_TRAILER_SIZE, type BlockType } from '../format.js'
import { readU32 } from './bytes.js'
import { corruption, type Location } from './corruption.js'

function blockCrc(contents: Uint8Array, type: number): number {
  return maskCrc(crc32c(Uint8Array.of(type), crc32c(contents)))
}

/** The trailer for `contents` stored as a block of `type`. */
export function encodeTrailer(contents: Uint8Array, type: BlockType): Uint8Array {
  const crc = blockCrc(contents, type)
  return Uint8Array.of(type, crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24)
}

/**
 * Checks a block read from disk (`contents` then trailer) and returns its contents.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` on a short read, a wrong type or a bad checksum.
 */
export function checkBlock(raw: Uint8Array, type: BlockType, at: Location): Uint8Array {
  if (raw.length < BLOCK_TRAILER_SIZE) throw corruption(at, 'block is truncated')
  const size = raw.length - BLOCK_TRAILER_SIZE
  // A plain view even when the file system hands back a Buffer, whose slice() would not copy.
  const contents = new Uint8Array(raw.buffer, raw.byteOffset, size)
  const storedType = raw[size]!
  if (readU32(raw, size + 1) !== blockCrc(contents, storedType)) throw corruption(at, 'checksum mismatch')
  if (storedType !== type) throw corruption(at, `block type ${storedType} where ${type} was expected`)
  return contents
}
