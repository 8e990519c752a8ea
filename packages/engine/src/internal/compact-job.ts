/**
 * A compaction's merge as data a worker thread can run: the input tables' bytes, read by the
 * engine through its file-system seam, and how to cut and filter the output. The worker opens
 * the tables from memory and hands back the output tables' bytes, which the engine writes and
 * installs as it would tables merged on its own thread (they are the same, byte for byte).
 *
 * @module
 */
import { type TableMergeOptions, TableMerger, TableReader } from '@lsmkit/sstable'

/** What a worker needs to merge a compaction's tables. Structured-clonable. */
export interface CompactJob {
  /** How to cut and filter the output. */
  readonly merge: TableMergeOptions
  /** Each input table's whole file, in runs as {@link TableMerger} takes them, newest first. */
  readonly runs: readonly (readonly Uint8Array[])[]
  /** Each input table's file name, in the same shape, for error messages. */
  readonly names: readonly (readonly string[])[]
}

/**
 * The output tables of `job`, in key order.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when an input table is damaged.
 */
export async function runCompactJob(job: CompactJob): Promise<Uint8Array[]> {
  const runs: TableReader[][] = []
  for (let r = 0; r < job.runs.length; r++) {
    const run: TableReader[] = []
    for (let t = 0; t < job.runs[r]!.length; t++)
      run.push(await TableReader.fromBytes(job.runs[r]![t]!, job.names[r]?.[t]))
    runs.push(run)
  }
  const merger = new TableMerger(runs, job.merge)
  const tables: Uint8Array[] = []
  while (!merger.done) {
    const table = merger.step(Number.POSITIVE_INFINITY)
    if (table !== undefined) tables.push(table)
  }
  return tables
}
