/**
 * Flushing the oldest frozen memtable into an L0 table.
 *
 * Tables are built on the build thread ahead of their flush: a memtable's build starts when it
 * freezes, so the thread builds it while this thread writes and fsyncs the table before it.
 * One at a time, a batched load's flushes took about 100 ms each (a build of 40–70 ms, then
 * the write and fsync of 17–52 ms), and the writer waited for them a quarter of its time.
 *
 * @module
 */
import { TableBuilder, type TableBuilderOptions } from '@lsmkit/sstable'
import type { Core } from './core.js'
import type { Memtable } from './memtable.js'
import type { Levels, TableFile } from './table-file.js'
import { writeTableFile, YIELD_EVERY, yieldToEventLoop } from './write-table.js'

/**
 * Writes the oldest frozen memtable as L0 table `<its id>.sst`, records it in the manifest
 * (which also moves the log number past the memtable's log), then drops the memtable and its
 * log. An empty memtable only moves the log number.
 */
export async function flushOldest(core: Core): Promise<void> {
  const imm = core.imms.at(-1)
  if (imm === undefined) return
  let table: TableFile | undefined
  if (imm.entryCount > 0) {
    const options = tableOptions(core)
    let building = buildsAhead.get(imm)
    if (building === undefined) {
      building = buildOnThread(core, imm, options)
      buildsAhead.set(imm, building)
    }
    const built = await building
    if (built !== undefined) core.counters.flushesOnThread++
    // The next memtable's table builds on the thread while this one is written and fsynced.
    buildAhead(core)
    const bytes = built ?? (await buildHere(imm, options))
    table = await writeTableFile(core, imm.id, bytes)
    core.counters.flushBytes += table.size
  }
  const levels: Levels =
    table === undefined ? core.levels : [[table, ...(core.levels[0] ?? [])], ...core.levels.slice(1)]
  // Newer memtables are added at the front meanwhile; the next oldest is still second to last.
  const next = core.imms.length > 1 ? core.imms[core.imms.length - 2]! : core.mem
  await core.install(levels, [], next.id)
  core.imms.pop()
  core.counters.flushes++
  core.notify()
}

// The build of each frozen memtable's table once started, by buildAhead or by its flush: the
// table's bytes, or undefined when the thread did not build it and the flush builds here.
const buildsAhead = new WeakMap<Memtable, Promise<Uint8Array | undefined>>()

/**
 * Starts building, on the build thread, the table of every frozen memtable that is not yet
 * building, oldest first: the thread builds them in that order while this thread writes and
 * fsyncs the tables before them, so that a flush's build and the previous flush's I/O overlap.
 * Their flushes take the results (see {@link flushOldest}). Does nothing for memtables the
 * thread would not build, nor before the thread is ready: their flushes decide, as before.
 */
export function buildAhead(core: Core): void {
  const thread = core.buildThread
  if (thread === undefined || !thread.ready) return
  // The newest frozen memtable is first; the oldest, flushed next, is last.
  for (let i = core.imms.length - 1; i >= 0; i--) {
    const imm = core.imms[i]!
    if (buildsAhead.has(imm) || imm.entryCount === 0 || imm.approximateBytes < FLUSH_THREAD_MIN_BYTES)
      continue
    const building = thread.build(imm.packNewest(tableOptions(core))).catch(() => undefined)
    buildsAhead.set(imm, building)
  }
}

function tableOptions(core: Core): TableBuilderOptions {
  return {
    blockSize: core.options.blockSize,
    restartInterval: core.options.blockRestartInterval,
    bitsPerKey: core.options.bloomBitsPerKey,
  }
}

/**
 * Memtables smaller than this build here: this thread builds one in a few milliseconds, less
 * than handing it over costs, and a database that never flushes this much (tests, tools, small
 * stores) never starts the thread, which takes a few hundred milliseconds to start.
 */
export const FLUSH_THREAD_MIN_BYTES = 1024 * 1024

// The table built on the build thread, or undefined when the thread is not used for this
// flush, is not ready yet (the first flush big enough starts it and builds here meanwhile) or
// failed: the memtable is still whole, so the caller builds the table here instead.
async function buildOnThread(
  core: Core,
  imm: Memtable,
  options: TableBuilderOptions,
): Promise<Uint8Array | undefined> {
  const thread = core.buildThread
  if (thread === undefined || imm.approximateBytes < FLUSH_THREAD_MIN_BYTES) return undefined
  if (!thread.takesJobs()) {
    // A database flushing memtables this big compacts soon: its compaction thread starts now,
    // so that the first compaction need not merge here while it does.
    core.compactThread?.warm()
    return undefined
  }
  try {
    return await thread.build(imm.packNewest(options))
  } catch {
    return undefined
  }
}

// Builds the table on this thread, yielding to the event loop between slices of entries.
async function buildHere(imm: Memtable, options: TableBuilderOptions): Promise<Uint8Array> {
  const builder = new TableBuilder(options)
  const entries = imm.newest()
  for (;;) {
    entries.addTo(builder, YIELD_EVERY)
    if (entries.done) break
    await yieldToEventLoop()
  }
  return builder.finish().bytes
}
