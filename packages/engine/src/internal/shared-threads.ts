/**
 * The worker threads the databases of a process share: one that builds flushed tables and one
 * that merges compactions. A thread takes a few hundred milliseconds to start, and its code is
 * only fast once V8 has optimized it there; shared, a process pays both once, and a database
 * opened after another (a test suite, a tool opening one store after another, a service with
 * several stores) finds its threads started and warm. Jobs carry only data, so one database's
 * job never touches another's state.
 *
 * @module
 */
import { BuildThread } from './build-thread.js'

/** Which of the shared threads. */
export type ThreadKind = 'flush' | 'compaction'

/**
 * How long a thread no database uses is kept, in case another opens soon, before it is
 * stopped. An idle thread never keeps the process alive.
 */
export const THREAD_IDLE_MS = 10_000

interface Shared {
  readonly thread: BuildThread
  users: number
  stop: ReturnType<typeof setTimeout> | undefined
}

const threads = new Map<ThreadKind, Shared>()

/**
 * The process's thread of `kind`, for a database until it calls {@link releaseThread}. A
 * thread that has failed is replaced for databases that acquire it afterwards (those holding
 * the failed one build on their own thread from then on).
 */
export function acquireThread(kind: ThreadKind): BuildThread {
  let shared = threads.get(kind)
  if (shared === undefined || !shared.thread.usable) {
    shared = { thread: new BuildThread(), users: 0, stop: undefined }
    threads.set(kind, shared)
  }
  if (shared.stop !== undefined) clearTimeout(shared.stop)
  shared.stop = undefined
  shared.users++
  return shared.thread
}

/** Gives back a thread from {@link acquireThread}; the last user's release stops it after {@link THREAD_IDLE_MS}. */
export function releaseThread(kind: ThreadKind, thread: BuildThread): void {
  const shared = threads.get(kind)
  if (shared === undefined || shared.thread !== thread) {
    // A thread replaced after it failed: nothing else will use it.
    void thread.close()
    return
  }
  if (--shared.users > 0) return
  shared.stop = setTimeout(() => {
    if (threads.get(kind) === shared) threads.delete(kind)
    void thread.close()
  }, THREAD_IDLE_MS)
  shared.stop.unref()
}
