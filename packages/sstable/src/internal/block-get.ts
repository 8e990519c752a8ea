/**
 * A point lookup inside one block, without a cursor.
 *
 * A cursor decodes a whole restart run into its key arena, so that it can step both ways; a
 * lookup only walks forward from one restart point and stops at the first key not below its
 * target, so it rebuilds each key in a scratch buffer in place (the shared prefix is already
 * there from the previous key) and decodes half a run on average instead of a whole one.
 *
 * @module
 */
import type { Block } from '../block.js'
import { compareRanges } from '../compare.js'
import { EntryKind } from '../format.js'
import { ByteReader } from './bytes.js'
import { corruption } from './corruption.js'
import { copyOut } from './slab.js'

/** What a block holds for a key: a value, or a tombstone (`value` undefined). */
export interface BlockHit {
  readonly value: Uint8Array | undefined
}

const TOMBSTONE: BlockHit = Object.freeze({ value: undefined })

// Reused by every lookup: each one is synchronous and complete before the next begins.
let scratch: Uint8Array = new Uint8Array(256)

/**
 * The entry of `block` whose key equals `target`, or `undefined` when the block has none. The
 * value is a copy the caller owns.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when an entry it decodes is malformed.
 */
export function blockGet(block: Block, target: Uint8Array): BlockHit | undefined {
  // The last restart whose key is below the target: the target is in its run or later.
  let lo = 0
  let hi = block.restartCount - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (block.compareRestartKey(mid, target) < 0) lo = mid
    else hi = mid - 1
  }
  const data = block.data
  const r = new ByteReader(data, block.at, block.restart(lo), block.entriesEnd)
  let keyLength = 0
  while (r.pos < r.end) {
    const shared = r.varint32()
    const unshared = r.varint32()
    const length = r.varint32()
    const kind = r.u8()
    if (shared > keyLength) throw corruption(block.at, 'entry shares more than its predecessor')
    const deltaAt = r.skip(unshared)
    const valueAt = r.skip(length)
    keyLength = shared + unshared
    if (keyLength > scratch.length) scratch = grow(scratch, keyLength)
    const key = scratch
    for (let j = 0; j < unshared; j++) key[shared + j] = data[deltaAt + j]!
    const order = compareRanges(key, 0, keyLength, target, 0, target.length)
    if (order < 0) continue
    if (order > 0) return undefined
    if (kind === EntryKind.PUT) return { value: copyOut(data, valueAt, length) }
    if (kind === EntryKind.TOMBSTONE && length === 0) return TOMBSTONE
    throw corruption(block.at, `bad entry kind ${kind} with a value of ${length} bytes`)
  }
  return undefined
}

function grow(old: Uint8Array, needed: number): Uint8Array {
  const grown = new Uint8Array(Math.max(needed, old.length * 2))
  grown.set(old)
  return grown
}
