/**
 * A point lookup inside one block, without a cursor.
 *
 * A cursor decodes a whole restart run into its key arena, so that it can step both ways; a
 * lookup only walks forward from one restart point and stops at the first key not below its
 * target. It does not rebuild the keys it passes. It tracks how many leading bytes the last
 * key passed has in common with the target (`matched`), and an entry's shared-prefix length
 * then often settles the comparison by itself:
 *
 * - The last key P is below the target T and agrees with it on its first `matched` bytes.
 *   If the next key K shares more than `matched` bytes with P, then P is not a prefix of T,
 *   P's byte at `matched` is below T's, and K has that same byte: K is below T too, and none
 *   of K's bytes need to be read.
 * - Otherwise K agrees with T up to its shared length, and only its stored suffix is compared.
 *
 * Entry heads are read inline when their three lengths are single-byte varints, as they are for
 * keys and values under 128 bytes; anything else takes the general decoder. Decoding and
 * comparing took about 1.3 µs of a 6 µs lookup in a table before this (see
 * `docs/guides/performance.md`, "Twelfth round").
 *
 * @module
 */
import type { Block } from '../block.js'
import { EntryKind } from '../format.js'
import { ByteReader } from './bytes.js'
import { newEntryHead, readEntryHead } from './entry-head.js'
import { lookupStart } from './restart-table.js'
import { copyOut } from './slab.js'

/** What a block holds for a key: a value, or a tombstone (`value` undefined). */
export interface BlockHit {
  readonly value: Uint8Array | undefined
}

const TOMBSTONE: BlockHit = Object.freeze({ value: undefined })

// Reused by every lookup that takes the general decoder: each is synchronous and complete.
const head = newEntryHead()

/**
 * The entry of `block` whose key equals `target`, or `undefined` when the block has none. The
 * value is a copy the caller owns.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when an entry it decodes is malformed.
 */
export function blockGet(block: Block, target: Uint8Array): BlockHit | undefined {
  const data = block.data
  const end = block.entriesEnd
  const targetLength = target.length
  let pos = lookupStart(block, target)
  let keyLength = 0
  let matched = 0
  while (pos < end) {
    let shared = data[pos]!
    let unshared = data[pos + 1]!
    let length = data[pos + 2]!
    let kind = data[pos + 3]!
    let deltaAt = pos + 4
    let valueAt = deltaAt + unshared
    let next = valueAt + length
    // One test covers the common case: three one-byte lengths, a known kind, no overrun.
    if ((shared | unshared | length) >= 0x80 || next > end || shared > keyLength || !plain(kind, length)) {
      const r = new ByteReader(data, block.at, pos, end)
      readEntryHead(r, keyLength, head)
      shared = head.shared
      unshared = head.unshared
      length = head.length
      kind = head.kind
      deltaAt = head.deltaAt
      valueAt = head.valueAt
      next = r.pos
    }
    keyLength = shared + unshared
    pos = next
    if (shared > matched) continue
    // The key agrees with the target on [0, shared): compare the rest.
    const limit = Math.min(unshared, targetLength - shared)
    let j = 0
    while (j < limit && data[deltaAt + j] === target[shared + j]) j++
    if (j < limit) {
      if (data[deltaAt + j]! > target[shared + j]!) return undefined
      matched = shared + j
      continue
    }
    if (keyLength < targetLength) {
      matched = keyLength
      continue
    }
    if (keyLength > targetLength) return undefined
    return kind === EntryKind.PUT ? { value: copyOut(data, valueAt, length) } : TOMBSTONE
  }
  return undefined
}

// A put, or a tombstone without a value: anything else is left to the general decoder to reject.
function plain(kind: number, length: number): boolean {
  return kind === EntryKind.PUT || (kind === EntryKind.TOMBSTONE && length === 0)
}
