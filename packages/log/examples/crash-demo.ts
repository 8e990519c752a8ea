/**
 * The demo behind `npm start`: write a log, cut it as a crash in mid-write would, and read
 * back what survived. Run from the repository root; it works in ./lsmkit-demo.
 */
import { mkdirSync, rmSync, statSync, truncateSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type CorruptionInfo, type LogEntryInput, LogWriter, readLog } from '@lsmkit/log'

const dir = resolve('lsmkit-demo')
const path = join(dir, '000001.wal')
const encode = (s: string) => new TextEncoder().encode(s)
const BATCHES = 1000
const SYNC_EVERY = 100

function batch(i: number): LogEntryInput[] {
  const key = encode(`user:${String(i).padStart(6, '0')}`)
  return i % 10 === 9 ? [{ key }] : [{ key, value: encode(`payload ${i} `.repeat(1 + (i % 7))) }]
}

rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })

console.log(`lsmkit log demo: writing ${BATCHES} batches to ${path}, syncing every ${SYNC_EVERY}`)
const writer = await LogWriter.create(path)
let synced = 0
let syncedBytes = 0
for (let i = 0; i < BATCHES; i++) {
  writer.add(batch(i))
  if ((i + 1) % SYNC_EVERY === 0 && i + 1 < BATCHES) {
    await writer.sync()
    synced = i + 1
    syncedBytes = writer.size
  }
}
writer.flush()
const written = statSync(path).size
await writer.close()

// A crash in mid-write: the file ends somewhere in the batches written after the last sync.
const cut = syncedBytes + Math.floor((written - syncedBytes) * 0.6) + 3
truncateSync(path, cut)
console.log(`crash: the file was ${written} bytes, the last sync covered ${syncedBytes}; cut at ${cut}`)

const dropped: CorruptionInfo[] = []
const log = readLog(path, { onCorruption: (info) => dropped.push(info) })
let survived = 0
for await (const entries of log) {
  const expected = batch(survived)
  if (entries.length !== 1 || entries[0]?.key.toString() !== expected[0]?.key.toString()) {
    console.error(`demo FAILED: batch ${survived} came back different`)
    process.exit(1)
  }
  survived++
}
console.log(`recovered: ${survived} of ${BATCHES} batches; the ${synced} synced ones are all there`)
for (const info of dropped) {
  console.log(`  dropped ${info.bytes} bytes at offset ${info.offset} (${info.reason}, torn tail)`)
}

const again = await LogWriter.openForAppend(path)
console.log(
  `reopened for append: cut ${again.droppedTailBytes} torn bytes, appending after batch ${survived}`,
)
again.add(batch(survived))
await again.sync()
await again.close()
let after = 0
for await (const _ of readLog(path, { mode: 'strict' })) after++
console.log(`read again in strict mode: ${after} batches, no damage left`)

if (survived < synced || after !== survived + 1) {
  console.error('demo FAILED: a synced batch was lost')
  process.exitCode = 1
} else {
  console.log('demo passed: nothing that was synced was lost')
}
