// What a reader hands out per batch (its payload and count beside its entries), and
// forEachBatch, the replay path that waits once per read instead of once per batch.
import { MemoryFileSystem } from '@lsmkit/fs'
import { encodeBatch, type LogBatch, LogReader } from '@lsmkit/log'
import { describe, expect, it } from 'vitest'
import { buildLog, normalizeAll, randomBatches } from './helpers.js'

const PATH = '/db/000001.wal'

async function open(
  bytes: Uint8Array,
  mode: 'strict' | 'tolerate-tail' = 'tolerate-tail',
): Promise<LogReader> {
  const fs = new MemoryFileSystem()
  fs.writeFileSync(PATH, bytes, { durable: true })
  return LogReader.open(PATH, { fs, mode })
}

async function viaBatches(reader: LogReader): Promise<LogBatch[]> {
  const out: LogBatch[] = []
  for await (const batch of reader.batches()) out.push(batch)
  return out
}

async function viaForEach(reader: LogReader): Promise<LogBatch[]> {
  const out: LogBatch[] = []
  await reader.forEachBatch((batch) => out.push(batch))
  return out
}

// Enough batches, of sizes from empty to several blocks, to fill more than one 256 KiB read.
const BATCHES = randomBatches(7, 6000, 6, 200)

describe('batches read from a log', () => {
  it("carry their record's bytes, as encodeBatch encodes their entries, and their count", async () => {
    const reader = await open(buildLog(BATCHES).bytes)
    const read = await viaBatches(reader)
    await reader.close()
    expect(read.map((b) => [...b.payload])).toEqual(BATCHES.map((b) => [...encodeBatch(b)]))
    expect(read.map((b) => b.count)).toEqual(BATCHES.map((b) => b.length))
  })

  it('keep their bytes once later records are read: no two payloads share memory', async () => {
    const reader = await open(buildLog(BATCHES).bytes)
    const read = await viaForEach(reader)
    await reader.close()
    // Checked only after the whole log was read, so a payload overwritten by a later join shows.
    expect(normalizeAll(read.map((b) => b.entries))).toEqual(normalizeAll(BATCHES))
  })
})

describe('forEachBatch', () => {
  it('visits the batches batches() yields, in the same order, with the same offsets', async () => {
    const { bytes } = buildLog(BATCHES)
    const a = await open(bytes)
    const b = await open(bytes)
    const yielded = await viaBatches(a)
    const visited = await viaForEach(b)
    await a.close()
    await b.close()
    const shape = (x: LogBatch) => [x.offset, x.end, x.count, [...x.payload]]
    expect(visited.map(shape)).toEqual(yielded.map(shape))
    expect(b.lastGoodOffset).toBe(a.lastGoodOffset)
  })

  it('visits every batch before damage, then throws it', async () => {
    const { bytes, ends } = buildLog(BATCHES)
    // Flip a byte inside the record after the 4,000th: it is in the second 256 KiB read, with
    // intact batches before it in that read.
    const damaged = bytes.slice()
    damaged[ends[3999]! + 10]! ^= 0xff
    const reader = await open(damaged, 'strict')
    const visited: LogBatch[] = []
    await expect(reader.forEachBatch((batch) => visited.push(batch))).rejects.toMatchObject({
      code: 'LEVEL_CORRUPTION',
    })
    await reader.close()
    expect(ends[3999]!).toBeGreaterThan(256 * 1024)
    expect(visited.length).toBe(4000)
  })

  it('fails with the error of a read that fails, after visiting the batches read before it', async () => {
    const { bytes, ends } = buildLog(BATCHES)
    const fs = new MemoryFileSystem()
    fs.writeFileSync(PATH, bytes, { durable: true })
    const reader = await LogReader.open(PATH, { fs })
    // The first read of the file's blocks succeeds; the second, made ahead while the first
    // one's batches are visited, fails.
    fs.injectFault({ at: fs.callCount + 2, code: 'EIO' })
    const visited: LogBatch[] = []
    await expect(reader.forEachBatch((batch) => visited.push(batch))).rejects.toMatchObject({
      code: 'LEVEL_IO_ERROR',
      systemCode: 'EIO',
    })
    await reader.close()
    // Every batch that ends within the first 256 KiB (after the 16-byte header) was visited.
    expect(visited.length).toBe(ends.filter((end) => end <= 256 * 1024).length)
  })

  it('reports damage in one read though the read ahead of it fails, leaving nothing unhandled', async () => {
    const { bytes, ends } = buildLog(BATCHES)
    const damaged = bytes.slice()
    damaged[ends[10]! + 10]! ^= 0xff
    const fs = new MemoryFileSystem()
    fs.writeFileSync(PATH, damaged, { durable: true })
    const reader = await LogReader.open(PATH, { fs, mode: 'strict' })
    fs.injectFault({ at: fs.callCount + 2, code: 'EIO' })
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      await expect(reader.forEachBatch(() => undefined)).rejects.toMatchObject({ code: 'LEVEL_CORRUPTION' })
      await new Promise((resolve) => setTimeout(resolve, 10))
    } finally {
      process.off('unhandledRejection', onUnhandled)
      await reader.close()
    }
    expect(unhandled).toEqual([])
  })

  it('passes on what its visitor throws, and reads no further', async () => {
    const reader = await open(buildLog(BATCHES).bytes)
    let visits = 0
    const stop = new Error('enough')
    await expect(
      reader.forEachBatch(() => {
        visits++
        if (visits === 10) throw stop
      }),
    ).rejects.toBe(stop)
    await reader.close()
    expect(visits).toBe(10)
  })

  it('reads a log once: a second read of either kind fails with LEVEL_CLOSED', async () => {
    const reader = await open(buildLog(BATCHES.slice(0, 5)).bytes)
    await viaForEach(reader)
    await expect(viaForEach(reader)).rejects.toMatchObject({ code: 'LEVEL_CLOSED' })
    await expect(viaBatches(reader)).rejects.toMatchObject({ code: 'LEVEL_CLOSED' })
    await reader.close()
  })
})
