/**
 * `node dist/src/measure-fsync.js [count]`: what an fsync costs here. Appends 4 KiB to a file
 * in the system's temp directory and fdatasyncs it, `count` times (default 500), and prints the
 * median, 90th percentile and mean in microseconds, beside the cost of the append alone.
 *
 * @module
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const count = Number(process.argv[2] ?? 500)
const dir = mkdtempSync(join(tmpdir(), 'lsmkit-fsync-'))
const block = new Uint8Array(4096).fill(0x61)
const appends: number[] = []
const syncs: number[] = []
try {
  const fd = openSync(join(dir, 'probe'), 'a')
  for (let i = 0; i < count + 20; i++) {
    const t0 = process.hrtime.bigint()
    writeSync(fd, block)
    const t1 = process.hrtime.bigint()
    fdatasyncSync(fd)
    const t2 = process.hrtime.bigint()
    // The first few warm the file and the disk's queue up.
    if (i < 20) continue
    appends.push(Number(t1 - t0) / 1000)
    syncs.push(Number(t2 - t1) / 1000)
  }
  closeSync(fd)
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
console.log(`fdatasync after a 4 KiB append, ${count} times, in ${tmpdir()}:`)
console.log(`  append:    median ${at(appends, 0.5).toFixed(1)} µs`)
console.log(
  `  fdatasync: median ${at(syncs, 0.5).toFixed(0)} µs, p90 ${at(syncs, 0.9).toFixed(0)} µs, mean ${mean(syncs).toFixed(0)} µs`,
)
