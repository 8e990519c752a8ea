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
import { newEntryHead, readEntryHead } from './entry-head.js'
import { copyOut } from './slab.js'

/** What a block holds for a key: a value, or a tombstone (`value` undefined). */
export interface BlockHit {
  readonly value: Uint8Array | undefined
}

const TOMBSTONE: BlockHit = Object.freeze({ value: undefined })

// Reused by every lookup: each one is synchronous and complete before the next begins.
let scratch: Uint8Array = new Uint8Array(256)
const head = newEntryHead()

/**
 * The entry of `block` whose key equals `target`, or `undefined` when the block has none. The
 * value is a copy the caller owns.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when an entry it decodes is malformed.
 */
export function blockGet(block: Block, target: Uint8Array): BlockHit | undefined {
  const data = block.data
  const start = block.restart(block.lastRestartBelow(target))
  const r = new ByteReader(data, block.at, start, block.entriesEnd)
  let keyLength = 0
  while (r.pos < r.end) {
    readEntryHead(r, keyLength, head)
    const { shared, unshared, length, kind, deltaAt, valueAt } = head
    keyLength = shared + unshared
    if (keyLength > scratch.length) scratch = grow(scratch, keyLength)
    const key = scratch
    for (let j = 0; j < unshared; j++) key[shared + j] = data[deltaAt + j]!
    const order = compareRanges(key, 0, keyLength, target, 0, target.length)
    if (order < 0) continue
    if (order > 0) return undefined
    return kind === EntryKind.PUT ? { value: copyOut(data, valueAt, length) } : TOMBSTONE
  }
  return undefined
}

function grow(old: Uint8Array, needed: number): Uint8Array {
  const grown = new Uint8Array(Math.max(needed, old.length * 2))
  grown.set(old)
  return grown
}
