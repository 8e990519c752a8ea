/**
 * The heart of a compaction, with no I/O: merging sorted runs of tables into new tables cut at
 * a target size. The engine drives it in slices on its own thread, writing each table as it is
 * cut; the compaction thread drives it to the end over tables held in memory. Both get the
 * same tables, byte for byte.
 *
 * @module
 */
import { TableBuilder, type TableBuilderOptions, type TableReader } from '@lsmkit/sstable'
import type { Cursor } from './cursor.js'
import { LevelCursor } from './level-cursor.js'
import { MergeCursor } from './merge-cursor.js'

/** How a merge cuts and filters its output. */
export interface MergeOptions {
  /** The options of each output table's builder. */
  readonly table: TableBuilderOptions
  /** An output table is cut once its estimated size reaches this many bytes. */
  readonly targetFileSize: number
  /** Leave deletes out: true only where no deeper level could hold an older value of their key. */
  readonly dropTombstones: boolean
}

/**
 * A merge of `runs`, newest first. Each run is tables sorted by key whose ranges do not meet:
 * an L0 table is a run of its own, a deeper level's tables one run. Of a key in several runs
 * only the newest run's entry is kept.
 */
export class TableMerger {
  readonly #cursor: MergeCursor
  readonly #options: MergeOptions
  #builder: TableBuilder | undefined
  #done = false

  constructor(runs: readonly (readonly TableReader[])[], options: MergeOptions) {
    // A merge reads each input block once, and its inputs are deleted after: caching them would
    // only push out the blocks that reads are using (LevelDB's fill_cache = false).
    const fillCache = false
    const children: Cursor[] = runs.map((run) =>
      run.length === 1 ? run[0]!.cursor({ fillCache }) : new LevelCursor(run, fillCache),
    )
    this.#cursor = new MergeCursor(children)
    this.#options = options
    this.#cursor.seekToFirst()
  }

  /** True once every entry has been merged and the last table handed out. */
  get done(): boolean {
    return this.#done
  }

  /**
   * Merges up to `limit` more entries. Returns a finished table's bytes as soon as one is cut
   * (or, at the end, the last one), else `undefined`: call again until {@link TableMerger.done}.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when an input is damaged.
   */
  step(limit: number): Uint8Array | undefined {
    const cursor = this.#cursor
    const { table, targetFileSize, dropTombstones } = this.#options
    for (let n = 0; n < limit && cursor.valid; n++) {
      this.#builder ??= new TableBuilder(table)
      const builder = this.#builder
      // Added straight from the input block: copying each key and value out for the builder
      // to copy again was a tenth of a merge's profile.
      if (cursor.addTo(builder, dropTombstones) && builder.estimatedSize >= targetFileSize) {
        cursor.next()
        return this.#cut()
      }
      cursor.next()
    }
    if (cursor.valid) return undefined
    this.#done = true
    cursor.release()
    return this.#cut()
  }

  #cut(): Uint8Array | undefined {
    const builder = this.#builder
    this.#builder = undefined
    // A builder is made before the entry it is for is known to be kept: after dropped
    // tombstones only, it holds nothing, and there is no table.
    return builder === undefined || builder.entryCount === 0 ? undefined : builder.finish().bytes
  }
}
