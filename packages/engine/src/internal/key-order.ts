/**
 * Sorting a flush's keys on the build thread: a most-significant-byte-first radix sort.
 *
 * A memtable hands its flush over in the order its keys were first written (see
 * flush-job.ts), and the build thread puts them in key order. A comparison sort of 31,000 of
 * the bench's keys as strings took about 16 ms; the flush thread shares its core with the
 * compaction thread, and in a batched random load that core is the one the writer waits for.
 * Distributing by one byte at a time reads each key's bytes in place and never compares two
 * keys until a group is small.
 *
 * @module
 */

// Groups of at most this many keys are finished by insertion sort: below it, counting 257
// buckets costs more than comparing.
const SMALL = 24

// The keys being sorted, as keyOrder() takes them, in one value so that its helpers take one
// parameter for them.
interface PackedKeys {
  readonly keys: Uint8Array
  readonly starts: Int32Array
  readonly lengths: Int32Array
}

/**
 * The numbers of keys `0 .. starts.length - 1` in bytewise key order (a prefix first), where
 * key `i` is `keys[starts[i] .. starts[i] + lengths[i])`. REQUIRES: the keys are distinct.
 */
export function keyOrder(keys: Uint8Array, starts: Int32Array, lengths: Int32Array): Int32Array {
  const packed: PackedKeys = { keys, starts, lengths }
  const n = starts.length
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const scratch = new Int32Array(n)
  // The bucket of the key at each place of order[from, to), read once per distribution: the
  // placing pass then reads it here, in sequence, instead of each key's bytes a second time
  // at random places (a pass that misses the cache on nearly every key).
  const buckets = new Uint16Array(n)
  // Bucket 0 is "the key ends here", bucket b + 1 is byte b. Counting fills slots 1 to 257, so
  // that a running sum turns them into where each bucket starts.
  const counts = new Int32Array(258)
  // Groups still to sort, three numbers each: from, to, and the depth their keys agree to.
  const groups: number[] = [0, n, 0]
  while (groups.length > 0) {
    let depth = groups.pop()!
    const to = groups.pop()!
    const from = groups.pop()!
    for (;;) {
      if (to - from <= SMALL) {
        insertionSort(packed, order, from, to, depth)
        break
      }
      counts.fill(0)
      let largest = 0
      for (let i = from; i < to; i++) {
        const key = order[i]!
        const bucket = depth < lengths[key]! ? keys[starts[key]! + depth]! + 1 : 0
        buckets[i] = bucket
        const count = ++counts[bucket + 1]!
        if (count > largest) largest = count
      }
      // Every key has the same byte here (a shared prefix): find where the group's keys first
      // differ, without moving anything, and distribute by that byte. One pass over each key's
      // own bytes, where counting byte by byte read every key again per byte of the prefix
      // (nine passes for the bench's zero-padded keys, half of a random flush's sort).
      if (largest === to - from) {
        // (Unless they all end here, which only keys given twice can: leave those as they are.)
        if (counts[1] === to - from) break
        depth = sharedUpTo(packed, order, from, to, depth + 1)
        continue
      }
      // Now counts[b] becomes where bucket b starts; as keys are placed, where it ends.
      counts[0] = from
      for (let b = 1; b < 258; b++) counts[b] = counts[b]! + counts[b - 1]!
      for (let i = from; i < to; i++) scratch[counts[buckets[i]!]!++] = order[i]!
      order.set(scratch.subarray(from, to), from)
      // Bucket 0 holds at most one key (the one that ends here: distinct keys cannot both),
      // already in place. Bucket b spans [counts[b - 1], counts[b]).
      let start = counts[0]!
      for (let b = 1; b < 257; b++) {
        const end = counts[b]!
        if (end - start > 1) groups.push(start, end, depth + 1)
        start = end
      }
      break
    }
  }
  return order
}

// Where the keys of order[from, to), which agree before byte `depth`, first differ: the first
// byte at which two of them differ or one of them ends. Distinct keys make it at most the
// longest key's length.
function sharedUpTo(packed: PackedKeys, order: Int32Array, from: number, to: number, depth: number): number {
  const { keys, starts, lengths } = packed
  const first = order[from]!
  const firstStart = starts[first]!
  let end = lengths[first]!
  for (let i = from + 1; i < to && end > depth; i++) {
    const key = order[i]!
    const start = starts[key]!
    const n = Math.min(end, lengths[key]!)
    let d = depth
    while (d < n && keys[start + d] === keys[firstStart + d]) d++
    end = d
  }
  return end
}

// Sorts order[from, to) by key, comparing from byte `depth` on (the keys agree before it).
function insertionSort(packed: PackedKeys, order: Int32Array, from: number, to: number, depth: number): void {
  const { keys, starts, lengths } = packed
  for (let i = from + 1; i < to; i++) {
    const key = order[i]!
    let j = i
    while (j > from && compareFrom(keys, starts, lengths, order[j - 1]!, key, depth) > 0) {
      order[j] = order[j - 1]!
      j--
    }
    order[j] = key
  }
}

function compareFrom(
  keys: Uint8Array,
  starts: Int32Array,
  lengths: Int32Array,
  a: number,
  b: number,
  depth: number,
): number {
  const aLength = lengths[a]!
  const bLength = lengths[b]!
  const n = Math.min(aLength, bLength)
  const aStart = starts[a]!
  const bStart = starts[b]!
  for (let i = depth; i < n; i++) {
    const d = keys[aStart + i]! - keys[bStart + i]!
    if (d !== 0) return d
  }
  return aLength - bLength
}
