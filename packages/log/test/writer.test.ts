import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryFileSystem } from '@lsmkit/fs'
import { encodeBatch, type LogEntryInput, LogWriter, readLog } from '@lsmkit/log'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { collect, normalizeAll, randomBatches, rng, utf8 } from './helpers.js'

const PATH = '/db/000001.wal'
const small = (value: string): LogEntryInput[] => [{ key: utf8('k'), value: utf8(value) }]

async function memLog(): Promise<{ fs: MemoryFileSystem; writer: LogWriter }> {
  const fs = new MemoryFileSystem()
  await fs.mkdir('/db')
  await fs.syncDir('/')
  return { fs, writer: await LogWriter.create(PATH, { fs }) }
}

async function readBack(path: string, fs?: MemoryFileSystem) {
  const { read, error } = await collect(readLog(path, fs === undefined ? {} : { fs }))
  expect(error).toBeUndefined()
  return normalizeAll(read)
}

describe('LogWriter on real files', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lsmkit-log-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('writes 2,000 random batches that read back identically', async () => {
    const path = join(dir, '000001.wal')
    const batches = randomBatches(11, 2000, 5, 200)
    const writer = await LogWriter.create(path)
    const next = rng(3)
    for (const batch of batches) {
      writer.add(batch)
      if (next() < 0.05) writer.flush()
      if (next() < 0.01) await writer.sync()
    }
    await writer.sync()
    await writer.close()
    expect(await readBack(path)).toEqual(normalizeAll(batches))
  })

  it('refuses to create over an existing file', async () => {
    const path = join(dir, '000001.wal')
    await (await LogWriter.create(path)).close()
    await expect(LogWriter.create(path)).rejects.toMatchObject({
      code: 'LEVEL_IO_ERROR',
      systemCode: 'EEXIST',
    })
  })

  it('keeps a partial block in memory until flushed', async () => {
    const path = join(dir, '000001.wal')
    const writer = await LogWriter.create(path)
    writer.add(small('v'))
    expect(statSync(path).size).toBe(16)
    expect(writer.bufferedBytes).toBe(13)
    writer.flush()
    expect(statSync(path).size).toBe(29)
    await writer.close()
  })

  it('hands the whole batch to the operating system in one write when asked to flush', async () => {
    const path = join(dir, '000001.wal')
    const writer = await LogWriter.create(path)
    writer.add([{ key: utf8('k'), value: new Uint8Array(300) }], { flush: true })
    expect(writer.bufferedBytes).toBe(0)
    expect(statSync(path).size).toBe(writer.size)
    await writer.close()
  })

  it('writes a group of batches in one call, each readable as its own batch', async () => {
    const path = join(dir, '000001.wal')
    const writer = await LogWriter.create(path)
    const batches = randomBatches(4, 50)
    writer.addAll(batches, { flush: true })
    expect(statSync(path).size).toBe(writer.size)
    await writer.close()
    expect(await readBack(path)).toEqual(normalizeAll(batches))
  })

  it('writes no batch of a group that holds a bad one', async () => {
    const path = join(dir, '000001.wal')
    const writer = await LogWriter.create(path)
    const before = writer.size
    expect(() =>
      writer.addAll([small('a'), [{ key: 'x' as unknown as Uint8Array }]], { flush: true }),
    ).toThrow(expect.objectContaining({ code: 'LEVEL_INVALID_KEY' }))
    expect(writer.size).toBe(before)
    await writer.close()
    expect(await readBack(path)).toEqual([])
  })

  it('writes a group of encoded batches in one call, each readable as its own batch', async () => {
    const path = join(dir, '000001.wal')
    const writer = await LogWriter.create(path)
    const batches = randomBatches(5, 50)
    writer.addEncodedAll(batches.map(encodeBatch), { flush: true })
    expect(statSync(path).size).toBe(writer.size)
    await writer.close()
    expect(await readBack(path)).toEqual(normalizeAll(batches))
  })

  it('writes no encoded batch of a group that holds a malformed one', async () => {
    const path = join(dir, '000001.wal')
    const writer = await LogWriter.create(path)
    const before = writer.size
    expect(() =>
      writer.addEncodedAll([encodeBatch(small('a')), Uint8Array.of(9, 0)], { flush: true }),
    ).toThrow(expect.objectContaining({ code: 'LEVEL_INVALID_OPTION' }))
    expect(writer.size).toBe(before)
    await writer.close()
    expect(await readBack(path)).toEqual([])
  })

  it('hands each completed block to the operating system at once', async () => {
    const path = join(dir, '000001.wal')
    const writer = await LogWriter.create(path, { blockSize: 128 })
    writer.add([{ key: utf8('k'), value: new Uint8Array(300) }])
    expect(statSync(path).size).toBe(256)
    await writer.close()
  })

  it('appends after the last batch when reopened', async () => {
    const path = join(dir, '000001.wal')
    const first = await LogWriter.create(path)
    first.add(small('one'))
    await first.close()
    const again = await LogWriter.openForAppend(path)
    again.add(small('two'))
    await again.close()
    expect(await readBack(path)).toEqual(normalizeAll([small('one'), small('two')]))
  })

  it('cuts a torn tail when reopened and appends after the last intact batch', async () => {
    const path = join(dir, '000001.wal')
    const writer = await LogWriter.create(path)
    writer.add(small('kept'))
    writer.add([{ key: utf8('k'), value: new Uint8Array(200).fill(1) }])
    await writer.close()
    truncateSync(path, statSync(path).size - 10)
    const again = await LogWriter.openForAppend(path)
    expect(again.droppedTailBytes).toBeGreaterThan(0)
    again.add(small('after'))
    await again.close()
    expect(await readBack(path)).toEqual(normalizeAll([small('kept'), small('after')]))
  })
})

describe('LogWriter durability on the in-memory file system', () => {
  it('loses exactly the unsynced batches in a power cut', async () => {
    const { fs, writer } = await memLog()
    writer.add(small('a'))
    writer.add(small('b'))
    await writer.sync()
    const synced = fs.durableSize(PATH)
    writer.add(small('c'))
    writer.flush()
    expect(fs.readFileSync(PATH)!.length).toBeGreaterThan(synced!)
    fs.powerCut()
    expect(fs.readFileSync(PATH)!.length).toBe(synced)
    expect(await readBack(PATH, fs)).toEqual(normalizeAll([small('a'), small('b')]))
  })

  it('keeps the file itself through a power cut once synced', async () => {
    const { fs, writer } = await memLog()
    await writer.sync()
    fs.powerCut()
    expect(await readBack(PATH, fs)).toEqual([])
  })

  it('reads a prefix that keeps every synced batch after a torn write', async () => {
    const batches = randomBatches(5, 30)
    for (let seed = 0; seed < 20; seed++) {
      const { fs, writer } = await memLog()
      for (const batch of batches.slice(0, 10)) writer.add(batch)
      await writer.sync()
      for (const batch of batches.slice(10)) writer.add(batch)
      writer.flush()
      const next = rng(seed)
      fs.powerCut({ keepUnsynced: (_, unsynced) => Math.floor(next() * (unsynced + 1)) })
      const read = await readBack(PATH, fs)
      expect(read.length).toBeGreaterThanOrEqual(10)
      expect(read).toEqual(normalizeAll(batches.slice(0, read.length)))
    }
  })

  it('fails for good after a write error, and a reopen finds every synced batch', async () => {
    const { fs, writer } = await memLog()
    writer.add(small('a'))
    await writer.sync()
    fs.injectFault({ at: fs.callCount + 1, code: 'ENOSPC' })
    writer.add(small('b'))
    expect(() => writer.flush()).toThrow(
      expect.objectContaining({ code: 'LEVEL_IO_ERROR', systemCode: 'ENOSPC' }),
    )
    expect(() => writer.add(small('c'))).toThrow(expect.objectContaining({ code: 'LEVEL_IO_ERROR' }))
    await expect(writer.sync()).rejects.toMatchObject({ code: 'LEVEL_IO_ERROR' })
    await writer.close()
    const again = await LogWriter.openForAppend(PATH, { fs })
    await again.close()
    expect(await readBack(PATH, fs)).toEqual(normalizeAll([small('a')]))
  })

  it('fails for good after an fsync error', async () => {
    const { fs, writer } = await memLog()
    writer.add(small('a'))
    writer.flush()
    fs.injectFault({ at: fs.callCount + 1, code: 'EIO' })
    await expect(writer.sync()).rejects.toMatchObject({ code: 'LEVEL_IO_ERROR', systemCode: 'EIO' })
    expect(() => writer.add(small('b'))).toThrow(
      expect.objectContaining({ code: 'LEVEL_IO_ERROR', systemCode: 'EIO' }),
    )
  })

  it('writes nothing for a bad batch', async () => {
    const { writer } = await memLog()
    const before = writer.size
    expect(() => writer.add([{ key: utf8('k'), value: new Uint8Array(0) }])).toThrow(
      expect.objectContaining({ code: 'LEVEL_INVALID_VALUE' }),
    )
    expect(writer.size).toBe(before)
  })

  it('refuses every call after close, and closes twice harmlessly', async () => {
    const { writer } = await memLog()
    await writer.close()
    await writer.close()
    expect(() => writer.add(small('a'))).toThrow(expect.objectContaining({ code: 'LEVEL_CLOSED' }))
    expect(() => writer.flush()).toThrow(expect.objectContaining({ code: 'LEVEL_CLOSED' }))
    await expect(writer.sync()).rejects.toMatchObject({ code: 'LEVEL_CLOSED' })
  })

  it('creates a missing log when opened for append', async () => {
    const fs = new MemoryFileSystem()
    const writer = await LogWriter.openForAppend('/fresh.wal', { fs, blockSize: 64 })
    writer.add(small('a'))
    await writer.close()
    expect(writer.blockSize).toBe(64)
    expect(await readBack('/fresh.wal', fs)).toEqual(normalizeAll([small('a')]))
  })

  it('rewrites a header torn in a crash when opened for append', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/torn.wal', Uint8Array.of(0x6c, 0x73, 0x6d), { durable: true })
    const writer = await LogWriter.openForAppend('/torn.wal', { fs })
    writer.add(small('a'))
    await writer.close()
    expect(await readBack('/torn.wal', fs)).toEqual(normalizeAll([small('a')]))
  })

  it('refuses to append to a log damaged before its tail, and leaves it as it was', async () => {
    const { fs, writer } = await memLog()
    for (let i = 0; i < 20; i++) writer.add(small(`value-${i}`))
    await writer.close()
    const damaged = fs.readFileSync(PATH)!.slice()
    damaged[40]! ^= 0x10
    fs.writeFileSync(PATH, damaged, { durable: true })
    await expect(LogWriter.openForAppend(PATH, { fs })).rejects.toMatchObject({
      code: 'LEVEL_CORRUPTION',
      file: PATH,
    })
    expect(fs.readFileSync(PATH)).toEqual(damaged)
  })

  it('refuses a block size that differs from the log it appends to', async () => {
    const { fs, writer } = await memLog()
    await writer.close()
    await expect(LogWriter.openForAppend(PATH, { fs, blockSize: 256 })).rejects.toMatchObject({
      code: 'LEVEL_INVALID_OPTION',
    })
  })

  it('reads back what many reopen-and-append rounds wrote, across block boundaries', async () => {
    const fs = new MemoryFileSystem()
    const batches = randomBatches(9, 120, 3, 50)
    for (let round = 0; round < 12; round++) {
      const writer = await LogWriter.openForAppend('/r.wal', { fs, blockSize: 48 })
      for (const batch of batches.slice(round * 10, round * 10 + 10)) writer.add(batch)
      await writer.close()
    }
    const { read, error } = await collect(readLog('/r.wal', { fs, mode: 'strict' }))
    expect(error).toBeUndefined()
    expect(normalizeAll(read)).toEqual(normalizeAll(batches))
  })
})
