/**
 * Flushing the oldest frozen memtable into an L0 table.
 *
 * @module
 */
import { TableBuilder } from '@lsmkit/sstable'
import type { Core } from './core.js'
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
    const builder = new TableBuilder({
      blockSize: core.options.blockSize,
      bitsPerKey: core.options.bloomBitsPerKey,
    })
    const entries = imm.newest()
    for (;;) {
      entries.addTo(builder, YIELD_EVERY)
      if (entries.done) break
      await yieldToEventLoop()
    }
    table = await writeTableFile(core, imm.id, builder)
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
