/**
 * Turning a finished builder into a durable, open table.
 *
 * @module
 */
import { TableReader, writeTable } from '@lsmkit/sstable'
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
 * Writes a finished table's bytes as file `id`: written and fsynced, its directory entry
 * synced, then opened. Only then may a manifest refer to it.
 */
export async function writeTableFile(core: Core, id: number, bytes: Uint8Array): Promise<TableFile> {
  const path = core.path(id, TABLE_SUFFIX)
  const fs = core.options.fs
  await writeTable(path, bytes, { fs })
  await fs.syncDir(core.dir)
  const reader = await TableReader.open(path, { fs, cache: core.cache })
  return new TableFile(id, reader)
}
