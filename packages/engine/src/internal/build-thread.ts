/**
 * A worker thread that builds tables: flushed memtables' (a quarter of a bulk load's time on
 * the JavaScript thread) and compactions' merges (a third of a random load's), so that they run
 * on another core, as LevelDB's run on its background thread. Only the building moves: the
 * engine still reads and writes every file through its file-system seam, and a job that fails
 * here for any reason (the thread could not start, died, or reported an error) runs in-thread
 * instead.
 *
 * @module
 */
import { Worker } from 'node:worker_threads'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import type { BuildReply, BuildRequest } from './build-worker.js'
import type { CompactJob } from './compact-job.js'
import type { FlushJob } from './flush-job.js'

interface Pending {
  readonly resolve: (tables: Uint8Array[]) => void
  readonly reject: (err: unknown) => void
}

/**
 * One worker, started on first use, that builds tables from {@link FlushJob}s and
 * {@link CompactJob}s, one job at a time in the order sent.
 */
export class BuildThread {
  #worker: Worker | undefined
  // Set once the thread failed: later jobs run in-thread without trying again.
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

  /**
   * True when a job sent now would start at once ({@link BuildThread.ready}); otherwise false,
   * having started the thread if it was not (see {@link BuildThread.warm}), so that a caller
   * runs this job itself and sends later ones.
   */
  takesJobs(): boolean {
    if (this.ready) return true
    this.warm()
    return false
  }

  /** Starts the thread, if it is not started, without waiting for it. */
  warm(): void {
    if (this.#broken || this.#worker !== undefined) return
    this.#send({ id: this.#nextId++ }).then(
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
  async build(job: FlushJob): Promise<Uint8Array> {
    const [table] = await this.#send({ id: this.#nextId++, flush: job })
    return table!
  }

  /**
   * The output tables of `job`'s merge, built on the thread. `transfer` are buffers of the job
   * handed to the thread: they are unusable here afterwards.
   *
   * @throws whatever stopped the thread or the merge (a caller then merges in-thread).
   */
  compact(job: CompactJob, transfer: readonly ArrayBuffer[] = []): Promise<Uint8Array[]> {
    return this.#send({ id: this.#nextId++, compact: job }, transfer)
  }

  #send(request: BuildRequest, transfer: readonly ArrayBuffer[] = []): Promise<Uint8Array[]> {
    const worker = this.#start()
    return new Promise<Uint8Array[]>((resolve, reject) => {
      this.#pending.set(request.id, { resolve, reject })
      // A pending build keeps the process alive, as file I/O in flight would; an idle thread
      // does not.
      worker.ref()
      try {
        worker.postMessage(request, [...transfer])
      } catch (err) {
        this.#pending.delete(request.id)
        if (this.#pending.size === 0) worker.unref()
        reject(err)
      }
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
      if ('tables' in reply) pending.resolve(reply.tables)
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
