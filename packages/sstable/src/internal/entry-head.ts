/**
 * Decoding the fixed part of a block entry, shared by the block cursor and the point lookup.
 *
 * @module
 */
import { EntryKind } from '../format.js'
import type { ByteReader } from './bytes.js'
import { corruption } from './corruption.js'

/** An entry's lengths, its kind, and where its key delta and value start in the block. */
export interface EntryHead {
  shared: number
  unshared: number
  length: number
  kind: number
  deltaAt: number
  valueAt: number
}

/** A head to decode into; one per decoding loop, so that no entry allocates. */
export function newEntryHead(): EntryHead {
  return { shared: 0, unshared: 0, length: 0, kind: 0, deltaAt: 0, valueAt: 0 }
}

/**
 * Reads the entry at `r`'s position into `head` and steps past it. `previousLength` is the
 * previous key's length (0 at a restart point), which bounds what the entry may share.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when the entry overruns its block,
 *   shares more than the previous key has, or has an unknown kind or a tombstone with a value.
 */
export function readEntryHead(r: ByteReader, previousLength: number, head: EntryHead): void {
  const shared = r.varint32()
  const unshared = r.varint32()
  const length = r.varint32()
  const kind = r.u8()
  if (shared > previousLength) throw corruption(r.at, 'entry shares more than its predecessor')
  if (kind !== EntryKind.PUT && kind !== EntryKind.TOMBSTONE)
    throw corruption(r.at, `unknown entry kind ${kind}`)
  if (kind === EntryKind.TOMBSTONE && length !== 0) throw corruption(r.at, 'tombstone with a value')
  head.shared = shared
  head.unshared = unshared
  head.length = length
  head.kind = kind
  head.deltaAt = r.skip(unshared)
  head.valueAt = r.skip(length)
}
