/**
 * Parsing one chunk inside one block, shared by the reader's normal path and its search for
 * intact data after damage.
 *
 * @module
 */
import type { CorruptionReason } from '../corruption.js'
import { crc32c, maskCrc } from '../crc.js'
import { CHUNK_HEADER_SIZE, ChunkType } from '../format.js'

// The CRC of each type byte alone; a chunk's checksum continues from it over the payload.
const TYPE_CRC = [0, 1, 2, 3, 4].map((t) => crc32c(Uint8Array.of(t)))

/** What lies at a position of a block. */
export type ChunkResult =
  | { readonly kind: 'chunk'; readonly type: ChunkType; readonly payload: Uint8Array; readonly size: number }
  | { readonly kind: 'end' }
  | { readonly kind: 'damage'; readonly reason: CorruptionReason }

/**
 * Reads the chunk at `pos` of `block`, whose bytes are those present in the file: fewer than
 * `blockSize` only for the last block. `'end'` means the rest of the block holds no chunk:
 * its end, the file's end, or a zero-filled remainder too short for a chunk header.
 */
export function readChunk(block: Uint8Array, pos: number, blockSize: number): ChunkResult {
  const present = block.length - pos
  if (present <= 0) return { kind: 'end' }
  if (blockSize - pos < CHUNK_HEADER_SIZE) {
    for (let i = pos; i < block.length; i++)
      if (block[i] !== 0) return { kind: 'damage', reason: 'bad-padding' }
    return { kind: 'end' }
  }
  if (present < CHUNK_HEADER_SIZE) return { kind: 'damage', reason: 'truncated' }
  const length = block[pos + 4]! | (block[pos + 5]! << 8)
  const size = CHUNK_HEADER_SIZE + length
  if (pos + size > blockSize) return { kind: 'damage', reason: 'bad-length' }
  if (size > present) return { kind: 'damage', reason: 'truncated' }
  const type = block[pos + 6]!
  const stored =
    (block[pos]! | (block[pos + 1]! << 8) | (block[pos + 2]! << 16) | (block[pos + 3]! << 24)) >>> 0
  const payload = block.subarray(pos + CHUNK_HEADER_SIZE, pos + size)
  // An unknown type is checked after the checksum: with a good checksum it is a format this
  // code does not know, not a flipped bit, and the report says so.
  const seed = TYPE_CRC[type] ?? crc32c(Uint8Array.of(type))
  if (maskCrc(crc32c(payload, seed)) !== stored) return { kind: 'damage', reason: 'checksum' }
  if (type < ChunkType.FULL || type > ChunkType.LAST) return { kind: 'damage', reason: 'unknown-type' }
  return { kind: 'chunk', type: type as ChunkType, payload, size }
}

/**
 * True when an intact chunk starts anywhere in `block` after `from`. Used after damage, whose
 * length field cannot be trusted, to learn whether the damage is a torn tail or has intact
 * data behind it. Every block begins with a chunk, so later blocks need no such search.
 */
export function hasIntactChunkAfter(block: Uint8Array, from: number, blockSize: number): boolean {
  for (
    let pos = from + 1;
    pos + CHUNK_HEADER_SIZE <= block.length && blockSize - pos >= CHUNK_HEADER_SIZE;
    pos++
  ) {
    const type = block[pos + 6]!
    if (type < ChunkType.FULL || type > ChunkType.LAST) continue
    if (readChunk(block, pos, blockSize).kind === 'chunk') return true
  }
  return false
}
