/**
 * The on-disk format of an lsmkit log. Everything in this file is persisted: never renumber or
 * reuse a value; retire one by leaving it here as a comment. The full document, with a grammar
 * and a worked example, is docs/formats/log.md.
 *
 * A log file is a 16-byte file header followed by chunks, laid out in fixed-size blocks
 * (`block_size` bytes, recorded in the header). Block k covers file offsets
 * [k * block_size, (k + 1) * block_size); block 0 begins with the header.
 *
 * ```text
 * file header (offset 0, 16 bytes, all integers little-endian):
 * +--------------+---------+--------------+----------------+-----------------+
 * | magic  u32   | version | reserved     | block_size u32 | masked crc32c   |
 * | "lsmw"       | u8 = 1  | 3 bytes of 0 |                | of bytes 0..11  |
 * +--------------+---------+--------------+----------------+-----------------+
 *
 * chunk (never crosses a block boundary):
 * +-------------------+------------+---------+---------------------+
 * | masked crc32c u32 | length u16 | type u8 | payload (length B)  |
 * +-------------------+------------+---------+---------------------+
 *   crc = CRC-32C over the type byte then the payload, stored masked.
 *   A block remainder shorter than a chunk header (< 7 bytes) is filled with zeros.
 *
 * record = FULL | FIRST MIDDLE* LAST: the payloads joined make one batch.
 *
 * batch = entry*:
 * +-------------+---------------+-----------------+-------------------+
 * | key_len u16 | value_len u16 | key (key_len B) | value (value_len) |
 * +-------------+---------------+-----------------+-------------------+
 *   value_len 0 marks a delete.
 * ```
 *
 * @module
 */

/** On-disk: the file header's first four bytes, "lsmw" read as a little-endian u32. */
export const LOG_MAGIC = 0x776d736c

/**
 * On-disk: every format version, oldest first, with what it added. A reader accepts exactly
 * these versions.
 */
export const LOG_FORMAT_VERSIONS = [
  { version: 1, added: 'the first format: file header, chunks, batches' },
] as const

/** On-disk: the version written by this code. */
export const LOG_FORMAT_VERSION = 1

/** On-disk: size of the file header at offset 0. */
export const LOG_HEADER_SIZE = 16

/** On-disk: size of a chunk header (crc u32, length u16, type u8). */
export const CHUNK_HEADER_SIZE = 7

/** On-disk: chunk types. 0 is never written, so zeroed space never reads as a chunk. */
export const ChunkType = {
  /** A whole record in one chunk. */
  FULL: 1,
  /** The first fragment of a record spanning blocks. */
  FIRST: 2,
  /** An inner fragment. */
  MIDDLE: 3,
  /** The last fragment. */
  LAST: 4,
} as const

/** A chunk type value. */
export type ChunkType = (typeof ChunkType)[keyof typeof ChunkType]

/** On-disk: size of an entry header (key_len u16, value_len u16). */
export const ENTRY_HEADER_SIZE = 4

/** The longest key an entry can hold (its length is a u16). */
export const MAX_KEY_LENGTH = 0xffff

/** The longest value an entry can hold (its length is a u16). */
export const MAX_VALUE_LENGTH = 0xffff

/** The block size used when none is given: the design's 128-byte block. */
export const DEFAULT_BLOCK_SIZE = 128

/** The smallest block size: block 0 must hold the header, a chunk header and a payload byte. */
export const MIN_BLOCK_SIZE = 32

/** The largest block size: a chunk's length is a u16. */
export const MAX_BLOCK_SIZE = 65536
