/**
 * Leveled compaction: choosing what to compact, and merging it into the next level.
 *
 * L0 tables overlap, so once L0 holds `l0CompactionTrigger` tables they are all merged with
 * the L1 tables they overlap. A deeper level past its byte budget (`l1MaxBytes`, ten times
 * more per level) gives one table, chosen round-robin by key, to merge with the tables it
 * overlaps one level down. Tombstones are dropped only where no deeper level could hold an
 * older value of their key.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { compareKeys, type TableMergeOptions, TableMerger } from '@lsmkit/sstable'
import { LEVEL_COUNT } from '../format.js'
import type { CompactJob } from './compact-job.js'
import type { Core } from './core.js'
import { keyRange, type Levels, levelBytes, sortLevel, type TableFile } from './table-file.js'
import { writeTableFile, YIELD_EVERY, yieldToEventLoop } from './write-table.js'

/** A chosen compaction: `inputs` of `level` merge with `overlaps` of `level + 1`. */
export interface Compaction {
  readonly level: number
  readonly inputs: readonly TableFile[]
  readonly overlaps: readonly TableFile[]
  /** True for `db.compact()`: never a trivial move, so tombstones are always reconsidered. */
  readonly manual: boolean
}

/** Where the next round-robin pick of each level starts: the last key compacted there. */
export type CompactPointers = (Uint8Array | undefined)[]

/** The byte budget of level `level` (1 or deeper). */
export function maxLevelBytes(core: Core, level: number): number {
  return core.options.l1MaxBytes * 10 ** (level - 1)
}

/**
 * The compaction most needed now, or `undefined` when the tree is in shape. As in LevelDB, each
 * level has a score, its need of a compaction: L0's is its table count over
 * `l0CompactionTrigger`, a deeper level's its bytes over its budget. The level with the highest
 * score is compacted, once L0 reaches its trigger or a level passes its budget. Giving L0 priority whenever it reached its trigger (the
 * earlier rule) starved L1 under a fast load: L0 never stayed below the trigger, L1 grew far
 * past its budget (74 MiB of 10 in a 1,000,000-entry batched load), and every L0 merge then
 * rewrote all of it.
 */
export function pickCompaction(core: Core, pointers: CompactPointers): Compaction | undefined {
  const levels = core.levels
  let best = -1
  let bestScore = 0
  const l0Score = (levels[0]?.length ?? 0) / core.options.l0CompactionTrigger
  if (l0Score >= 1) {
    best = 0
    bestScore = l0Score
  }
  for (let level = 1; level < LEVEL_COUNT - 1; level++) {
    const score = levelBytes(levels[level] ?? []) / maxLevelBytes(core, level)
    // A level over its budget; strictly greater, so of two levels equally in need the
    // shallower goes first.
    if (score > 1 && score > bestScore) {
      best = level
      bestScore = score
    }
  }
  if (best < 0) return undefined
  if (best === 0) return plan(levels, 0, levels[0]!, false)
  const tables = levels[best]!
  const after = pointers[best]
  const pick = tables.find((t) => after === undefined || compareKeys(t.smallestKey, after) > 0) ?? tables[0]!
  return plan(levels, best, [pick], false)
}

/** A compaction of every table of `level` into the next, for `db.compact()`. */
export function manualCompaction(levels: Levels, level: number): Compaction | undefined {
  const tables = levels[level] ?? []
  return tables.length === 0 ? undefined : plan(levels, level, tables, true)
}

function plan(levels: Levels, level: number, inputs: readonly TableFile[], manual: boolean): Compaction {
  const [smallest, largest] = keyRange(inputs)
  const overlaps = (levels[level + 1] ?? []).filter((t) => t.overlaps(smallest, largest))
  return { level, inputs, overlaps, manual }
}

/**
 * Runs `c`: merges its tables newest first into new tables of `level + 1` (cut at
 * `targetFileSize`), installs the result, and drops the inputs. `between` runs between output
 * tables, so that a pending memtable flush need not wait for a long compaction.
 */
export async function runCompaction(
  core: Core,
  c: Compaction,
  pointers: CompactPointers,
  between: () => Promise<void>,
): Promise<void> {
  const target = c.level + 1
  const [smallest, largest] = keyRange([...c.inputs, ...c.overlaps])
  const deeper = core.levels
    .slice(target + 1)
    .some((tables) => tables.some((t) => t.overlaps(smallest, largest)))
  // A trivial move: with nothing to merge with, the files themselves move down a level. L0
  // tables may overlap one another; those of an in-order load do not, and then move too.
  const moved = !c.manual && c.overlaps.length === 0 && disjoint(c.inputs)
  const outputs = moved ? [...c.inputs] : await merge(core, c, !deeper, between)
  const dropped = new Set([...c.inputs, ...c.overlaps])
  const levels = core.levels.map((tables, level) => {
    if (level === c.level) return tables.filter((t) => !dropped.has(t))
    if (level === target) return sortLevel([...tables.filter((t) => !dropped.has(t)), ...outputs])
    return tables
  })
  await core.install(levels, moved ? [] : [...dropped])
  pointers[c.level] = keyRange(c.inputs)[1]
  core.counters.compactions++
  core.notify()
}

// True when no two of `tables` share a key range, so they could sit side by side in one level.
function disjoint(tables: readonly TableFile[]): boolean {
  const sorted = sortLevel([...tables])
  for (let i = 1; i < sorted.length; i++)
    if (compareKeys(sorted[i - 1]!.largestKey, sorted[i]!.smallestKey) >= 0) return false
  return true
}

/**
 * Compactions whose inputs are smaller than this merge on this thread: handing them over
 * costs more than it saves, and a database that never compacts this much (tests, tools, small
 * stores) never starts the compaction thread, which takes a few hundred milliseconds to start.
 */
export const COMPACTION_THREAD_MIN_BYTES = 1024 * 1024

// The inputs as the merger takes them: L0 tables overlap, so each is a run of its own, newest
// first; a deeper level's inputs are one run; the overlapped tables of the next level another.
function runsOf(c: Compaction): TableFile[][] {
  const runs = c.level === 0 ? c.inputs.map((t) => [t]) : [[...c.inputs]]
  if (c.overlaps.length > 0) runs.push([...c.overlaps])
  return runs
}

async function merge(
  core: Core,
  c: Compaction,
  dropTombstones: boolean,
  between: () => Promise<void>,
): Promise<TableFile[]> {
  const o = core.options
  const options: TableMergeOptions = {
    table: { blockSize: o.blockSize, restartInterval: o.blockRestartInterval, bitsPerKey: o.bloomBitsPerKey },
    targetFileSize: o.targetFileSize,
    dropTombstones,
  }
  const runs = runsOf(c)
  const built = await mergeOnThread(core, runs, options, between)
  if (built !== undefined) {
    core.counters.compactionsOnThread++
    const written = await writeOutputs(core, built)
    await between()
    return written
  }
  const outputs: TableFile[] = []
  const merger = new TableMerger(
    runs.map((run) => run.map((t) => t.reader)),
    options,
  )
  while (!merger.done) {
    const bytes = merger.step(YIELD_EVERY)
    if (bytes !== undefined) {
      outputs.push(await writeOutput(core, bytes))
      await between()
    } else await yieldToEventLoop()
  }
  return outputs
}

// The output tables merged on the compaction thread, or undefined when the thread is not used
// for this compaction, is not ready yet (the first compaction big enough starts it and merges
// here meanwhile) or failed: the inputs are untouched, so the caller merges here instead. While
// the thread merges, memtables that fill up are flushed, as between output tables here.
async function mergeOnThread(
  core: Core,
  runs: readonly (readonly TableFile[])[],
  options: TableMergeOptions,
  between: () => Promise<void>,
): Promise<Uint8Array[] | undefined> {
  const thread = core.compactThread
  const bytes = runs.reduce((sum, run) => sum + levelBytes(run), 0)
  if (thread === undefined || bytes < COMPACTION_THREAD_MIN_BYTES || !thread.takesJobs()) return undefined
  const job: CompactJob = {
    merge: options,
    runs: await Promise.all(runs.map((run) => Promise.all(run.map((t) => readWhole(core, t))))),
    names: runs.map((run) => run.map((t) => t.reader.path)),
  }
  // The bytes were read for this job alone, so they move to the thread instead of being copied.
  const transfer = [...new Set(job.runs.flat().map((b) => b.buffer as ArrayBuffer))]
  let settled = false
  const merged = thread.compact(job, transfer).then(
    (tables) => tables,
    () => undefined,
  )
  void merged.finally(() => {
    settled = true
    core.notify()
  })
  for (;;) {
    const progress = core.waitForProgress()
    if (settled) break
    if (core.imms.length > 0) await between()
    else await progress
  }
  return merged
}

// A table's whole file, in memory this call owns: a copy of the held bytes when the table is
// held (a copy costs less than the open, read and close, each a wait for the event loop), else
// read through the file-system seam.
async function readWhole(core: Core, table: TableFile): Promise<Uint8Array> {
  const held = table.reader.copyHeld()
  if (held !== undefined) return held
  const handle = await core.options.fs.open(table.reader.path, 'read')
  try {
    const bytes = await handle.read(0, table.size)
    if (bytes.length !== table.size)
      throw new LsmError(
        ErrorCode.CORRUPTION,
        `engine: ${table.reader.path} is shorter than when it was opened`,
        {
          file: table.reader.path,
        },
      )
    // FileHandle.read returns memory the caller owns; a view of part of a buffer is copied, so
    // that transferring it moves nothing else.
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
  } finally {
    await handle.close()
  }
}

// The tables the compaction thread merged, written all at once. Each write is a few awaits
// (open, write, fsync, directory sync), and each await also waits for the event loop, which a
// busy writer hands over every couple of milliseconds: one table after another, an L0 merge's
// 15 to 20 tables held its install, and L0's slowdown, for 100 ms or more. Side by side, the
// thread pool runs their fsyncs together. When one fails, the others' readers are closed and
// their files left to the next open's cleanup, as a failed compaction's files always are.
async function writeOutputs(core: Core, tables: readonly Uint8Array[]): Promise<TableFile[]> {
  const ids = tables.map(() => core.nextFileNumber++)
  const settled = await Promise.allSettled(tables.map((bytes, i) => writeTableFile(core, ids[i]!, bytes)))
  const written: TableFile[] = []
  let failure: { reason: unknown } | undefined
  for (const result of settled) {
    if (result.status === 'fulfilled') written.push(result.value)
    else failure ??= result
  }
  if (failure !== undefined) {
    for (const table of written) await table.reader.close().catch(() => {})
    throw failure.reason
  }
  for (const table of written) core.counters.compactionBytes += table.size
  return written
}

async function writeOutput(core: Core, bytes: Uint8Array): Promise<TableFile> {
  const table = await writeTableFile(core, core.nextFileNumber++, bytes)
  core.counters.compactionBytes += table.size
  return table
}
