/**
 * Log append throughput beside raw writes of the same bytes, measured in one run.
 *
 *   npm run bench:log -- [--entries N]
 *
 * Each batch holds one entry with a 16-byte key and a 100-byte value (a 127-byte record).
 * Rows:
 * - log add (buffered): LogWriter.add only; blocks reach the OS as they fill, one flush at the end.
 * - log add+flush: LogWriter.add(batch, { flush: true }): every batch is in the OS before the
 *   next one, as the engine's default durability needs.
 * - raw write per record: fs.writeSync of each record's bytes, pre-framed: the floor for add+flush.
 * - raw write, one buffer: a single fs.writeSync of all the bytes: the physical limit.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { LogBuilder, type LogEntryInput, LogWriter } from '@lsmkit/log'

const { values } = parseArgs({ options: { entries: { type: 'string', default: '200000' } } })
const entries = Number(values.entries)
const dir = mkdtempSync(join(tmpdir(), 'lsmkit-bench-log-'))

function batches(): LogEntryInput[][] {
  const out: LogEntryInput[][] = []
  const value = new Uint8Array(100).fill(0x61)
  for (let i = 0; i < entries; i++) {
    const key = new TextEncoder().encode(`key${String(i).padStart(13, '0')}`)
    out.push([{ key, value }])
  }
  return out
}

interface Row {
  name: string
  seconds: number
  bytes: number
}

async function logRow(name: string, input: LogEntryInput[][], flushEach: boolean): Promise<Row> {
  const path = join(dir, `${name.replace(/\W+/g, '-')}.wal`)
  const start = process.hrtime.bigint()
  const writer = await LogWriter.create(path)
  for (const batch of input) writer.add(batch, { flush: flushEach })
  writer.flush()
  const bytes = writer.size
  await writer.close()
  return { name, seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes }
}

function rawRow(name: string, records: Uint8Array[]): Row {
  const fd = openSync(join(dir, `${name.replace(/\W+/g, '-')}.raw`), 'a')
  const start = process.hrtime.bigint()
  let bytes = 0
  for (const record of records) {
    writeSync(fd, record)
    bytes += record.length
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  closeSync(fd)
  return { name, seconds, bytes }
}

const input = batches()
// The same bytes the log writes, cut at record boundaries.
const builder = new LogBuilder()
const records = [builder.takeAll()]
for (const batch of input) {
  builder.add(batch)
  records.push(builder.takeAll())
}
const all = new Uint8Array(records.reduce((n, r) => n + r.length, 0))
let at = 0
for (const record of records) {
  all.set(record, at)
  at += record.length
}

// A warm-up round so that the JIT and the page cache treat every row alike.
await logRow('warm-up', input.slice(0, 20000), true)

const rows = [
  await logRow('log add (buffered)', input, false),
  await logRow('log add+flush', input, true),
  rawRow('raw write per record', records),
  rawRow('raw write, one buffer', [all]),
]
rmSync(dir, { recursive: true, force: true })

const floor = rows[2]!
console.log(`log append: ${entries} batches of one entry (16-byte key, 100-byte value), 128-byte blocks`)
console.log(
  `${'row'.padEnd(24)} ${'MB/s'.padStart(9)} ${'batches/s'.padStart(12)} ${'µs/batch'.padStart(9)} ${'÷ raw/record'.padStart(13)}`,
)
for (const row of rows) {
  const mbps = row.bytes / row.seconds / 1e6
  const perSec = entries / row.seconds
  const ratio = floor.seconds / row.seconds
  console.log(
    `${row.name.padEnd(24)} ${mbps.toFixed(1).padStart(9)} ${Math.round(perSec).toLocaleString('en-US').padStart(12)} ${((row.seconds / entries) * 1e6).toFixed(2).padStart(9)} ${ratio.toFixed(2).padStart(13)}`,
  )
}
