/**
 * A memtable's flush as data a worker thread can build a table from: the newest version of
 * every key, handed over without copying the bytes that live in shared memory. The entries come
 * in key order, or in the order their keys were first written, which the worker then sorts
 * (key-order.ts): a memtable orders its keys only when something needs the order.
 *
 * The engine encodes writes into memory carved from `SharedArrayBuffer`s (see slab.ts), in the
 * log's layout, where each value follows its key. So a flush hands the worker those buffers and,
 * per entry, where its key starts, its length and its value's length: four numbers, no bytes.
 * Only entries held elsewhere (a memtable replayed from a log, a delete) have their key, and
 * value, copied into a side array, laid out the same way. The table the worker builds is the
 * one {@link NewestEntries} would feed an in-thread builder, byte for byte.
 *
 * @module
 */
import { TableBuilder, type TableBuilderOptions } from '@lsmkit/sstable'
import { keyOrder } from './key-order.js'
import { NONE, type Nodes } from './memtable-node.js'

/** Per entry, four numbers in {@link FlushJob.entries}. */
const FIELDS = 4
// The buffer index of an entry whose bytes were copied into `side`.
const SIDE = -1
// The value length of a delete.
const TOMBSTONE = -1

/** What a worker needs to build a flushed memtable's table. Structured-clonable. */
export interface FlushJob {
  /** The table builder's options. */
  readonly options: TableBuilderOptions
  /**
   * Entries, four numbers each: the buffer their bytes lie in (an index into `buffers`, or -1
   * for `side`), where the key starts there, the key's length, and the value's length (-1 for
   * a delete); the value follows the key. In key order unless {@link FlushJob.sorted} is false.
   */
  readonly entries: Int32Array
  /** The shared buffers keys and values lie in; a buffer index points here. */
  readonly buffers: readonly SharedArrayBuffer[]
  /** The keys and values that lie in no shared buffer, copied. */
  readonly side: Uint8Array
  /**
   * False when `entries` are in the order the keys were first written, not in key order: the
   * builder then sorts them, on its own thread.
   */
  readonly sorted: boolean
}

/**
 * Packs the first `count` nodes of `nodes` (every key of a memtable) into a job for a builder
 * of `options`: walking the key-order list from `first`, or, when `first` is undefined, in the
 * order the nodes were added, which is key order only when `sorted` says so.
 */
export function packFlush(
  nodes: Nodes,
  count: number,
  options: TableBuilderOptions,
  first: number | undefined,
  sorted: boolean,
): FlushJob {
  const linked = first !== undefined
  const entries = new Int32Array(count * FIELDS)
  let side: Uint8Array = new Uint8Array(0)
  let sideEnd = 0
  const buffers: SharedArrayBuffer[] = []
  const indexes = new Map<ArrayBufferLike, number>()
  let lastBuffer: ArrayBufferLike | null = null
  let lastIndex = 0
  let e = 0
  const next = nodes.next
  const texts = nodes.texts
  for (
    let node = linked ? first : 0;
    node !== NONE && node < count && e < entries.length;
    node = linked ? next[node]! : node + 1
  ) {
    const keyLength = texts[node]!.length
    const buffer = nodes.valueBuffer(node)
    const at = nodes.valueAt(node)
    const length = nodes.valueLength(node)
    let index = SIDE
    if (buffer === lastBuffer && nodes.keyBefore(node)) index = lastIndex
    else if (buffer instanceof SharedArrayBuffer && nodes.keyBefore(node)) {
      index = indexes.get(buffer) ?? buffers.push(buffer) - 1
      indexes.set(buffer, index)
      lastBuffer = buffer
      lastIndex = index
    }
    if (index !== SIDE) {
      entries[e] = index
      entries[e + 1] = at - keyLength
      entries[e + 2] = keyLength
      entries[e + 3] = length
    } else {
      if (sideEnd + keyLength + length > side.length)
        side = grown(side, sideEnd, sideEnd + keyLength + length)
      nodes.copyKey(node, side, sideEnd)
      if (buffer !== null) side.set(new Uint8Array(buffer, at, length), sideEnd + keyLength)
      entries[e] = SIDE
      entries[e + 1] = sideEnd
      entries[e + 2] = keyLength
      entries[e + 3] = buffer === null ? TOMBSTONE : length
      sideEnd += keyLength + length
    }
    e += FIELDS
  }
  return {
    options,
    entries: entries.subarray(0, e),
    buffers,
    side: side.subarray(0, sideEnd),
    sorted: linked || sorted,
  }
}

/**
 * Builds the table of `job`: its bytes, ready to be written.
 *
 * @throws {@link @lsmkit/fs!LsmError} as `TableBuilder` does (never for a job made by {@link packFlush}).
 */
export function buildFlush(job: FlushJob): Uint8Array {
  const builder = new TableBuilder(job.options)
  addEntries(builder, job)
  return builder.finish().bytes
}

// The loop on its own: a function whose hot loop is followed by code that has not run yet gets
// optimized mid-loop without feedback for that code, and V8 threw the optimized code away at
// the end of every flush (measured: 30 deoptimizations in 30 builds).
function addEntries(builder: TableBuilder, job: FlushJob): void {
  const { entries, side, buffers } = job
  const values = buffers.map((buffer) => new Uint8Array(buffer))
  const order = job.sorted ? undefined : entryOrder(entries, values, side)
  // A typed array's `buffer` and `byteOffset` are calls into V8's runtime, about 50 ns the
  // pair: taken once here, not per entry. Each of `values` views its whole buffer.
  const sideBuffer = side.buffer
  const sideOffset = side.byteOffset
  for (let n = 0; n < entries.length; n += FIELDS) {
    const e = order === undefined ? n : order[n / FIELDS]! * FIELDS
    const index = entries[e]!
    const bytes = index === SIDE ? side : values[index]!
    const keyStart = entries[e + 1]!
    const keyEnd = keyStart + entries[e + 2]!
    // A view made by the constructor: see BlockBuilder.add on subarray().
    const key =
      index === SIDE
        ? new Uint8Array(sideBuffer, sideOffset + keyStart, keyEnd - keyStart)
        : new Uint8Array(buffers[index]!, keyStart, keyEnd - keyStart)
    const valueLength = entries[e + 3]!
    if (valueLength === TOMBSTONE) builder.add(key, undefined)
    else builder.add(key, bytes, keyEnd, keyEnd + valueLength)
  }
}

// The entries' numbers in key order (see key-order.ts), their keys first gathered into one
// array here, on the build thread.
function entryOrder(entries: Int32Array, values: readonly Uint8Array[], side: Uint8Array): Int32Array {
  const count = entries.length / FIELDS
  let total = 0
  for (let e = 0; e < entries.length; e += FIELDS) total += entries[e + 2]!
  const keys = new Uint8Array(total)
  const starts = new Int32Array(count)
  const lengths = new Int32Array(count)
  let at = 0
  for (let i = 0; i < count; i++) {
    const e = i * FIELDS
    const index = entries[e]!
    const bytes = index === SIDE ? side : values[index]!
    const start = entries[e + 1]!
    const length = entries[e + 2]!
    for (let j = 0; j < length; j++) keys[at + j] = bytes[start + j]!
    starts[i] = at
    lengths[i] = length
    at += length
  }
  return keyOrder(keys, starts, lengths)
}

function grown(bytes: Uint8Array, used: number, needed: number): Uint8Array {
  const out = new Uint8Array(Math.max(needed, bytes.length * 2))
  out.set(bytes.subarray(0, used))
  return out
}
