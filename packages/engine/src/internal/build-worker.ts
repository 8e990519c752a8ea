/**
 * The flush worker thread's entry point: builds each table it is sent (see flush-job.ts) and
 * sends the bytes back, transferring them. It does no I/O: the engine writes every file
 * through its file-system seam.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { buildFlush, type FlushJob } from './flush-job.js'

/**
 * A request: build `job`'s table; the reply carries the same `id`. Without a job, a ping: the
 * reply (with empty bytes) says the thread has started and loaded everything it needs.
 */
export interface BuildRequest {
  readonly id: number
  readonly job?: FlushJob
}

/** A reply: the table's bytes, or why it could not be built. */
export type BuildReply =
  | { readonly id: number; readonly bytes: Uint8Array }
  | { readonly id: number; readonly error: unknown }

parentPort?.on('message', ({ id, job }: BuildRequest) => {
  let reply: BuildReply
  try {
    reply = { id, bytes: job === undefined ? new Uint8Array(0) : buildFlush(job) }
  } catch (error) {
    reply = { id, error }
  }
  const transfer = 'bytes' in reply ? [reply.bytes.buffer as ArrayBuffer] : []
  parentPort!.postMessage(reply, transfer)
})
