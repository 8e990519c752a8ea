/**
 * Writes as the engine carries them from the caller to the log and the memtable: encoded once,
 * in the log's batch layout (`key_len u16 | value_len u16 | key | value`, value_len 0 for a
 * delete), in memory carved from a {@link Slab}.
 *
 * One encoding serves both consumers: the log frames these bytes as they are, and the memtable
 * keeps its values inside them. Before, each write was an array of `{ key, value }` objects
 * with a copy of each key and value, which the log then encoded into bytes of its own: three
 * objects and two views per entry, all garbage but the views a memtable node kept.
 *
 * @module
 */
import { ENTRY_HEADER_SIZE } from '@lsmkit/log'
import type { Slab } from './slab.js'

/** The encoding of a batch with one put. */
export function encodePut(slab: Slab, key: Uint8Array, value: Uint8Array): Uint8Array {
  const out = slab.carve(ENTRY_HEADER_SIZE + key.length + value.length)
  encodeEntry(out, 0, key, value)
  return out
}

/** The encoding of a batch with one delete. */
export function encodeDelete(slab: Slab, key: Uint8Array): Uint8Array {
  const out = slab.carve(ENTRY_HEADER_SIZE + key.length)
  encodeEntry(out, 0, key, undefined)
  return out
}

/**
 * The encoding of a batch of `keys.length` operations: a put of `values[i]`, or a delete where
 * it is `undefined`. REQUIRES: keys and values already checked (lengths within the log's limits).
 */
export function encodeOps(
  slab: Slab,
  keys: readonly Uint8Array[],
  values: readonly (Uint8Array | undefined)[],
): Uint8Array {
  let size = 0
  for (let i = 0; i < keys.length; i++) size += ENTRY_HEADER_SIZE + keys[i]!.length + (values[i]?.length ?? 0)
  const out = slab.carve(size)
  // Encoded in unshared memory first, at the same place within an 8-byte word as `out`, then
  // copied over whole: V8 copies into shared memory a byte at a time unless source and target
  // line up, so a copy per key and per value cost about eight times what one aligned copy does.
  const lead = out.byteOffset & 7
  const into = lead + size <= SCRATCH_MAX ? scratchOf(lead + size) : new Uint8Array(lead + size)
  let at = lead
  for (let i = 0; i < keys.length; i++) at = encodeEntry(into, at, keys[i]!, values[i])
  out.set(into.subarray(lead, at))
  return out
}

// Where encodeOps encodes a batch before copying it into shared memory: grown to the largest
// batch seen, up to SCRATCH_MAX bytes; a larger batch is encoded in memory of its own.
const SCRATCH_MAX = 1 << 20
let scratch = new Uint8Array(64 * 1024)

function scratchOf(bytes: number): Uint8Array {
  if (scratch.length < bytes)
    scratch = new Uint8Array(Math.min(SCRATCH_MAX, Math.max(bytes, scratch.length * 2)))
  return scratch
}

// Writes one entry at `at`; returns the offset after it.
function encodeEntry(out: Uint8Array, at: number, key: Uint8Array, value: Uint8Array | undefined): number {
  const valueLength = value === undefined ? 0 : value.length
  out[at] = key.length & 0xff
  out[at + 1] = key.length >>> 8
  out[at + 2] = valueLength & 0xff
  out[at + 3] = valueLength >>> 8
  out.set(key, at + ENTRY_HEADER_SIZE)
  if (value !== undefined) out.set(value, at + ENTRY_HEADER_SIZE + key.length)
  return at + ENTRY_HEADER_SIZE + key.length + valueLength
}
