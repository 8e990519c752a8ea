/**
 * Turning a finished builder into a durable, open table.
 *
 * @module
 */
import { createTable } from '@lsmkit/sstable'
import { TABLE_SUFFIX } from '../format.js'
import type { Core } from './core.js'
import { TableFile } from './table-file.js'

/** Entries between yields to the event loop, so background work never holds it for long. */
export const YIELD_EVERY = 512

/** Lets reads and writes run between slices of background work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Writes a finished table's bytes as file `id`: written, fsynced and opened on the same handle,
 * then its directory entry synced. Only then may a manifest refer to it.
 *
 * Every await here waits for the event loop as well as for the file system, and a writer busy
 * with a bulk load holds the loop for a batch at a time, so the steps are few: reopening the
 * file and reading its index asynchronously made a flush's write phase take 27–43 ms in such
 * a load, against 6–8 ms while writes were stalled (see docs/guides/performance.md).
 */
export async function writeTableFile(core: Core, id: number, bytes: Uint8Array): Promise<TableFile> {
  const fs = core.options.fs
  const reader = await createTable(core.path(id, TABLE_SUFFIX), bytes, {
    fs,
    cache: core.cache,
    memory: core.tableMemory,
  })
  try {
    await fs.syncDir(core.dir)
  } catch (err) {
    await reader.close()
    throw err
  }
  return new TableFile(id, reader)
}
