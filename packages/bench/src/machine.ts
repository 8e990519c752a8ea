/**
 * The machine's state, measured before and after the engines run: the per-call costs that
 * decide the ratios, so that a reader can tell a run on a slow machine from a slow engine.
 *
 * Every call classic-level (and RocksDB) makes goes to Node's thread pool and back; lsmkit's
 * plain writes do not. On this project's machine that round trip has been seen at 24–33 µs and,
 * since the twenty-second round, at 57–290 µs, which moves classic-level's single awaited
 * operations and every single-operation ratio with it. What decides it is how long an idle core
 * takes to wake: the machine is a virtual machine whose kernel, as it now boots, halts an idle
 * core at once instead of polling for work first, so every wake goes through the host
 * (docs/guides/performance.md, "Twenty-fourth round"). The check reports that setting too.
 *
 * @module
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
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
  /**
   * How long, in ns, an idle core polls for work before it halts, where the kernel says (see
   * {@link idlePolling}); absent elsewhere. 0 makes every wake of an idle core a trip through
   * the host, which slows each thread-pool round trip.
   */
  readonly idlePollNs?: number
}

/** Where a Linux guest with the haltpoll idle driver keeps its polling window, in ns. */
export const IDLE_POLL_FILE = '/sys/module/haltpoll/parameters/guest_halt_poll_ns'

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
      const idlePollNs = idlePolling()
      return idlePollNs === undefined
        ? { threadPoolWriteUs, writeSyncUs, syncedWriteUs }
        : { threadPoolWriteUs, writeSyncUs, syncedWriteUs, idlePollNs }
    } finally {
      closeSync(fd)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The idle polling window in `file` (default {@link IDLE_POLL_FILE}), in ns, or `undefined`
 * where there is no such file or it does not hold a whole number.
 */
export function idlePolling(file: string = IDLE_POLL_FILE): number | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8').trim()
  } catch {
    return undefined
  }
  return /^\d+$/.test(text) ? Number(text) : undefined
}

/**
 * One line for the report: `label: thread-pool write … µs, writeSync … µs, synced write … µs`,
 * then `, idle polling … ns` where the check found the setting.
 */
export function describeMachine(label: string, m: MachineCheck): string {
  const polling = m.idlePollNs === undefined ? '' : `, idle polling ${m.idlePollNs} ns`
  return (
    `${label}: thread-pool write ${m.threadPoolWriteUs.toFixed(1)} µs, writeSync ` +
    `${m.writeSyncUs.toFixed(2)} µs, synced write ${m.syncedWriteUs.toFixed(0)} µs${polling}`
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
