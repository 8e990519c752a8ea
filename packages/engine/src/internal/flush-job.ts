/**
 * A memtable's flush as data a worker thread can build a table from: the newest version of
 * every key, packed without copying the values that live in shared memory. The entries come in
 * key order, or in the order their keys were first written, which the worker then sorts
 * (key-order.ts): a memtable orders its keys only when something needs the order.
 *
 * The engine encodes writes into memory carved from `SharedArrayBuffer`s (see slab.ts), so a
 * flush hands the worker those buffers and, per entry, where its value lies; only the keys are
 * copied, into one array. Values held elsewhere (a memtable replayed from a log) are copied
 * into a side array. The table the worker builds is the one {@link NewestEntries} would feed
 * an in-thread builder, byte for byte.
 *
 * @module
 */
import { TableBuilder, type TableBuilderOptions } from '@lsmkit/sstable'
import { keyOrder } from './key-order.js'
import { NONE, type Nodes } from './memtable-node.js'

/** Per entry, four numbers in {@link FlushJob.entries}. */
const FIELDS = 4
// The buffer index of a delete, and of a value copied into `side`.
const DELETED = -1
const SIDE = -2

/** What a worker needs to build a flushed memtable's table. Structured-clonable. */
export interface FlushJob {
  /** The table builder's options. */
  readonly options: TableBuilderOptions
  /**
   * Entries, four numbers each: key end in `keys`, buffer index, value start, value length. In
   * key order unless {@link FlushJob.sorted} is false.
   */
  readonly entries: Int32Array
  /** Every key, back to back. */
  readonly keys: Uint8Array
  /** The shared buffers values lie in; a buffer index points here. */
  readonly buffers: readonly SharedArrayBuffer[]
  /** Values that lie in no shared buffer, copied. */
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
  let keys: Uint8Array = new Uint8Array(Math.max(64, count * 24))
  let keyEnd = 0
  let side: Uint8Array = new Uint8Array(0)
  let sideEnd = 0
  const buffers: SharedArrayBuffer[] = []
  const indexes = new Map<ArrayBufferLike, number>()
  let lastBuffer: ArrayBufferLike | null = null
  let lastIndex = 0
  let e = 0
  const next = nodes.next
  for (
    let node = linked ? first : 0;
    node !== NONE && node < count && e < entries.length;
    node = linked ? next[node]! : node + 1
  ) {
    const keyLength = nodes.texts[node]!.length
    if (keyEnd + keyLength > keys.length) keys = grown(keys, keyEnd, keyEnd + keyLength)
    nodes.copyKey(node, keys, keyEnd)
    keyEnd += keyLength
    const buffer = nodes.valueBuffer(node)
    let index: number
    let at = nodes.valueAt(node)
    const length = nodes.valueLength(node)
    if (buffer === null) index = DELETED
    else if (buffer === lastBuffer) index = lastIndex
    else if (buffer instanceof SharedArrayBuffer) {
      index = indexes.get(buffer) ?? buffers.push(buffer) - 1
      indexes.set(buffer, index)
      lastBuffer = buffer
      lastIndex = index
    } else {
      if (sideEnd + length > side.length) side = grown(side, sideEnd, sideEnd + length)
      side.set(new Uint8Array(buffer, at, length), sideEnd)
      index = SIDE
      at = sideEnd
      sideEnd += length
    }
    entries[e] = keyEnd
    entries[e + 1] = index
    entries[e + 2] = at
    entries[e + 3] = length
    e += FIELDS
  }
  return {
    options,
    entries: entries.subarray(0, e),
    keys: keys.subarray(0, keyEnd),
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
  const { entries, keys, side } = job
  const values = job.buffers.map((buffer) => new Uint8Array(buffer))
  const keyBuffer = keys.buffer
  const order = job.sorted ? undefined : entryOrder(entries, keys)
  for (let n = 0; n < entries.length; n += FIELDS) {
    const e = order === undefined ? n : order[n / FIELDS]! * FIELDS
    const keyStart = keys.byteOffset + (e === 0 ? 0 : entries[e - FIELDS]!)
    const keyEnd = keys.byteOffset + entries[e]!
    // A view made by the constructor: see BlockBuilder.add on subarray().
    const key = new Uint8Array(keyBuffer, keyStart, keyEnd - keyStart)
    const index = entries[e + 1]!
    if (index === DELETED) builder.add(key, undefined)
    else {
      const at = entries[e + 2]!
      builder.add(key, index === SIDE ? side : values[index]!, at, at + entries[e + 3]!)
    }
  }
}

// The entries' numbers in key order (see key-order.ts).
function entryOrder(entries: Int32Array, keys: Uint8Array): Int32Array {
  const count = entries.length / FIELDS
  const starts = new Int32Array(count)
  const lengths = new Int32Array(count)
  let start = keys.byteOffset
  for (let i = 0; i < count; i++) {
    const end = keys.byteOffset + entries[i * FIELDS]!
    starts[i] = start
    lengths[i] = end - start
    start = end
  }
  return keyOrder(new Uint8Array(keys.buffer), starts, lengths)
}

function grown(bytes: Uint8Array, used: number, needed: number): Uint8Array {
  const out = new Uint8Array(Math.max(needed, bytes.length * 2))
  out.set(bytes.subarray(0, used))
  return out
}
