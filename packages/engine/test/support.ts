import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type BatchOperation,
  Engine,
  type EngineOptions,
  type EngineStats,
  type WriteOptions,
} from '@lsmkit/engine'
import { MemoryFileSystem, type PowerCutOptions } from '@lsmkit/fs'

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
export const text = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b)

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lsmkit-engine-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** An in-memory file system with a durable /db parent, and options that use it. */
export function memory(options: EngineOptions = {}): { fs: MemoryFileSystem; options: EngineOptions } {
  const fs = new MemoryFileSystem()
  return { fs, options: { ...options, fs } }
}

/** Every entry of the database as [key, value] strings. */
export async function contents(db: Engine): Promise<[string, string][]> {
  return (await db.iterator().all()).map(([k, v]) => [text(k)!, text(v)!])
}

/** Expects `promise` to reject with an LsmError of `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  let error: unknown
  try {
    await promise
  } catch (err) {
    error = err
  }
  if (!(error instanceof Error) || (error as { code?: string }).code !== code) {
    throw new Error(`expected a rejection with ${code}, got ${String(error)}`)
  }
}

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same numbers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One write of a crash workload: an atomic batch (a put or a delete is a batch of one). */
export type Step = readonly BatchOperation[]

/** Writes to replay, and what the database holds after each prefix of them. */
export interface Workload {
  readonly steps: readonly Step[]
  /** `states[p]` is the model's content after the first `p` steps, as {@link stateOf} prints it. */
  readonly states: readonly string[]
}

/**
 * `count` random steps over `keys` keys: mostly puts of `valueBytes`-byte values (each value
 * names its step), some deletes, some batches. Enough bytes to rotate small memtables.
 */
export function makeWorkload(seed: number, count: number, keys = 40, valueBytes = 150): Workload {
  const rand = seededRandom(seed)
  const model = new Map<string, string>()
  const states = [stateOf(model)]
  const steps: Step[] = []
  const key = () => `k${String(Math.floor(rand() * keys)).padStart(3, '0')}`
  for (let i = 0; i < count; i++) {
    const size = rand() < 0.2 ? 2 + Math.floor(rand() * 3) : 1
    const step: BatchOperation[] = []
    for (let j = 0; j < size; j++) {
      const k = key()
      if (rand() < 0.15) {
        step.push({ type: 'del', key: k })
        model.delete(k)
      } else {
        const value = `${k}@${i}.${j}:`.padEnd(valueBytes, 'x')
        step.push({ type: 'put', key: k, value })
        model.set(k, value)
      }
    }
    steps.push(step)
    states.push(stateOf(model))
  }
  return { steps, states }
}

/** A model's content in the form {@link stateOf} gives a database's. */
export function stateOf(model: ReadonlyMap<string, string>): string {
  return JSON.stringify([...model].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** The database's content, comparable with {@link Workload.states}. */
export async function dbState(db: Engine): Promise<string> {
  return JSON.stringify(await contents(db))
}

/** The prefixes of `workload`, `from` steps or longer, after which the model holds `state`. */
export function prefixesMatching(workload: Workload, state: string, from = 0): number[] {
  const found: number[] = []
  for (let p = from; p < workload.states.length; p++) if (workload.states[p] === state) found.push(p)
  return found
}

/** Applies one step as db.put, db.delete or db.batch. */
export function applyStep(db: Engine, step: Step, options?: WriteOptions): Promise<void> {
  const only = step[0]!
  if (step.length > 1) return db.batch(step, options)
  return only.type === 'put' ? db.put(only.key, only.value, options) : db.delete(only.key, options)
}

/** What a run of a workload saw. */
export interface RunOutcome {
  /** Steps whose write resolved. */
  readonly acked: Set<number>
  /** Every step before this one is durable: it or a later step resolved with an fsync. */
  durable: number
  /** Rejections, with the step (or `'open'`, `'close'`) that met them, in order. */
  readonly errors: { readonly at: number | 'open' | 'close'; readonly error: unknown }[]
  /** Steps that resolved after an earlier step had been rejected. */
  readonly ackedAfterFailure: number[]
}

/**
 * Opens `/db` on `options.fs`, writes the workload's steps `concurrency` at a time (so that
 * they are group-committed), and closes. Never throws: what failed is in the outcome. Step `i`
 * is written with `{ sync: true }` when `syncEvery` divides `i + 1`.
 */
export async function runWorkload(
  workload: Workload,
  options: EngineOptions,
  { concurrency = 3, syncEvery = 0 }: { concurrency?: number; syncEvery?: number } = {},
): Promise<RunOutcome> {
  const outcome: RunOutcome = { acked: new Set(), durable: 0, errors: [], ackedAfterFailure: [] }
  let db: Engine
  try {
    db = await Engine.open('/db', options)
  } catch (error) {
    outcome.errors.push({ at: 'open', error })
    return outcome
  }
  const steps = workload.steps
  for (let first = 0; first < steps.length; first += concurrency) {
    const indexes = Array.from({ length: Math.min(concurrency, steps.length - first) }, (_, j) => first + j)
    const settled = await Promise.allSettled(
      indexes.map((i) => {
        const sync = syncEvery > 0 && (i + 1) % syncEvery === 0
        return applyStep(db, steps[i]!, sync ? { sync } : undefined)
      }),
    )
    for (const [j, result] of settled.entries()) {
      const i = indexes[j]!
      if (result.status === 'rejected') {
        outcome.errors.push({ at: i, error: result.reason })
        continue
      }
      if (outcome.errors.some((e) => e.at !== 'open' && e.at !== 'close' && e.at < i))
        outcome.ackedAfterFailure.push(i)
      outcome.acked.add(i)
      const sync = options.durability === 'fsync' || (syncEvery > 0 && (i + 1) % syncEvery === 0)
      if (sync) outcome.durable = Math.max(outcome.durable, i + 1)
    }
  }
  try {
    await db.close()
  } catch (error) {
    outcome.errors.push({ at: 'close', error })
  }
  return outcome
}

export { type Hold, ObservedFileSystem, observed } from './observed-file-system.js'

/** True for the path of a table file. */
export const isTable = (path: string): boolean => path.endsWith('.sst')

/** Lets every pending callback of the event loop run a few times over. */
export async function turns(count = 10): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve))
}

/**
 * Waits for background work until `done` holds of the stats: each round calls `db.flush()`,
 * which flushes the memtable and waits for the background job running.
 */
export async function settle(db: Engine, done: (stats: EngineStats) => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    await db.flush()
    if (done(db.stats())) return
    await turns(1)
  }
  throw new Error('background work never settled')
}

/**
 * Cuts the power while `db` is open, as if the machine died now: every file-system call from
 * here on fails, so the engine (still alive in this process) changes nothing more while it is
 * closed, and then the power is cut.
 */
export async function cutPower(
  fs: MemoryFileSystem,
  db: Engine | undefined,
  options?: PowerCutOptions,
): Promise<void> {
  fs.injectFault({ at: fs.callCount + 1, sticky: true })
  await db?.close().catch(() => {})
  fs.powerCut(options)
}

/** Puts `count` keys `key00000`… with values of `bytes` bytes, `${i}:` padded with 'v'. */
export async function fill(db: Engine, count: number, bytes: number): Promise<void> {
  for (let i = 0; i < count; i++) await db.put(`key${String(i).padStart(5, '0')}`, `${i}:`.padEnd(bytes, 'v'))
}
