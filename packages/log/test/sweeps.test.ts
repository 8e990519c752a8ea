import { MemoryFileSystem } from '@lsmkit/fs'
import { type CorruptionMode, LogReader } from '@lsmkit/log'
import { describe, expect, it } from 'vitest'
import { buildLog, normalizeAll, randomBatches } from './helpers.js'

const PATH = '/db/000001.wal'
const BLOCK = 128
const batches = randomBatches(7, 40, 3, 90)
const { bytes, ends } = buildLog(batches, BLOCK)
const written = normalizeAll(batches).map((b) => JSON.stringify(b))

async function readAll(file: Uint8Array, mode: CorruptionMode) {
  const fs = new MemoryFileSystem()
  fs.writeFileSync(PATH, file, { durable: true })
  const read: string[] = []
  let error: unknown
  let lastGood = 0
  try {
    const reader = await LogReader.open(PATH, { fs, mode, blockSize: BLOCK })
    try {
      for await (const batch of reader.batches()) read.push(JSON.stringify(normalizeAll([batch.entries])[0]))
    } finally {
      lastGood = reader.lastGoodOffset
      await reader.close()
    }
  } catch (err) {
    error = err
  }
  return { read, error, lastGood }
}

// Start offsets of each record, to know which records touch a block.
const starts = [16, ...ends.slice(0, -1)].map((end) =>
  BLOCK - (end % BLOCK) < 7 ? end + (BLOCK - (end % BLOCK)) : end,
)

describe('sweeps over a log of 40 batches', () => {
  it('spans enough blocks to exercise fragments', () => {
    expect(bytes.length).toBeGreaterThan(20 * BLOCK)
  })

  it('reads a prefix, never throwing, when truncated at any byte (default mode)', async () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { read, error, lastGood } = await readAll(bytes.subarray(0, cut), 'tolerate-tail')
      const whole = ends.filter((end) => end <= cut).length
      expect(error, `cut at ${cut}`).toBeUndefined()
      expect(read, `cut at ${cut}`).toEqual(written.slice(0, whole))
      expect(lastGood).toBe(whole > 0 ? ends[whole - 1] : cut >= 16 ? 16 : 0)
    }
  })

  it('throws in strict mode for a flipped bit at any byte, after only intact batches', async () => {
    for (let at = 0; at < bytes.length; at++) {
      const damaged = bytes.slice()
      damaged[at]! ^= 1 << (at % 8)
      const { read, error } = await readAll(damaged, 'strict')
      expect(error, `flip at ${at}`).toMatchObject({ code: 'LEVEL_CORRUPTION', file: PATH })
      expect(read).toEqual(written.slice(0, read.length))
    }
  })

  it('returns only a prefix or throws LEVEL_CORRUPTION for a flipped bit at any byte (default mode)', async () => {
    for (let at = 0; at < bytes.length; at++) {
      const damaged = bytes.slice()
      damaged[at]! ^= 1 << (at % 8)
      const { read, error } = await readAll(damaged, 'tolerate-tail')
      if (error !== undefined) expect(error, `flip at ${at}`).toMatchObject({ code: 'LEVEL_CORRUPTION' })
      expect(read, `flip at ${at}`).toEqual(written.slice(0, read.length))
      // Damage before the last record has intact data behind it and must not pass silently.
      if (at < starts.at(-1)!) expect(error, `flip at ${at}`).toBeDefined()
    }
  })

  it('keeps every batch outside the damaged block and invents none (skip mode)', async () => {
    const failures: number[] = []
    for (let at = 0; at < bytes.length; at++) {
      const damaged = bytes.slice()
      damaged[at]! ^= 1 << (at % 8)
      const { read, error } = await readAll(damaged, 'skip')
      const block = Math.floor(at / BLOCK)
      // A damaged header costs nothing but itself; other damage costs at most its block.
      const kept = written.filter(
        (_, i) =>
          at < 16 || block < Math.floor(starts[i]! / BLOCK) || block > Math.floor((ends[i]! - 1) / BLOCK),
      )
      let next = 0
      let inOrder = true
      for (const batch of read) {
        next = written.indexOf(batch, next) + 1
        if (next === 0) inOrder = false
      }
      if (error !== undefined || !inOrder || kept.some((batch) => !read.includes(batch))) failures.push(at)
    }
    expect(failures).toEqual([])
  })
})
