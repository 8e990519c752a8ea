/**
 * CRC-32C (Castagnoli) checksums and LevelDB's masking, shared by every lsmkit format.
 *
 * A checksum is stored masked because computing the CRC of a string that itself contains
 * embedded CRCs (a log record holding a table block, say) is error-prone: masking makes a
 * stored CRC differ from the CRC of the bytes it sits in.
 *
 * @module
 */
import CRC32C from 'crc-32/crc32c.js'

/** On-disk: the constant added when masking a CRC. Never change it. */
const MASK_DELTA = 0xa282ead8

/**
 * The CRC-32C of `data` as an unsigned 32-bit integer, continuing from `seed` when given
 * (pass the previous unmasked result to checksum bytes in pieces).
 */
export function crc32c(data: Uint8Array, seed?: number): number {
  return CRC32C.buf(data, seed === undefined ? undefined : seed | 0) >>> 0
}

/** Masks an unsigned CRC for storage: rotate right by 15 bits, then add a constant. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0
}

/** Reverses {@link maskCrc}. */
export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0
  return ((rot >>> 17) | (rot << 15)) >>> 0
}
