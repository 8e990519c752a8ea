/**
 * Table build, point-lookup and scan rates, each beside an in-memory peer measured in the same
 * run, so the ratios say what the format and its checks cost.
 *
 *   npx tsx packages/bench/src/sstable-bench.ts [--entries N] [--lookups N]
 *
 * Entries have 16-byte keys and 100-byte values; the table is written to a real temp dir.
 * Rows:
 * - build: TableBuilder.add for every entry, then finish(). Peer: copying the same key and
 *   value bytes into one buffer, the floor for any layout.
 * - write+fsync: writeTable of the finished bytes (create, append, fdatasync, close).
 * - get hit (cache) / get hit (no cache) / get miss: TableReader.get of present keys in a
 *   shuffled order, with a BlockCache large enough for the table and without one (every
 *   lookup then reads its block with readSync and checks its checksum), and of absent keys
 *   inside the key range (the bloom filter turns most away). Peer: binary search of a sorted
 *   in-memory array of the same keys with compareKeys.
 * - scan forward / scan reverse: a cursor over every entry, reading key and value. Peer: a
 *   loop over the in-memory array touching the same bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { NodeFileSystem } from '@lsmkit/fs'
import { BlockCache, compareKeys, TableBuilder, TableReader, writeTable } from '@lsmkit/sstable'

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    lookups: { type: 'string', default: '200000' },
  },
})
const entries = Number(values.entries)
const lookups = Number(values.lookups)
const dir = mkdtempSync(join(tmpdir(), 'lsmkit-bench-sstable-'))
const fs = new NodeFileSystem()
const encoder = new TextEncoder()

// Keys "k" + 15 digits: 16 bytes, sorted by number. Even numbers are present, odd ones absent.
const key = (n: number) => encoder.encode(`k${String(n).padStart(15, '0')}`)
const keys = Array.from({ length: entries }, (_, i) => key(2 * i))
const absent = Array.from({ length: entries }, (_, i) => key(2 * i + 1))
const valuesOf = Array.from({ length: entries }, (_, i) => new Uint8Array(100).fill(i & 0xff))
const payloadBytes = entries * (16 + 100)

// A fixed shuffle, so every row probes the same keys in the same order.
function shuffled(count: number): number[] {
  let seed = 0x2545f491
  return Array.from({ length: count }, () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
    return seed % entries
  })
}
const order = shuffled(lookups)

function time(fn: () => void): number {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

interface Row {
  name: string
  seconds: number
  ops: number
  bytes: number
  peer: number
}

const rows: Row[] = []
const row = (name: string, seconds: number, ops: number, bytes: number, peer: number) =>
  rows.push({ name, seconds, ops, bytes, peer })

// Warm-up: one small build and lookup pass, so the JIT treats every row alike.
{
  const warm = new TableBuilder()
  for (let i = 0; i < Math.min(entries, 20000); i++) warm.add(keys[i]!, valuesOf[i]!)
  warm.finish()
}

let table: Uint8Array = new Uint8Array(0)
const buildPeer = time(() => {
  const out = new Uint8Array(payloadBytes)
  for (let i = 0, at = 0; i < entries; i++, at += 116) {
    out.set(keys[i]!, at)
    out.set(valuesOf[i]!, at + 16)
  }
})
const buildSeconds = time(() => {
  const builder = new TableBuilder()
  for (let i = 0; i < entries; i++) builder.add(keys[i]!, valuesOf[i]!)
  table = builder.finish().bytes
})
row('build', buildSeconds, entries, payloadBytes, buildPeer)

const path = join(dir, '000001.sst')
const writeStart = process.hrtime.bigint()
await writeTable(path, table, { fs })
row('write+fsync', Number(process.hrtime.bigint() - writeStart) / 1e9, 1, table.length, Number.NaN)

// The peer for lookups: binary search of the sorted keys in memory.
let sink = 0
function search(target: Uint8Array): number {
  let lo = 0
  let hi = entries
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareKeys(keys[mid]!, target) < 0) lo = mid + 1
    else hi = mid
  }
  return lo < entries && compareKeys(keys[lo]!, target) === 0 ? lo : -1
}
const searchHits = time(() => {
  for (const i of order) sink += search(keys[i]!)
})
const searchMisses = time(() => {
  for (const i of order) sink += search(absent[i]!)
})

const cache = new BlockCache({ capacityBytes: 2 * table.length })
const cached = await TableReader.open(path, { fs, cache })
const uncached = await TableReader.open(path, { fs })
for (const reader of [cached, uncached]) {
  for (let i = 0; i < Math.min(lookups, 20000); i++) sink += reader.get(keys[order[i]!]!)?.value?.length ?? 0
}
row(
  'get hit (cache)',
  time(() => {
    for (const i of order) sink += cached.get(keys[i]!)!.value!.length
  }),
  lookups,
  lookups * 116,
  searchHits,
)
row(
  'get hit (no cache)',
  time(() => {
    for (const i of order) sink += uncached.get(keys[i]!)!.value!.length
  }),
  lookups,
  lookups * 116,
  searchHits,
)
row(
  'get miss',
  time(() => {
    for (const i of order) sink += cached.get(absent[i]!) === undefined ? 0 : 1
  }),
  lookups,
  0,
  searchMisses,
)
const falsePositives = absent.filter((k) => cached.mayContain(k)).length

const scanPeer = time(() => {
  for (let i = 0; i < entries; i++) sink += keys[i]![15]! + valuesOf[i]![99]!
})
const cursor = cached.cursor()
row(
  'scan forward',
  time(() => {
    for (cursor.seekToFirst(); cursor.valid; cursor.next()) sink += cursor.key.length + cursor.value!.length
  }),
  entries,
  payloadBytes,
  scanPeer,
)
row(
  'scan reverse',
  time(() => {
    for (cursor.seekToLast(); cursor.valid; cursor.prev()) sink += cursor.key.length + cursor.value!.length
  }),
  entries,
  payloadBytes,
  scanPeer,
)
const cacheStats = cache.stats
await Promise.all([cached.close(), uncached.close()])
rmSync(dir, { recursive: true, force: true })

console.log(
  `sstable: ${entries.toLocaleString('en-US')} entries (16-byte keys, 100-byte values), ` +
    `${lookups.toLocaleString('en-US')} lookups, table ${(table.length / 1e6).toFixed(2)} MB`,
)
console.log(
  `${'row'.padEnd(20)} ${'MB/s'.padStart(9)} ${'ops/s'.padStart(12)} ${'µs/op'.padStart(9)} ${'÷ in-memory peer'.padStart(17)}`,
)
for (const r of rows) {
  const mbps = r.bytes > 0 ? (r.bytes / r.seconds / 1e6).toFixed(1) : '-'
  const ratio = Number.isNaN(r.peer) ? '-' : (r.peer / r.seconds).toFixed(2)
  console.log(
    `${r.name.padEnd(20)} ${mbps.padStart(9)} ${Math.round(r.ops / r.seconds)
      .toLocaleString('en-US')
      .padStart(12)} ${((r.seconds / r.ops) * 1e6).toFixed(2).padStart(9)} ${ratio.padStart(17)}`,
  )
}
console.log(
  `bloom filter: ${((100 * falsePositives) / entries).toFixed(2)}% of absent keys let through; ` +
    `cache: ${JSON.stringify(cacheStats)} (sink ${sink & 0xff})`,
)
