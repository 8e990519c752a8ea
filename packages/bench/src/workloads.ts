/**
 * db_bench's workloads, run on one engine through its adapter.
 *
 * Keys are 16 ASCII digits: present keys are the even numbers 0, 2, … 2(n-1), so the odd
 * numbers are absent but inside the key range (readmissing). Values are 100 bytes cut from a
 * pseudo-random pool, so compression gains nothing for any engine. Random orders come from a
 * fixed seed, so every engine sees the same keys in the same order.
 *
 * Each operation formats its key as it goes, as db_bench does, so the key an engine reads is
 * one the caller has just written. Picking keys from a million made ahead, in random order,
 * added three or more cache misses to every operation (the array slot, the view, its bytes):
 * the bench's cost, paid by every engine alike.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Adapter, Op, Store } from './adapters.js'

export const KEY_SIZE = 16
export const VALUE_SIZE = 100
export const BATCH_SIZE = 1000
export const SYNC_WRITERS = 64

/** Workload names, in the order they run. */
export const WORKLOADS = [
  'fillseq',
  'fillrandom',
  'overwrite',
  'readrandom',
  'readmissing',
  'readseq',
  'readreverse',
  'seekrandom',
  'deleterandom',
  'fillseq-batch',
  'fillrandom-batch',
  'fillsync',
  'fillsync-concurrent',
] as const
export type Workload = (typeof WORKLOADS)[number]

export interface Config {
  /** Entries written by the fill workloads, and operations of the read workloads. */
  readonly n: number
  /** Writes of fillsync and fillsync-concurrent. */
  readonly syncN: number
}

export interface Result {
  readonly workload: string
  readonly engine: string
  readonly ops: number
  readonly seconds: number
  readonly opsPerSec: number
  readonly usPerOp: number
  /** Key and value bytes moved per second (16 + 100 per operation). */
  readonly mbPerSec: number
  /** process.resourceUsage().maxRSS after the phase, in bytes: the engine's process, peak so far. */
  readonly peakRssBytes: number
  /** Sum of the sizes of the files in the database directory after the phase. */
  readonly diskBytes: number
  readonly note?: string
}

// Keys are carved from shared 64 KiB buffers, as Node's Buffer pool does: a fresh view costs
// about a tenth of a microsecond, where encoding a string made a buffer of its own (1.5 µs).
let keyPool = new ArrayBuffer(0)
let keyPoolAt = 0

/** Key `i`: its decimal digits, padded with zeros to 16 bytes. REQUIRES: 0 <= i < 2^53. */
export function benchKey(i: number): Uint8Array {
  if (keyPoolAt + KEY_SIZE > keyPool.byteLength) {
    keyPool = new ArrayBuffer(1 << 16)
    keyPoolAt = 0
  }
  const out = new Uint8Array(keyPool, keyPoolAt, KEY_SIZE)
  keyPoolAt += KEY_SIZE
  let at = KEY_SIZE
  for (let rest = i; rest > 0; ) {
    const next = Math.floor(rest / 10)
    out[--at] = 48 + rest - next * 10
    rest = next
  }
  while (at > 0) out[--at] = 48
  return out
}

const POOL = (() => {
  const pool = new Uint8Array(1 << 20)
  let seed = 0x9e3779b9
  for (let i = 0; i < pool.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
    pool[i] = seed >>> 24
  }
  return pool
})()
export const benchValue = (i: number): Uint8Array => {
  const at = (i * 7919) % (POOL.length - VALUE_SIZE)
  return POOL.subarray(at, at + VALUE_SIZE)
}

/** A permutation of 0..count-1 from a fixed seed. */
export function shuffled(count: number, seed: number): number[] {
  const out = Array.from({ length: count }, (_, i) => i)
  let s = seed >>> 0
  for (let i = count - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    const j = s % (i + 1)
    const t = out[i]!
    out[i] = out[j]!
    out[j] = t
  }
  return out
}

/**
 * Bytes of the files under `dir` now. An engine's background compaction may delete a file
 * between the listing and its stat (LevelDB did, in a full run): such a file counts as gone.
 */
export function diskBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      total += statSync(join(entry.parentPath, entry.name), { throwIfNoEntry: false })?.size ?? 0
  }
  return total
}

export function result(
  workload: string,
  engine: string,
  ops: number,
  seconds: number,
  dir: string | undefined,
  note?: string,
): Result {
  return {
    workload,
    engine,
    ops,
    seconds,
    opsPerSec: ops / seconds,
    usPerOp: (seconds / ops) * 1e6,
    mbPerSec: (ops * (KEY_SIZE + VALUE_SIZE)) / seconds / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    diskBytes: dir === undefined ? 0 : diskBytes(dir),
    ...(note === undefined ? {} : { note }),
  }
}

export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

function batches(order: readonly number[]): Op[][] {
  const out: Op[][] = []
  for (let at = 0; at < order.length; at += BATCH_SIZE) {
    out.push(
      order
        .slice(at, at + BATCH_SIZE)
        .map((i) => ({ type: 'put', key: benchKey(2 * i), value: benchValue(i) })),
    )
  }
  return out
}

/** Runs every workload (or those in `only`) on one engine, each fill in a fresh directory under `root`. */
export async function runEngine(
  adapter: Adapter,
  config: Config,
  root: string,
  only: ReadonlySet<string> = new Set(WORKLOADS),
): Promise<Result[]> {
  const { n, syncN } = config
  const results: Result[] = []
  const engine = adapter.name
  let dirs = 0
  const fresh = async (sync = false): Promise<[string, Store]> => {
    const dir = join(root, `${engine}-${dirs++}`)
    mkdirSync(dir, { recursive: true })
    return [dir, await adapter.open(dir, { sync })]
  }
  const done = async (dir: string, db: Store) => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  }
  const random = shuffled(n, 1)

  if (only.has('fillseq')) {
    const [dir, db] = await fresh()
    const seconds = await time(async () => {
      for (let i = 0; i < n; i++) await db.put(benchKey(2 * i), benchValue(i))
    })
    results.push(result('fillseq', engine, n, seconds, dir))
    await done(dir, db)
  }

  // fillrandom's database serves every read workload and is emptied by deleterandom.
  const [dir, db] = await fresh()
  const fillSeconds = await time(async () => {
    for (const i of random) await db.put(benchKey(2 * i), benchValue(i))
  })
  if (only.has('fillrandom')) results.push(result('fillrandom', engine, n, fillSeconds, dir))

  if (only.has('overwrite')) {
    const order = shuffled(n, 2)
    const seconds = await time(async () => {
      for (const i of order) await db.put(benchKey(2 * i), benchValue(i + 1))
    })
    results.push(result('overwrite', engine, n, seconds, dir))
  }

  if (only.has('readrandom')) {
    const order = shuffled(n, 3)
    let found = 0
    const seconds = await time(async () => {
      for (const i of order) if ((await db.get(benchKey(2 * i))) !== undefined) found++
    })
    results.push(result('readrandom', engine, n, seconds, dir, `${found} of ${n} found`))
  }

  if (only.has('readmissing')) {
    const order = shuffled(n, 4)
    let found = 0
    const seconds = await time(async () => {
      for (const i of order) if ((await db.get(benchKey(2 * i + 1))) !== undefined) found++
    })
    results.push(result('readmissing', engine, n, seconds, dir, `${found} of ${n} found`))
  }

  for (const workload of ['readseq', 'readreverse'] as const) {
    if (!only.has(workload)) continue
    let count = 0
    let sink = 0
    const seconds = await time(async () => {
      count = await db.scan(workload === 'readreverse', (k, v) => {
        sink += k.length + v.length
      })
    })
    results.push(result(workload, engine, count, seconds, dir, `${count} entries, ${sink} bytes`))
  }

  if (only.has('seekrandom')) {
    const order = shuffled(n, 5)
    const seeker = db.seeker()
    let found = 0
    const seconds = await time(async () => {
      for (const i of order) if ((await seeker.seek(benchKey(2 * i))) !== undefined) found++
    })
    await seeker.close()
    results.push(result('seekrandom', engine, n, seconds, dir, `${found} of ${n} found`))
  }

  if (only.has('deleterandom')) {
    const order = shuffled(n, 6)
    const seconds = await time(async () => {
      for (const i of order) await db.del(benchKey(2 * i))
    })
    results.push(result('deleterandom', engine, n, seconds, dir))
  }
  await done(dir, db)

  for (const workload of ['fillseq-batch', 'fillrandom-batch'] as const) {
    if (!only.has(workload)) continue
    const input = batches(workload === 'fillseq-batch' ? random.map((_, i) => i) : random)
    const [dir, db] = await fresh()
    const seconds = await time(async () => {
      for (const batch of input) await db.batch(batch)
    })
    results.push(result(workload, engine, n, seconds, dir, `${input.length} batches of ${BATCH_SIZE}`))
    await done(dir, db)
  }

  if (only.has('fillsync')) {
    const [dir, db] = await fresh(true)
    const seconds = await time(async () => {
      for (let i = 0; i < syncN; i++) await db.put(benchKey(2 * (i % n)), benchValue(i), true)
    })
    results.push(result('fillsync', engine, syncN, seconds, dir))
    await done(dir, db)
  }

  if (only.has('fillsync-concurrent')) {
    const [dir, db] = await fresh(true)
    let next = 0
    const writer = async () => {
      for (let i = next++; i < syncN; i = next++) await db.put(benchKey(2 * (i % n)), benchValue(i), true)
    }
    const seconds = await time(() => Promise.all(Array.from({ length: SYNC_WRITERS }, writer)))
    results.push(result('fillsync-concurrent', engine, syncN, seconds, dir, `${SYNC_WRITERS} writers`))
    await done(dir, db)
  }
  return results
}
