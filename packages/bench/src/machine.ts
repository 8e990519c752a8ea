/**
 * The machine's state, measured before and after the engines run: the per-call costs that
 * decide the ratios, so that a reader can tell a run on a slow machine from a slow engine.
 *
 * Every call classic-level (and RocksDB) makes goes to Node's thread pool and back; lsmkit's
 * plain writes do not. On this project's machine that round trip has been seen at 33 µs and,
 * for hours at a time, at 87–95 µs, which moved classic-level's single awaited operations and
 * every single-operation ratio with it (docs/guides/performance.md, "Twenty-second round").
 *
 * @module
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { KEY_SIZE, VALUE_SIZE } from './workloads.js'

/** Medians, in µs per call, of the calls the workloads are made of. */
export interface MachineCheck {
  /** An awaited `FileHandle.write` of one record: a round trip through Node's thread pool. */
  readonly threadPoolWriteUs: number
  /** A `writeSync` of one record: the system call alone. */
  readonly writeSyncUs: number
  /** A `writeSync` of one record, then `fdatasyncSync`. */
  readonly syncedWriteUs: number
}

// Calls per sample and samples per measure: enough for a stable median in about a second.
const CALLS = 200
const SAMPLES = 15

/** Measures the machine in a scratch directory under `root`, which it removes again. */
export async function checkMachine(root: string): Promise<MachineCheck> {
  const dir = join(root, 'machine')
  mkdirSync(dir, { recursive: true })
  try {
    const record = new Uint8Array(KEY_SIZE + VALUE_SIZE).fill(0x61)
    const handle = await open(join(dir, 'pool'), 'a')
    let threadPoolWriteUs: number
    try {
      threadPoolWriteUs = await medianAsync(async () => {
        await handle.write(record)
      }, CALLS)
    } finally {
      await handle.close()
    }
    const fd = openSync(join(dir, 'sync'), 'a')
    try {
      const writeSyncUs = median(() => writeSync(fd, record), CALLS)
      const syncedWriteUs = median(() => {
        writeSync(fd, record)
        fdatasyncSync(fd)
      }, CALLS / 10)
      return { threadPoolWriteUs, writeSyncUs, syncedWriteUs }
    } finally {
      closeSync(fd)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** One line for the report: `label: thread-pool write … µs, writeSync … µs, synced write … µs`. */
export function describeMachine(label: string, m: MachineCheck): string {
  return (
    `${label}: thread-pool write ${m.threadPoolWriteUs.toFixed(1)} µs, writeSync ` +
    `${m.writeSyncUs.toFixed(2)} µs, synced write ${m.syncedWriteUs.toFixed(0)} µs`
  )
}

function median(call: () => void, calls: number): number {
  const samples: number[] = []
  for (let s = 0; s < SAMPLES; s++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < calls; i++) call()
    samples.push(Number(process.hrtime.bigint() - start) / 1e3 / calls)
  }
  return middle(samples)
}

async function medianAsync(call: () => Promise<void>, calls: number): Promise<number> {
  const samples: number[] = []
  for (let s = 0; s < SAMPLES; s++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < calls; i++) await call()
    samples.push(Number(process.hrtime.bigint() - start) / 1e3 / calls)
  }
  return middle(samples)
}

function middle(samples: number[]): number {
  return samples.sort((a, b) => a - b)[samples.length >> 1]!
}
