/**
 * A point lookup's shortcut past a block's restart array: each restart point's offset, and six
 * bytes of its key as a number, in one small array kept with the parsed block.
 *
 * Why: a lookup in a block otherwise reads the restart array at the block's end, then the key
 * at each restart point its binary search visits, then the run it settles on: three or more
 * reads in different places of a block that is rarely in the CPU's caches, each waiting on the
 * one before. With the table, the search reads one small array and goes straight to the run
 * (see `docs/guides/performance.md`, "Twelfth round").
 *
 * Layout of the Float64Array: [p, then for each restart point its key's number and its
 * offset], where p is the length of the prefix that the first and last restart keys share, and
 * so every restart key. A key's number is its six bytes after that prefix, zero-padded,
 * big-endian. Between keys that share the prefix, a smaller number means a smaller key (see
 * separator-search.ts).
 *
 * Why the search may trust the numbers without checking that the target shares the prefix,
 * and may take a tie as "not below": the point lookup walks forward from where it starts to
 * the end of the block, so any start at or before the right restart point finds the same
 * entry. The search moves past a restart key only when the key's number is below the
 * target's. If the target shares the prefix, that key is below the target. If it does not, it
 * sorts below the first restart key or above the last (every key between those two shares
 * their prefix): below the first, it is not in the block, and no start finds it; above the
 * last, the last run is the right start, and every start is at or before it.
 *
 * @module
 */
import type { Block } from '../block.js'

const WIDTH = 6

// Marks a block looked up once; the second lookup builds the table.
const LOOKED_UP_ONCE = new Float64Array(0)

/**
 * Where a point lookup of `target` in `block` may start reading: at or before the last restart
 * point whose key sorts below `target` (see the module comment). The second lookup of a block
 * builds its table.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when a restart entry is malformed.
 */
export function lookupStart(block: Block, target: Uint8Array): number {
  const seen = block.restartTable
  // A block's first lookup searches the plain way: a block read for one lookup and dropped (no
  // cache, or a full one) would not repay a table.
  if (seen === undefined) {
    block.restartTable = LOOKED_UP_ONCE
    return block.restart(block.lastRestartBelow(target))
  }
  const table = seen === LOOKED_UP_ONCE ? buildTable(block) : seen
  const p = table[0]!
  const want = numberOf(target, p, target.length - p)
  let lo = 0
  let hi = block.restartCount - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (table[1 + 2 * mid]! < want) lo = mid
    else hi = mid - 1
  }
  return table[2 + 2 * lo]!
}

function buildTable(block: Block): Float64Array {
  const count = block.restartCount
  const first = block.restartKey(0)
  const last = block.restartKey(count - 1)
  let p = 0
  while (p < first.length && p < last.length && first[p] === last[p]) p++
  const table = new Float64Array(1 + 2 * count)
  table[0] = p
  for (let i = 0; i < count; i++) {
    const key = block.restartKey(i)
    table[1 + 2 * i] = numberOf(key, p, key.length - p)
    table[2 + 2 * i] = block.restart(i)
  }
  block.restartTable = table
  return table
}

// The first `length` bytes of `bytes` from `at`, at most WIDTH of them and zeros for the rest,
// as one big-endian number below 2^48.
function numberOf(bytes: Uint8Array, at: number, length: number): number {
  let n = 0
  for (let i = 0; i < WIDTH; i++) n = n * 256 + (i < length ? bytes[at + i]! : 0)
  return n
}
