/**
 * The worker thread that builds flushed tables, so that a flush's table building (about a
 * quarter of a bulk load's time on the JavaScript thread) runs on another core, as LevelDB's
 * flushes run on its background thread. Only the building moves: the engine still writes every
 * file through its file-system seam, and a flush whose build fails here for any reason (the
 * thread could not start, died, or reported an error) builds in-thread instead.
 *
 * @module
 */
import { Worker } from 'node:worker_threads'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import type { BuildReply } from './build-worker.js'
import type { FlushJob } from './flush-job.js'

interface Pending {
  readonly resolve: (bytes: Uint8Array) => void
  readonly reject: (err: unknown) => void
}

/** One worker, started on first use, that builds tables from {@link FlushJob}s. */
export class BuildThread {
  #worker: Worker | undefined
  // Set once the thread failed: later flushes build in-thread without trying again.
  #broken = false
  #nextId = 0
  readonly #pending = new Map<number, Pending>()
  readonly #script: URL

  /** A thread that will run `script` (default: the build worker beside this module). */
  constructor(script = new URL('./build-worker.js', import.meta.url)) {
    this.#script = script
  }

  #ready = false

  /** False once the thread has failed or been closed: callers then build in-thread. */
  get usable(): boolean {
    return !this.#broken
  }

  /**
   * True once the thread has started and answered: builds sent now start at once. Starting
   * takes a few hundred milliseconds on this project's machine, longer than building a 4 MiB
   * table here, so callers build here until then (see {@link BuildThread.warm}).
   */
  get ready(): boolean {
    return this.#ready && !this.#broken
  }

  /** Starts the thread, if it is not started, without waiting for it. */
  warm(): void {
    if (this.#broken || this.#worker !== undefined) return
    this.#send(undefined).then(
      () => {
        this.#ready = true
      },
      () => {},
    )
  }

  /**
   * The bytes of `job`'s table, built on the thread.
   *
   * @throws whatever stopped the thread (a caller then builds in-thread).
   */
  build(job: FlushJob): Promise<Uint8Array> {
    return this.#send(job)
  }

  #send(job: FlushJob | undefined): Promise<Uint8Array> {
    const worker = this.#start()
    const id = this.#nextId++
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      // A pending build keeps the process alive, as file I/O in flight would; an idle thread
      // does not.
      worker.ref()
      worker.postMessage(job === undefined ? { id } : { id, job })
    })
  }

  /** Stops the thread; builds still pending fail. Idempotent. */
  async close(): Promise<void> {
    this.#broken = true
    const worker = this.#worker
    this.#worker = undefined
    this.#failAll(new LsmError(ErrorCode.CLOSED, 'engine: the build thread was closed'))
    if (worker !== undefined) await worker.terminate()
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker
    const worker = new Worker(this.#script)
    worker.unref()
    worker.on('message', (reply: BuildReply) => {
      const pending = this.#pending.get(reply.id)
      if (pending === undefined) return
      this.#pending.delete(reply.id)
      if (this.#pending.size === 0) worker.unref()
      if ('bytes' in reply) pending.resolve(reply.bytes)
      else pending.reject(reply.error)
    })
    const stop = (err: unknown) => {
      this.#broken = true
      if (this.#worker === worker) this.#worker = undefined
      this.#failAll(err)
    }
    worker.on('error', stop)
    worker.on('exit', (code) =>
      stop(new LsmError(ErrorCode.IO_ERROR, `engine: the build thread exited with code ${code}`)),
    )
    this.#worker = worker
    return worker
  }

  #failAll(err: unknown): void {
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    for (const { reject } of pending) reject(err)
  }
}
