/**
 * The on-disk format of an lsmkit sorted string table. Everything in the first part of this
 * file is persisted: never renumber or reuse a value; retire one by leaving it here as a
 * comment. The full document, with a grammar and a worked example in hex, is
 * docs/formats/sstable.md.
 *
 * ```text
 * table file (all fixed-width integers little-endian):
 * +--------------------+ offset 0
 * | data block 0       |  \
 * | ...                |   } sorted entries, about block_size bytes each
 * | data block n-1     |  /
 * | filter block       |  one bloom filter over every key of the table
 * | properties block   |  smallest/largest key, counts, format version
 * | index block        |  one entry per data block: separator key -> block handle
 * | footer (52 bytes)  |
 * +--------------------+ file size
 *   In version 1 the blocks tile the file exactly, in this order, with no gaps.
 *
 * block = contents | trailer
 * trailer (5 bytes):
 * +---------------+-------------------------------------------+
 * | block_type u8 | masked crc u32 of contents then the type  |
 * +---------------+-------------------------------------------+
 *   crc is CRC-32 (IEEE 802.3, zlib's) from version 2 on, CRC-32C in version 1.
 *
 * contents of a data, index or properties block:
 * +---------+-----+---------+----------------------+------------------+
 * | entry 0 | ... | entry m | restart u32 * r      | r u32            |
 * +---------+-----+---------+----------------------+------------------+
 *   restart[i] = offset in the contents of an entry stored with shared = 0.
 *
 * entry:
 * +---------------+-----------------+--------------------+---------+-----------+-------+
 * | shared varint | unshared varint | value_len varint   | kind u8 | key delta | value |
 * +---------------+-----------------+--------------------+---------+-----------+-------+
 *   key = previous key[0 .. shared) + key delta (unshared bytes); a tombstone has value_len 0.
 *
 * contents of the filter block:
 * +------------------------+-----------+
 * | bit array (m / 8 B)    | probes u8 |
 * +------------------------+-----------+
 *
 * footer (52 bytes, at file size - 52):
 * +----------------+-------------------+--------------------+----------------------+
 * | filter off u64 | filter size u32   | properties off u64 | properties size u32  |
 * +----------------+-------------------+--------------------+----------------------+
 * | index off u64  | index size u32    | format_version u32 | masked crc32c u32    |
 * +----------------+-------------------+--------------------+----------------------+
 * | magic (8 bytes): 89 4c 53 54 0d 0a 1a 0a                                       |
 * +--------------------------------------------------------------------------------+
 *   A block handle's size counts the contents only; the trailer follows them.
 *   The footer's crc covers its first 40 bytes and is CRC-32C in every version, so a reader
 *   learns the version before it needs the block checksum.
 * ```
 *
 * @module
 */

/**
 * On-disk: the last 8 bytes of every table, "\x89LST\r\n\x1a\n". Like PNG's signature, the high
 * byte and the line endings make a file mangled by a text-mode transfer fail the check.
 */
export const TABLE_MAGIC = [0x89, 0x4c, 0x53, 0x54, 0x0d, 0x0a, 0x1a, 0x0a] as const

/**
 * On-disk: every format version, oldest first, with what it added. A reader accepts exactly
 * these versions.
 */
export const TABLE_FORMAT_VERSIONS = [
  {
    version: 1,
    added: 'the first format: data, filter, properties and index blocks, 52-byte footer',
  },
  {
    version: 2,
    added:
      'block trailers checksum with CRC-32 (IEEE) instead of CRC-32C: Node computes it natively ' +
      '(zlib.crc32), about four times faster than CRC-32C in JavaScript on a 4 KiB block',
  },
] as const

/** On-disk: the version written by this code. */
export const TABLE_FORMAT_VERSION = 2

/** On-disk: size of the footer at the end of the file. */
export const FOOTER_SIZE = 52

/** On-disk: bytes of the footer covered by its checksum (everything before the checksum). */
export const FOOTER_CHECKED_SIZE = 40

/** On-disk: size of a block trailer (block type u8, masked crc u32). */
export const BLOCK_TRAILER_SIZE = 5

/**
 * On-disk: the role of a block, stored in its trailer and covered by its checksum, so a handle
 * that points at the wrong block is caught. 0 is never written, so zeroed space never checks.
 */
export const BlockType = {
  /** Sorted entries of the table. */
  DATA: 1,
  /** The bloom filter. */
  FILTER: 2,
  /** Named table properties. */
  PROPERTIES: 3,
  /** Separator keys and handles of the data blocks. */
  INDEX: 4,
} as const

/** A block type value. */
export type BlockType = (typeof BlockType)[keyof typeof BlockType]

/** On-disk: the kind byte of an entry. 0 is never written. */
export const EntryKind = {
  /** A key with a value (the value may be empty in the format; lsmkit's engine never writes one). */
  PUT: 1,
  /** A deletion marker: the key has no value, and older tables must not be consulted. */
  TOMBSTONE: 2,
} as const

/** An entry kind value. */
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind]

/** On-disk: size of one restart offset, and of the restart count, in a block. */
export const RESTART_SIZE = 4

/**
 * On-disk: names of the entries of the properties block, in bytewise order as they are stored.
 * Each value is a varint except the two keys, stored raw. A reader requires all five and skips
 * names it does not know, so a later writer may add properties within the same version.
 */
export const PropertyName = {
  /** Number of entries, tombstones included. */
  ENTRY_COUNT: 'entries',
  /** The format version, repeated from the footer. */
  FORMAT_VERSION: 'format',
  /** The largest key of the table. */
  LARGEST_KEY: 'largest',
  /** The smallest key of the table. */
  SMALLEST_KEY: 'smallest',
  /** Number of tombstones. */
  TOMBSTONE_COUNT: 'tombstones',
} as const

/**
 * On-disk: seed of the 32-bit hash (MurmurHash3, x86 32-bit variant) that gives a key's first
 * bloom probe. Changing it makes every stored filter answer wrongly.
 */
export const BLOOM_HASH_SEED = 0x4c535431

/** On-disk: seed of the second hash, which gives the step between a key's bloom probes. */
export const BLOOM_DELTA_SEED = 0x9e3779b9

/** On-disk: probe counts a filter may record; more than 30 buys nothing at any sane bits per key. */
export const MAX_BLOOM_PROBES = 30

/** On-disk: the fewest bits a filter has, so that a tiny table's filter is not all ones. */
export const MIN_BLOOM_BITS = 64

// Limits and defaults below are not persisted: a reader never depends on them.

/** The longest key a table accepts, in bytes. */
export const MAX_KEY_LENGTH = 0xffff

/** The longest value a table accepts, in bytes. */
export const MAX_VALUE_LENGTH = 0xffff

/** Target size of a data block's contents when none is given. */
export const DEFAULT_BLOCK_SIZE = 4096

/** Entries between restart points when none is given. */
export const DEFAULT_RESTART_INTERVAL = 16

/** Bloom filter bits per key when none is given: about a 1% false-positive rate. */
export const DEFAULT_BITS_PER_KEY = 10
