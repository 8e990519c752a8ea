/**
 * The entry point of the engine's worker threads: builds each flushed table (flush-job.ts) and
 * merges each compaction (compact-job.ts) it is sent, and sends the tables' bytes back,
 * transferring them. It does no I/O: the engine reads and writes every file through its
 * file-system seam.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { type CompactJob, runCompactJob } from './compact-job.js'
import { buildFlush, type FlushJob } from './flush-job.js'

/**
 * A request; the reply carries the same `id`. A ping (neither job) is answered with no tables,
 * saying the thread has started and loaded everything it needs.
 */
export type BuildRequest =
  | { readonly id: number; readonly flush: FlushJob }
  | { readonly id: number; readonly compact: CompactJob }
  | { readonly id: number }

/** A reply: the tables' bytes, or why they could not be made. */
export type BuildReply =
  | { readonly id: number; readonly tables: Uint8Array[] }
  | { readonly id: number; readonly error: unknown }

async function serve(request: BuildRequest): Promise<Uint8Array[]> {
  if ('flush' in request) return [buildFlush(request.flush)]
  if ('compact' in request) return runCompactJob(request.compact)
  return []
}

parentPort?.on('message', (request: BuildRequest) => {
  serve(request).then(
    (tables) =>
      parentPort!.postMessage(
        { id: request.id, tables },
        // Each buffer once: two tables in one buffer would make the transfer fail.
        [...new Set(tables.map((table) => table.buffer as ArrayBuffer))],
      ),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error }),
  )
})
