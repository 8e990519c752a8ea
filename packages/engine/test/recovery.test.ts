import { join } from 'node:path'
import { Engine, type EngineOptions, fileName, type WalRecovery } from '@lsmkit/engine'
import { MemoryFileSystem } from '@lsmkit/fs'
import { LogReader, LogWriter } from '@lsmkit/log'
import { readManifest } from '@lsmkit/manifest'
import { describe, expect, it } from 'vitest'
import { contents, cutPower, isTable, ObservedFileSystem, rejectsWith, text, turns, utf8 } from './support.js'

const key = (i: number) => `k${String(i).padStart(3, '0')}`
const value = (i: number) => `value ${i} `.padEnd(100, '.')
const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => key(from + i))

/** The names in /db, sorted. */
async function files(fs: MemoryFileSystem): Promise<string[]> {
  return fs.list('/db')
}

/** The keys the database holds. */
async function keysOf(db: Engine): Promise<string[]> {
  return (await contents(db)).map(([k]) => k)
}

/** The error `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown; file?: unknown }> {
  try {
    await promise
  } catch (err) {
    return err as { code?: unknown; file?: unknown }
  }
  throw new Error('expected a rejection')
}

/** Flips a byte of the file at `path`, durably. */
function damage(fs: MemoryFileSystem, path: string, at: number): void {
  const bytes = fs.readFileSync(path)!
  bytes[at]! ^= 0x5a
  fs.writeFileSync(path, bytes, { durable: true })
}

/** Where each batch of the log at `path` lies. */
async function batchesOf(fs: MemoryFileSystem, path: string): Promise<{ offset: number; end: number }[]> {
  const reader = await LogReader.open(path, { fs, mode: 'strict' })
  const found: { offset: number; end: number }[] = []
  try {
    for await (const { offset, end } of reader.batches()) found.push({ offset, end })
  } finally {
    await reader.close()
  }
  return found
}

/**
 * A database whose only log holds ten one-put batches, k000…k009, with a byte in the middle of
 * the fourth (k003) flipped. Returns the log's path, the offset of the damage, and where each
 * batch lay.
 */
async function damagedLog(): Promise<{
  fs: MemoryFileSystem
  log: string
  at: number
  batches: { offset: number; end: number }[]
}> {
  const fs = new MemoryFileSystem()
  const db = await Engine.open('/db', { fs })
  for (let i = 0; i < 10; i++) await db.put(key(i), value(i))
  await db.close()
  const log = join('/db', (await files(fs)).find((name) => name.endsWith('.wal'))!)
  const batches = await batchesOf(fs, log)
  const fourth = batches[3]!
  const at = Math.floor((fourth.offset + fourth.end) / 2)
  damage(fs, log, at)
  return { fs, log, at, batches }
}

describe('recovery of the log', () => {
  it('reopens after a power cut with every synced write', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    for (let i = 0; i < 10; i++) await db.put(key(i), value(i))
    await db.sync()
    await cutPower(fs, db)
    await using again = await Engine.open('/db', { fs })
    expect(await keysOf(again)).toEqual(keys(0, 10))
  })

  it('drops a torn log tail and truncates the log, durably, at its last good record', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    for (let i = 0; i < 5; i++) await db.put(key(i), value(i))
    await db.sync()
    const log = join('/db', (await files(fs)).find((name) => name.endsWith('.wal'))!)
    const good = fs.durableSize(log)!
    await db.put('torn', 'x'.repeat(1000))
    // The machine dies halfway through writing the last record out.
    await cutPower(fs, db, { keepUnsynced: (path, bytes) => (path === log ? Math.floor(bytes / 2) : 0) })
    const torn = fs.readFileSync(log)!.length
    expect(torn).toBeGreaterThan(good)

    await using again = await Engine.open('/db', { fs })
    expect(await keysOf(again)).toEqual(keys(0, 5))
    expect(fs.readFileSync(log)!.length).toBe(good)
    expect(fs.durableSize(log)).toBe(good)
    expect(again.stats().recovery.droppedBytes).toBe(torn - good)
  })

  it('does not take a cut-off torn tail for damage once newer logs follow it', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    // Enough entries that flushing them after recovery yields to the event loop, so that the
    // crash below comes while the first log is still needed.
    const many = Array.from({ length: 1200 }, (_, i) => `m${String(i).padStart(4, '0')}`)
    await Promise.all(many.map((k) => db.put(k, 'v')))
    await db.sync()
    const log = join('/db', (await files(fs)).find((name) => name.endsWith('.wal'))!)
    const good = fs.durableSize(log)!
    await db.put('torn', 'x'.repeat(1000))
    await cutPower(fs, db, { keepUnsynced: (path, bytes) => (path === log ? Math.floor(bytes / 2) : 0) })
    // Recovery cuts the tail off; the power fails again at once.
    await cutPower(fs, await Engine.open('/db', { fs }))
    expect(fs.readFileSync(log)?.length).toBe(good)

    // A later session writes a newer log, and crashes.
    const ids = (await files(fs)).map((name) => Number.parseInt(name, 10)).filter((id) => id > 0)
    await plantLog(fs, join('/db', fileName(Math.max(...ids) + 1, '.wal')), keys(0, 5))
    await using again = await Engine.open('/db', { fs })
    expect(await keysOf(again)).toEqual([...keys(0, 5), ...many])
  })

  it("fails open with LEVEL_CORRUPTION naming the log for damage in its middle, under the default 'strict'", async () => {
    const { fs, log } = await damagedLog()
    const err = await rejection(Engine.open('/db', { fs }))
    expect(err.code).toBe('LEVEL_CORRUPTION')
    expect(err.file).toBe(log)
  })

  it('leaves a log damaged in its middle untouched when it fails open', async () => {
    const { fs, log } = await damagedLog()
    const before = fs.readFileSync(log)
    await rejectsWith(Engine.open('/db', { fs }), 'LEVEL_CORRUPTION')
    expect(fs.readFileSync(log)).toEqual(before)
  })

  it("keeps every batch before the damage and drops the rest with walRecovery 'point-in-time'", async () => {
    const { fs } = await damagedLog()
    await using db = await Engine.open('/db', { fs, walRecovery: 'point-in-time' })
    expect(await keysOf(db)).toEqual(keys(0, 3))
  })

  it("drops every later log too with 'point-in-time', so the state is a prefix of the writes", async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    await db.close()
    // Two logs as a crash could leave them, the older one damaged in its middle.
    const { logNumber } = (await readManifest('/db', { fs }))!
    const older = join('/db', fileName(logNumber + 1, '.wal'))
    const newer = join('/db', fileName(logNumber + 2, '.wal'))
    await plantLog(fs, older, keys(0, 6))
    await plantLog(fs, newer, keys(6, 10))
    const third = (await batchesOf(fs, older))[2]!
    damage(fs, older, Math.floor((third.offset + third.end) / 2))

    await using again = await Engine.open('/db', { fs, walRecovery: 'point-in-time' })
    expect(await keysOf(again)).toEqual(keys(0, 2))
  })

  it("keeps writes made after a 'point-in-time' recovery, even through a crash right after them", async () => {
    const { fs } = await damagedLog()
    const recovered = await writeAfterRecoveryThenCrash(fs, 'point-in-time')
    expect(recovered).toEqual(keys(0, 3))
    // Reopened with the default 'strict': the damaged log must be gone, not merely skipped.
    await using again = await Engine.open('/db', { fs })
    expect(await keysOf(again)).toEqual(['after', ...recovered])
  })

  it("keeps the intact batches on both sides of the damage with walRecovery 'skip'", async () => {
    const { fs, at, batches } = await damagedLog()
    await using db = await Engine.open('/db', { fs, walRecovery: 'skip' })
    const kept = new Set(await keysOf(db))
    expect(kept.has(key(3))).toBe(false)
    // The reader drops the damaged chunk and the rest of its block; batches clear of that block
    // survive, before the damage and after it.
    const block = Math.floor(at / 128)
    const clear = keys(0, 10).filter((_, i) => {
      const { offset, end } = batches[i]!
      return Math.floor((end - 1) / 128) < block || Math.floor(offset / 128) > block
    })
    expect(clear.filter((k) => k < key(3)).length).toBeGreaterThan(0)
    expect(clear.filter((k) => k > key(3)).length).toBeGreaterThan(0)
    for (const k of clear) expect(kept.has(k)).toBe(true)
    expect(db.stats().recovery.droppedBytes).toBeGreaterThan(0)
  })

  it("keeps writes made after a 'skip' recovery, even through a crash right after them", async () => {
    const { fs } = await damagedLog()
    const recovered = await writeAfterRecoveryThenCrash(fs, 'skip')
    await using again = await Engine.open('/db', { fs })
    expect(await keysOf(again)).toEqual(['after', ...recovered])
  })
})

/**
 * Opens the database with `walRecovery`, holding up the flush of what recovery found; as soon
 * as open resolves, writes `after` with `sync`, then crashes (power cut) before a flush that is
 * still held could finish. Returns the keys the recovery kept.
 */
async function writeAfterRecoveryThenCrash(
  memory: MemoryFileSystem,
  walRecovery: WalRecovery,
): Promise<string[]> {
  const fs = new ObservedFileSystem(memory)
  const flush = fs.holdOpen(isTable)
  const opening = Engine.open('/db', { fs, walRecovery })
  await flush.reached
  // An open that waits for the flush must be let through; one that does not has resolved by now.
  if ((await Promise.race([opening, turns().then(() => undefined)])) === undefined) flush.release()
  const db = await opening
  const recovered = await keysOf(db)
  await db.put('after', 'recovery', { sync: true })
  fs.kill()
  flush.release()
  await db.close().catch(() => {})
  memory.powerCut()
  return recovered
}

/** Writes a log of one-put batches at `path`, as the engine would, synced. */
async function plantLog(fs: MemoryFileSystem, path: string, batchKeys: readonly string[]): Promise<void> {
  const writer = await LogWriter.create(path, { fs })
  for (const k of batchKeys) writer.add([{ key: utf8(k), value: utf8(`planted ${k}`) }])
  await writer.sync()
  await writer.close()
}

describe('recovery of the tables', () => {
  /** A database with one L0 table, closed; returns the table's path. */
  async function withTable(fs: MemoryFileSystem): Promise<string> {
    const db = await Engine.open('/db', { fs })
    for (let i = 0; i < 10; i++) await db.put(key(i), value(i))
    await db.flush()
    await db.close()
    return join('/db', (await files(fs)).find((name) => name.endsWith('.sst'))!)
  }

  it('fails open with LEVEL_CORRUPTION naming a table that the manifest lists but is missing', async () => {
    const fs = new MemoryFileSystem()
    const table = await withTable(fs)
    await fs.unlink(table)
    const err = await rejection(Engine.open('/db', { fs }))
    expect(err.code).toBe('LEVEL_CORRUPTION')
    expect(err.file).toBe(table)
  })

  it('fails open with LEVEL_CORRUPTION naming a truncated table', async () => {
    const fs = new MemoryFileSystem()
    const table = await withTable(fs)
    const bytes = fs.readFileSync(table)!
    fs.writeFileSync(table, bytes.subarray(0, Math.floor(bytes.length / 2)), { durable: true })
    const err = await rejection(Engine.open('/db', { fs }))
    expect(err.code).toBe('LEVEL_CORRUPTION')
    expect(err.file).toBe(table)
  })

  it('fails open with LEVEL_CORRUPTION naming a table with a damaged footer', async () => {
    const fs = new MemoryFileSystem()
    const table = await withTable(fs)
    damage(fs, table, fs.readFileSync(table)!.length - 10)
    const err = await rejection(Engine.open('/db', { fs }))
    expect(err.code).toBe('LEVEL_CORRUPTION')
    expect(err.file).toBe(table)
  })

  it('releases the lock when it fails open, so a repaired database opens', async () => {
    const fs = new MemoryFileSystem()
    const table = await withTable(fs)
    const bytes = fs.readFileSync(table)!
    fs.writeFileSync(table, bytes.subarray(0, 10), { durable: true })
    await rejectsWith(Engine.open('/db', { fs }), 'LEVEL_CORRUPTION')
    fs.writeFileSync(table, bytes, { durable: true })
    await using db = await Engine.open('/db', { fs })
    expect(await keysOf(db)).toEqual(keys(0, 10))
  })
})

describe('file numbers after recovery', () => {
  it('come after a stray log newer than the manifest knows, which is replayed, not overwritten', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    await db.put('a', '1')
    await db.close()
    await plantLog(fs, '/db/000900.wal', ['stray'])

    const again = await Engine.open('/db', { fs })
    expect(text(await again.get('stray'))).toBe('planted stray')
    expect(again.stats().memtables[0]!.id).toBeGreaterThan(900)
    await again.flush()
    await again.close()
    const ids = (await files(fs))
      .filter((name) => /^\d+\.(wal|sst)$/.test(name))
      .map((name) => Number.parseInt(name, 10))
    expect(Math.max(...ids)).toBeGreaterThan(900)
    expect((await readManifest('/db', { fs }))!.nextFileNumber).toBeGreaterThan(900)
  })

  it('come after a stray high-numbered table', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    await db.put('a', '1')
    await db.close()
    fs.writeFileSync('/db/000950.sst', utf8('not a table'), { durable: true })

    await using again = await Engine.open('/db', { fs })
    expect(again.stats().memtables[0]!.id).toBeGreaterThan(950)
    await again.put('b', '2')
    await again.flush()
    const tables = (await files(fs))
      .filter((name) => name.endsWith('.sst'))
      .map((name) => Number.parseInt(name, 10))
    expect(Math.max(...tables)).toBeGreaterThan(950)
  })
})

describe('clean-up on open', () => {
  it('removes tables the manifest does not reference and logs below its log number, and reports them', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    await db.put('a', '1')
    await db.flush()
    await db.close()
    const { logNumber, nextFileNumber, levels } = (await readManifest('/db', { fs }))!
    expect(levels.flat()).not.toContain(nextFileNumber)
    const oldLog = fileName(logNumber - 1, '.wal')
    const orphan = fileName(nextFileNumber, '.sst')
    expect(await files(fs)).not.toContain(oldLog)
    await plantLog(fs, join('/db', oldLog), ['ghost'])
    fs.writeFileSync(join('/db', orphan), utf8('a table no manifest names'), { durable: true })

    await using again = await Engine.open('/db', { fs })
    expect(await files(fs)).not.toContain(oldLog)
    expect(await files(fs)).not.toContain(orphan)
    expect([...again.stats().recovery.filesRemoved].sort()).toEqual([oldLog, orphan].sort())
    expect(await again.get('ghost')).toBeUndefined()
    expect(text(await again.get('a'))).toBe('1')
  })
})

describe('reopening', () => {
  const options: EngineOptions = { memtableSize: 4096, l0CompactionTrigger: 2 }

  // Data in tables, in frozen and active memtables' logs, and a torn tail: then a crash.
  async function crashed(): Promise<MemoryFileSystem> {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { ...options, fs })
    for (let i = 0; i < 150; i++) await db.put(key(i), value(i), { sync: i === 149 })
    await db.put('torn', 'x'.repeat(2000))
    await cutPower(fs, db, { keepUnsynced: (_, bytes) => Math.floor(bytes / 3) })
    return fs
  }

  it('loses nothing by reopening twice in a row', async () => {
    const fs = await crashed()
    for (const walRecovery of ['strict', 'strict', 'point-in-time', 'skip'] satisfies WalRecovery[]) {
      const db = await Engine.open('/db', { ...options, fs, walRecovery })
      expect(await keysOf(db)).toEqual(keys(0, 150))
      await db.close()
    }
  })

  it('loses nothing that was durable to a power cut right after recovery', async () => {
    const fs = await crashed()
    for (let round = 0; round < 3; round++) {
      const db = await Engine.open('/db', { ...options, fs })
      expect(await keysOf(db)).toEqual(keys(0, 150))
      await cutPower(fs, db, { keepUnsynced: (_, bytes) => Math.floor(bytes / 2) })
    }
    await using db = await Engine.open('/db', { ...options, fs })
    expect(await keysOf(db)).toEqual(keys(0, 150))
  })
})
