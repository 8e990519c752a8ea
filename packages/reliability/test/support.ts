import { Engine, type EngineOptions } from '@lsmkit/engine'
import type { FileHandle, FileLock, OpenMode } from '@lsmkit/fs'
import { MemoryFileSystem } from '@lsmkit/fs'
import { matchingPrefixes, readAll, StepSource, writeStep } from '../src/index.js'

// Small memtables, tables and level budgets, so that a few hundred writes flush a dozen times,
// compact several times and rewrite the manifest after each.
export const TUNING: EngineOptions = {
  memtableSize: 4096,
  l0CompactionTrigger: 2,
  targetFileSize: 4096,
  l1MaxBytes: 8192,
  blockSize: 512,
}

/** A fixed workload: `count` steps of a seeded source. */
export interface Workload {
  readonly source: StepSource
  readonly count: number
}

export function workload(seed: number, count: number, syncShare = 0): Workload {
  return { source: new StepSource(seed, { keys: 48, syncShare }), count }
}

/** What a run of a workload saw. */
export interface RunOutcome {
  /** Steps whose write resolved. */
  readonly acked: Set<number>
  /** Every step before this one was acknowledged as durable (fsync mode, or a sync write). */
  durable: number
  /** Rejections, with the step (or `'open'`, `'close'`) that met them, in order. */
  readonly errors: { readonly at: number | 'open' | 'close'; readonly error: unknown }[]
  /** Steps that resolved after an earlier step had been rejected. */
  readonly ackedAfterFailure: number[]
}

/**
 * Opens `/db`, writes the workload `concurrency` steps at a time (so that they are
 * group-committed) and closes. Never throws: what failed is in the outcome.
 */
export async function runWorkload(w: Workload, options: EngineOptions, concurrency = 3): Promise<RunOutcome> {
  const outcome: RunOutcome = { acked: new Set(), durable: 0, errors: [], ackedAfterFailure: [] }
  let db: Engine
  try {
    db = await Engine.open('/db', options)
  } catch (error) {
    outcome.errors.push({ at: 'open', error })
    return outcome
  }
  for (let first = 0; first < w.count; first += concurrency) {
    const indexes = Array.from({ length: Math.min(concurrency, w.count - first) }, (_, j) => first + j)
    const settled = await Promise.allSettled(indexes.map((i) => writeStep(db, w.source.step(i))))
    for (const [j, result] of settled.entries()) {
      const i = indexes[j]!
      if (result.status === 'rejected') {
        outcome.errors.push({ at: i, error: result.reason })
        continue
      }
      if (outcome.errors.some((e) => typeof e.at === 'number' && e.at < i)) outcome.ackedAfterFailure.push(i)
      outcome.acked.add(i)
      if (options.durability === 'fsync' || w.source.step(i).sync)
        outcome.durable = Math.max(outcome.durable, i + 1)
    }
  }
  try {
    await db.close()
  } catch (error) {
    outcome.errors.push({ at: 'close', error })
  }
  return outcome
}

/** The prefixes of the workload whose model equals what `db` holds. */
export async function prefixesOf(db: Engine, w: Workload): Promise<number[]> {
  return matchingPrefixes(w.source, new Map(), 0, w.count, await readAll(db))
}

/** The `code` of an error, if it has one. */
export function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | undefined)?.code
}

/** The call numbers `1..count` to sweep: every one, or every `stride`-th from a seeded offset. */
export function callsToSweep(count: number, stride: number): number[] {
  const calls: number[] = []
  for (let k = 1 + ((count * 7) % stride); k <= count; k += stride) calls.push(k)
  return calls
}

/**
 * A MemoryFileSystem that notes what each numbered call was: `calls[n - 1]` is call n.
 */
export class TracingFileSystem extends MemoryFileSystem {
  readonly calls: string[] = []

  override open(path: string, mode: OpenMode): Promise<FileHandle> {
    this.calls.push(`open ${path}`)
    return super.open(path, mode).then((handle) => this.#trace(handle, path))
  }
  override exists(path: string): Promise<boolean> {
    this.calls.push(`exists ${path}`)
    return super.exists(path)
  }
  override rename(from: string, to: string): Promise<void> {
    this.calls.push(`rename ${from}`)
    return super.rename(from, to)
  }
  override unlink(path: string): Promise<void> {
    this.calls.push(`unlink ${path}`)
    return super.unlink(path)
  }
  override list(dir: string): Promise<string[]> {
    this.calls.push(`list ${dir}`)
    return super.list(dir)
  }
  override mkdir(dir: string): Promise<void> {
    this.calls.push(`mkdir ${dir}`)
    return super.mkdir(dir)
  }
  override syncDir(dir: string): Promise<void> {
    this.calls.push(`syncDir ${dir}`)
    return super.syncDir(dir)
  }
  override lock(path: string): Promise<FileLock> {
    this.calls.push(`lock ${path}`)
    return super.lock(path).then((lock) => this.#trace(lock, path))
  }

  #trace<T extends object>(target: T, path: string): T {
    const calls = this.calls
    return new Proxy(target, {
      get(t, prop, receiver) {
        const value: unknown = Reflect.get(t, prop, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          calls.push(`${String(prop)} ${path}`)
          return (value as (...a: unknown[]) => unknown).apply(t, args)
        }
      },
    })
  }
}
