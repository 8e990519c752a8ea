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
 * Takes `bytes` over: once the table is written, they are held by the table memory or given
 * back (see {@link releaseBytes}), so the caller must not use them afterwards. After a failure
 * they are still the caller's.
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
  if (!reader.held) releaseBytes(bytes)
  return new TableFile(id, reader)
}

/**
 * Hands the memory of `bytes` back at the next young-generation collection instead of the next
 * full one, when `bytes` spans an `ArrayBuffer` of its own; otherwise does nothing. Afterwards
 * `bytes` is empty.
 *
 * Why: a table's bytes live through the awaits of its write, long enough to be promoted, and V8
 * frees a promoted ArrayBuffer only in a full collection. It starts one for every 64 MiB or so
 * of such memory, and each one marks the whole heap: in a batched random load, four or five of
 * them, each marking the bench's 340 MB of prepared writes. Transferring the memory to a new,
 * unreferenced ArrayBuffer detaches the old one, which V8 then stops counting, and the new one
 * dies young.
 */
export function releaseBytes(bytes: Uint8Array): void {
  const buffer = bytes.buffer
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength)
    return
  if (buffer.byteLength === 0) return
  structuredClone(buffer, { transfer: [buffer] })
}
