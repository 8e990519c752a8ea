/**
 * Deterministic write workloads shared by the crash writer (a child process) and the checks
 * that judge what survived: the same seed always gives the same steps, so the parent can
 * rebuild what the child wrote from an index alone.
 *
 * @module
 */
import type { BatchOperation, Engine, WriteOptions } from '@lsmkit/engine'

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

/** One put or delete, with string key and value. */
export type Operation =
  | { readonly type: 'put'; readonly key: string; readonly value: string }
  | {
      readonly type: 'del'
      readonly key: string
    }

/** One write: an atomic batch (a put or a delete is a batch of one), maybe `{ sync: true }`. */
export interface Step {
  readonly ops: readonly Operation[]
  readonly sync: boolean
}

/** How a {@link StepSource} draws its steps. */
export interface WorkloadShape {
  /** Distinct keys. Default 64. */
  readonly keys?: number
  /** Largest value, in bytes. Default 200. */
  readonly maxValueBytes?: number
  /** Share of steps written with `{ sync: true }`. Default 0.05. */
  readonly syncShare?: number
}

/**
 * An endless, seeded sequence of steps: mostly single puts, some deletes, one in five a batch
 * of 2 to 4 operations. Every value names its key, step and place in the batch, so a value
 * that was never written can be told from one that was.
 */
export class StepSource {
  readonly #rand: () => number
  readonly #steps: Step[] = []
  readonly #keys: number
  readonly #maxValueBytes: number
  readonly #syncShare: number

  constructor(seed: number, shape: WorkloadShape = {}) {
    this.#rand = seededRandom(seed)
    this.#keys = shape.keys ?? 64
    this.#maxValueBytes = shape.maxValueBytes ?? 200
    this.#syncShare = shape.syncShare ?? 0.05
  }

  /** Step `i` (drawing every step before it first, once). */
  step(i: number): Step {
    while (this.#steps.length <= i) this.#steps.push(this.#draw(this.#steps.length))
    return this.#steps[i]!
  }

  #draw(i: number): Step {
    const rand = this.#rand
    const size = rand() < 0.2 ? 2 + Math.floor(rand() * 3) : 1
    const ops: Operation[] = []
    for (let j = 0; j < size; j++) {
      const key = `k${String(Math.floor(rand() * this.#keys)).padStart(4, '0')}`
      if (rand() < 0.15) ops.push({ type: 'del', key })
      else {
        const length = 16 + Math.floor(rand() * (this.#maxValueBytes - 16))
        ops.push({ type: 'put', key, value: `${key}@${i}.${j}:`.padEnd(length, 'x') })
      }
    }
    return { ops, sync: rand() < this.#syncShare }
  }
}

/** Applies `step` to `model`. */
export function applyToModel(model: Map<string, string>, step: Step): void {
  for (const op of step.ops) {
    if (op.type === 'put') model.set(op.key, op.value)
    else model.delete(op.key)
  }
}

/** Writes `step` as db.put, db.delete or db.batch, with `{ sync: true }` when the step says so. */
export function writeStep(db: Engine, step: Step, force?: WriteOptions): Promise<void> {
  const options = step.sync ? { sync: true } : force
  const only = step.ops[0]!
  if (step.ops.length > 1) return db.batch(step.ops as readonly BatchOperation[], options)
  return only.type === 'put' ? db.put(only.key, only.value, options) : db.delete(only.key, options)
}

/** The database's content as a map of strings. */
export async function readAll(db: Engine): Promise<Map<string, string>> {
  const decoder = new TextDecoder()
  const found = new Map<string, string>()
  for (const [k, v] of await db.iterator().all()) found.set(decoder.decode(k), decoder.decode(v))
  return found
}

/**
 * The prefixes `p` in `from..to` of `source`'s steps after which a model starting from `base`
 * (the state after `from` steps) equals `state`. Linear in the steps: it keeps a count of the
 * keys on which model and state differ and updates it per operation.
 */
export function matchingPrefixes(
  source: StepSource,
  base: ReadonlyMap<string, string>,
  from: number,
  to: number,
  state: ReadonlyMap<string, string>,
): number[] {
  const model = new Map(base)
  let differing = 0
  for (const key of new Set([...model.keys(), ...state.keys()]))
    if (model.get(key) !== state.get(key)) differing++
  const found = differing === 0 ? [from] : []
  for (let p = from; p < to; p++) {
    for (const op of source.step(p).ops) {
      const before = model.get(op.key) !== state.get(op.key)
      if (op.type === 'put') model.set(op.key, op.value)
      else model.delete(op.key)
      const after = model.get(op.key) !== state.get(op.key)
      differing += Number(after) - Number(before)
    }
    if (differing === 0) found.push(p + 1)
  }
  return found
}

/** The model after `to` steps, starting from `base` after `from`. */
export function modelAfter(
  source: StepSource,
  base: ReadonlyMap<string, string>,
  from: number,
  to: number,
): Map<string, string> {
  const model = new Map(base)
  for (let p = from; p < to; p++) applyToModel(model, source.step(p))
  return model
}
