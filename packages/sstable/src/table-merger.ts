/**
 * TableMerger: merging sorted runs of tables into new tables cut at a target size, with no
 * I/O of its own: what a compaction does. It reads each input block's entries where they lie
 * and copies each kept entry once, into the table it builds, instead of going through cursors
 * that hand out views and copies (see docs/guides/performance.md, "Fourteenth round").
 *
 * @module
 */
import { appendEntry, TableBuilder, type TableBuilderOptions } from './builder.js'
import { compareKeys, compareRanges } from './compare.js'
import { ABBREV_BYTES, RunScan } from './internal/run-scan.js'
import { type TableReader, tableBlocks } from './reader.js'

/** How a merge cuts and filters its output. */
export interface TableMergeOptions {
  /** The options of each output table's builder. */
  readonly table: TableBuilderOptions
  /** An output table is cut once its estimated size reaches this many bytes. */
  readonly targetFileSize: number
  /** Leave tombstones out: true only where no older table could hold a value of their key. */
  readonly dropTombstones: boolean
}

/**
 * A merge of `runs`, newest first. Each run is tables sorted by key whose ranges do not meet:
 * an LSM tree's level-0 table is a run of its own, a deeper level's tables one run. Of a key in
 * several runs only the newest run's entry is kept. Synchronous and pure: the tables are read
 * as their cursors read them, and the output comes back as bytes for the caller to write.
 *
 * The output is the same, byte for byte, for the same inputs and options, whatever `limit` the
 * steps take: so a merge run on another thread makes the tables a merge here would.
 *
 * @example
 * ```ts
 * const merger = new TableMerger([[newer], [older]], { table: {}, targetFileSize: 2 << 20, dropTombstones: false })
 * while (!merger.done) {
 *   const table = merger.step(1000)
 *   if (table !== undefined) await writeTable(nextPath(), table, { fs })
 * }
 * ```
 */
export class TableMerger {
  // The runs not yet used up, newest first: of two on the same key, the first wins.
  readonly #scans: RunScan[]
  readonly #options: TableMergeOptions
  // Where keys are compared once their abbreviations are equal: past the shared prefix and
  // the bytes the abbreviations hold.
  readonly #tailAt: number
  readonly #ties: RunScan[] = []
  #builder: TableBuilder | undefined
  #done = false

  /**
   * Positions the merge on its first entry.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when a block read is damaged;
   *   `LEVEL_CLOSED` when a reader is closed.
   */
  constructor(runs: readonly (readonly TableReader[])[], options: TableMergeOptions) {
    const prefix = sharedPrefix(runs)
    this.#tailAt = prefix.length + ABBREV_BYTES
    this.#options = options
    const scans: RunScan[] = []
    try {
      for (const run of runs) {
        const scan = new RunScan(run.map(tableBlocks), prefix)
        if (scan.valid) scans.push(scan)
      }
    } catch (err) {
      for (const scan of scans) scan.release()
      throw err
    }
    this.#scans = scans
  }

  /** True once every entry has been merged and the last table handed out. */
  get done(): boolean {
    return this.#done
  }

  /**
   * Merges up to `limit` more entries. Returns a finished table's bytes as soon as one is cut
   * (or, at the end, the last one), else `undefined`: call again until {@link TableMerger.done}.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when an input is damaged;
   *   `LEVEL_INVALID_KEY` when a run's tables are not in key order.
   */
  step(limit: number): Uint8Array | undefined {
    const scans = this.#scans
    const ties = this.#ties
    const tailAt = this.#tailAt
    const { table, targetFileSize, dropTombstones } = this.#options
    for (let n = 0; n < limit && scans.length > 0; n++) {
      // The run on the smallest key, the newest of those on it; the others on it are ties.
      let best = scans[0]!
      let tieCount = 0
      for (let i = 1; i < scans.length; i++) {
        const scan = scans[i]!
        let c = scan.abbrev - best.abbrev
        if (c === 0) c = compareTails(scan, best, tailAt)
        if (c < 0) {
          best = scan
          tieCount = 0
        } else if (c === 0) ties[tieCount++] = scan
      }
      let cut = false
      if (!best.tombstone || !dropTombstones) {
        this.#builder ??= new TableBuilder(table)
        const builder = this.#builder
        const at = best.valueAt
        appendEntry(builder, best.key, best.keyLength, best.data, at, at + best.valueLength, best.tombstone)
        cut = builder.estimatedSize >= targetFileSize
      }
      let ended = false
      for (let t = 0; t < tieCount; t++) {
        const tie = ties[t]!
        tie.next()
        if (!tie.valid) ended = true
      }
      best.next()
      if (!best.valid || ended) this.#dropEnded()
      if (cut) return this.#cut()
    }
    if (scans.length > 0) return undefined
    this.#done = true
    return this.#cut()
  }

  // Forgets the runs used up, keeping the others' order.
  #dropEnded(): void {
    const scans = this.#scans
    let kept = 0
    for (const scan of scans) if (scan.valid) scans[kept++] = scan
    scans.length = kept
  }

  #cut(): Uint8Array | undefined {
    const builder = this.#builder
    this.#builder = undefined
    return builder === undefined ? undefined : builder.finish().bytes
  }
}

// Of two keys whose abbreviations are equal: their order, from the bytes after the ones the
// abbreviations hold. A key that ends within those bytes is, by the equal abbreviations, a
// prefix of the other (the missing bytes counted as 0 there, so the other has zeros there).
function compareTails(a: RunScan, b: RunScan, tailAt: number): number {
  const aLength = a.keyLength
  const bLength = b.keyLength
  if (aLength <= tailAt || bLength <= tailAt) return aLength - bLength
  return compareRanges(a.key, tailAt, aLength - tailAt, b.key, tailAt, bLength - tailAt)
}

// The bytes every key of the merge begins with: the common prefix of its smallest and largest
// keys, which every key between them shares.
function sharedPrefix(runs: readonly (readonly TableReader[])[]): Uint8Array {
  let smallest: Uint8Array | undefined
  let largest: Uint8Array | undefined
  for (const run of runs)
    for (const reader of run) {
      if (smallest === undefined || compareKeys(reader.smallestKey, smallest) < 0)
        smallest = reader.smallestKey
      if (largest === undefined || compareKeys(reader.largestKey, largest) > 0) largest = reader.largestKey
    }
  if (smallest === undefined || largest === undefined) return new Uint8Array(0)
  let n = 0
  while (n < smallest.length && n < largest.length && smallest[n] === largest[n]) n++
  return smallest.slice(0, n)
}
