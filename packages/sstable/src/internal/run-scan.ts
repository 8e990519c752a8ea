/**
 * RunScan: a forward-only walk over a run of tables (tables sorted by key whose ranges do not
 * meet), decoding each data block's entries in place, for {@link TableMerger}. A cursor serves
 * seeks in both directions and hands out keys as views or copies; a merge only ever steps
 * forward and copies each entry once, into the table it builds, so this walk keeps the current
 * key in one buffer of its own and the value where it lies in the block.
 *
 * @module
 */
import type { Block } from '../block.js'
import type { TableBlocks } from '../cursor.js'
import { EntryKind, RESTART_SIZE } from '../format.js'
import { corruption } from './corruption.js'

/** Bytes of a key, after the prefix every key of the merge shares, that {@link RunScan.abbrev} holds. */
export const ABBREV_BYTES = 6

/**
 * One run's position in a merge. While {@link RunScan.valid}: the key is
 * `key[0 .. keyLength)`, and the value is `data[valueAt .. valueAt + valueLength)`, or
 * nothing for a tombstone. Both stay put until the next {@link RunScan.next}.
 */
export class RunScan {
  /** The current key's bytes, in `[0, keyLength)`; the buffer is reused from entry to entry. */
  key = new Uint8Array(64)
  /** The current key's length. */
  keyLength = 0
  /** The bytes of the block the current entry lies in. */
  data: Uint8Array = new Uint8Array(0)
  /** Where the current value starts in {@link RunScan.data}. */
  valueAt = 0
  /** The current value's length; 0 for a tombstone. */
  valueLength = 0
  /** True when the current entry is a tombstone. */
  tombstone = false
  /** True while on an entry. */
  valid = false
  /**
   * The {@link ABBREV_BYTES} bytes of the key after the merge's shared prefix, as a number
   * (missing bytes count as 0): of two keys, the one with the smaller number sorts first, and
   * equal numbers need the rest of the keys compared. A merge compares every run's key on
   * every step, and the keys of a compaction share their first bytes (those of padded numbers
   * share nine or ten), so most comparisons are decided here without a byte loop.
   */
  abbrev = 0

  readonly #tables: readonly TableBlocks[]
  readonly #prefix: Uint8Array
  #table = 0
  #blockIndex = -1
  #block: Block | undefined
  // Memory for blocks read outside the cache, reused from block to block: the block left
  // behind is done with, since its entries were copied into the output as the merge passed them.
  #memory: Uint8Array | undefined
  #pos = 0
  #end = 0
  // Restart points must fall on entries that share nothing: the offset of the next one, and its index.
  #restartAt = 0
  #restart = 0

  /**
   * A scan of `tables`, in key order, positioned on the first entry. `prefix` is the bytes
   * every key of the merge begins with, by the tables' key ranges.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when a block it reads is damaged.
   */
  constructor(tables: readonly TableBlocks[], prefix: Uint8Array) {
    this.#tables = tables
    this.#prefix = prefix
    this.#enterNextBlock()
  }

  /**
   * Steps to the next entry; invalid past the run's last.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when the block is damaged: an entry
   *   that overruns the block, shares more than its predecessor holds, has an unknown kind, is a
   *   tombstone with a value, sorts out of order, straddles a restart point, or lies outside
   *   the key range its table's properties give (the merge's comparisons rely on that range).
   */
  next(): void {
    if (this.#pos >= this.#end) {
      this.#enterNextBlock()
      return
    }
    this.#decode()
  }

  /** Lets go of the current block. */
  release(): void {
    this.#leaveBlock()
    this.#table = this.#tables.length
    this.valid = false
  }

  #decode(): void {
    const block = this.#block!
    const d = this.data
    const end = this.#end
    let pos = this.#pos
    const first = pos === 0
    const restart = pos === this.#restartAt
    if (restart) this.#restartAt = this.#nextRestart(block)
    else if (pos > this.#restartAt) throw corruption(block.at, 'entry straddles a restart point')
    // Lengths below 128 take one byte each, as every key and value of a typical table does.
    let shared = d[pos++]!
    if (shared > 0x7f) [shared, pos] = varint(d, pos - 1, end, block)
    let unshared = d[pos++]!
    if (unshared > 0x7f) [unshared, pos] = varint(d, pos - 1, end, block)
    let length = d[pos++]!
    if (length > 0x7f) [length, pos] = varint(d, pos - 1, end, block)
    const kind = d[pos++]!
    const previous = this.keyLength
    const keyLength = shared + unshared
    if (pos + unshared + length > end) throw corruption(block.at, 'entry overruns its block')
    if (shared > previous) throw corruption(block.at, 'entry shares more than its predecessor')
    if (restart && shared > 0) throw corruption(block.at, 'restart entry shares a prefix')
    if (kind !== EntryKind.PUT && kind !== EntryKind.TOMBSTONE)
      throw corruption(block.at, `unknown entry kind ${kind}`)
    if (kind === EntryKind.TOMBSTONE && length !== 0) throw corruption(block.at, 'tombstone with a value')
    if (keyLength > this.key.length) this.#grow(keyLength)
    const key = this.key
    // The keys share `shared` bytes, so their order is that of the first byte after it where
    // they differ; that is found while the new bytes are copied over the old.
    let order = first ? 1 : 0
    for (let i = 0; i < unshared; i++) {
      const b = d[pos + i]!
      const at = shared + i
      if (order === 0) order = at < previous ? b - key[at]! : 1
      key[at] = b
    }
    if (order === 0) order = keyLength - previous
    if (order <= 0) throw corruption(block.at, 'keys out of order')
    this.keyLength = keyLength
    pos += unshared
    this.valueAt = pos
    this.valueLength = length
    this.tombstone = kind === EntryKind.TOMBSTONE
    this.#pos = pos + length
    // The first bytes of the key are unchanged when the entry shares them all.
    const prefix = this.#prefix
    const p = prefix.length
    if (shared < p) {
      let outside = keyLength < p
      for (let i = 0; i < p && !outside; i++) outside = key[i] !== prefix[i]
      if (outside) throw corruption(block.at, "key outside its table's key range")
    }
    if (shared < p + ABBREV_BYTES) {
      let abbrev = 0
      for (let i = p; i < p + ABBREV_BYTES; i++) abbrev = abbrev * 256 + (i < keyLength ? key[i]! : 0)
      this.abbrev = abbrev
    }
  }

  // Moves to the first entry of the next block that has one, or ends the scan.
  #enterNextBlock(): void {
    for (;;) {
      this.#leaveBlock()
      const tables = this.#tables
      if (this.#table >= tables.length) {
        this.valid = false
        return
      }
      const blocks = tables[this.#table]!
      if (++this.#blockIndex >= blocks.count) {
        this.#table++
        this.#blockIndex = -1
        continue
      }
      const need = blocks.readLength(this.#blockIndex)
      let memory = this.#memory
      if (memory === undefined || memory.length < need)
        this.#memory = memory = new Uint8Array(Math.ceil((need + 512) / 1024) * 1024)
      const block = blocks.load(this.#blockIndex, memory)
      // A block from the cache is shared: pinned, its memory is not recycled while in use.
      block.pins++
      this.#block = block
      this.data = block.data
      this.#pos = 0
      this.#end = block.entriesEnd
      this.#restart = 0
      this.#restartAt = 0
      this.keyLength = 0
      this.valid = true
      this.#decode()
      return
    }
  }

  #leaveBlock(): void {
    if (this.#block !== undefined) this.#block.pins--
    this.#block = undefined
  }

  // The offset of the restart point after the current one, or the end of the entries.
  #nextRestart(block: Block): number {
    const next = ++this.#restart
    return next < block.restartCount ? block.restart(next) : block.entriesEnd + RESTART_SIZE
  }

  #grow(needed: number): void {
    const grown = new Uint8Array(Math.max(needed, this.key.length * 2))
    grown.set(this.key)
    this.key = grown
  }
}

// A varint of up to five bytes at `at`, which must end before `end`: its value and its end.
function varint(d: Uint8Array, at: number, end: number, block: Block): [number, number] {
  let value = 0
  for (let i = 0, pos = at; i < 5 && pos < end; i++, pos++) {
    const b = d[pos]!
    value += (b & 0x7f) * 2 ** (7 * i)
    if (b < 0x80) return [value, pos + 1]
  }
  throw corruption(block.at, 'bad varint')
}
