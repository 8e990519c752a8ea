/**
 * The crashing writer for recovery.ts: opens lsmkit in argv[2] with a memtable larger than the
 * log it is about to write, puts entries of 16-byte keys and 100-byte values with the default
 * `'process'` durability until the logs hold argv[3] bytes, then kills itself with SIGKILL:
 * nothing is flushed or closed, and every acknowledged write is in the operating system.
 */
import { Engine } from '@lsmkit/engine'
import { benchKey, benchValue } from './workloads.js'

const dir = process.argv[2]!
const bytes = Number(process.argv[3])
const db = await Engine.open(dir, { memtableSize: 2 * bytes + (1 << 20) })
let i = 0
while (db.stats().bytesWritten.log < bytes) {
  for (const end = i + 1000; i < end; i++) await db.put(benchKey(2 * i), benchValue(i))
}
process.kill(process.pid, 'SIGKILL')
