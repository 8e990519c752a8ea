/**
 * The physical limit: the same key and value bytes appended to a plain file with writeSync,
 * with no framing, no index and no checksums.
 *
 * - fillseq, fillrandom: one writeSync of 116 bytes per operation (order does not matter here).
 * - fillseq-batch, fillrandom-batch: one writeSync per batch of 1,000.
 * - fillsync: writeSync then fdatasyncSync per operation.
 * - fillsync-concurrent: ideal group commit: one writeSync of 64 records, then one fdatasyncSync.
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import {
  BATCH_SIZE,
  benchKey,
  benchValue,
  type Config,
  KEY_SIZE,
  type Result,
  result,
  SYNC_WRITERS,
  VALUE_SIZE,
} from './workloads.js'

const RECORD = KEY_SIZE + VALUE_SIZE

function records(count: number): Uint8Array {
  const out = new Uint8Array(count * RECORD)
  for (let i = 0; i < count; i++) {
    out.set(benchKey(2 * i), i * RECORD)
    out.set(benchValue(i), i * RECORD + KEY_SIZE)
  }
  return out
}

function run(dir: string, name: string, bytes: Uint8Array, perWrite: number, sync: boolean): number {
  const fd = openSync(join(dir, `${name}.raw`), 'a')
  const start = process.hrtime.bigint()
  const step = perWrite * RECORD
  for (let at = 0; at < bytes.length; at += step) {
    writeSync(fd, bytes, at, Math.min(step, bytes.length - at))
    if (sync) fdatasyncSync(fd)
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  closeSync(fd)
  return seconds
}

export function runRaw(config: Config, root: string, only: ReadonlySet<string>): Result[] {
  const dir = join(root, 'raw')
  mkdirSync(dir, { recursive: true })
  const all = records(config.n)
  const synced = all.subarray(0, config.syncN * RECORD)
  const rows: [string, Uint8Array, number, boolean][] = [
    ['fillseq', all, 1, false],
    ['fillrandom', all, 1, false],
    ['fillseq-batch', all, BATCH_SIZE, false],
    ['fillrandom-batch', all, BATCH_SIZE, false],
    ['fillsync', synced, 1, true],
    ['fillsync-concurrent', synced, SYNC_WRITERS, true],
  ]
  const results: Result[] = []
  for (const [name, bytes, perWrite, sync] of rows) {
    if (!only.has(name)) continue
    const seconds = run(dir, name, bytes, perWrite, sync)
    results.push(result(name, 'raw', bytes.length / RECORD, seconds, dir))
    rmSync(join(dir, `${name}.raw`))
  }
  rmSync(dir, { recursive: true, force: true })
  return results
}
