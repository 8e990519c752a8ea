import { join } from 'node:path'
import { Engine } from '@lsmkit/engine'
import { LogReader } from '@lsmkit/log'
import { describe, expect, it } from 'vitest'
import { contents, observed, turns } from './support.js'

const KB = 'x'.repeat(1000)
const isLog = (path: string) => path.endsWith('.wal')

/** The payload sizes of the batches in the log at `path`, in order. */
async function batchSizes(fs: Parameters<typeof LogReader.open>[1]['fs'], path: string): Promise<number[]> {
  const reader = await LogReader.open(path, { fs, mode: 'strict' })
  const sizes: number[] = []
  try {
    await reader.forEachBatch((batch) => {
      sizes.push(batch.payload.length)
    })
  } finally {
    await reader.close()
  }
  return sizes
}

/**
 * A database with 1 KiB memtables whose first log's fsync is held: `a0`, then `a`, filled the first
 * memtable, and `b`, the first write after it, moved writes to a second log. The first log's
 * fsync is waiting, at the hold, when this resolves.
 */
async function rotatedWithSyncHeld() {
  const { memory, fs, options } = observed({ memtableSize: 1024 })
  const db = await Engine.open('/db', options)
  const first = join('/db', (await memory.list('/db')).find((name) => name.endsWith('.wal'))!)
  const hold = fs.holdSync((path) => path === first)
  await db.put('a0', '1')
  await db.put('a', KB + KB)
  await db.put('b', '2')
  const held = await hold.reached
  return { memory, fs, db, first, held, release: hold.release }
}

describe('full logs fsynced in the background', () => {
  it("acknowledges writes after a memtable rotation while the full log's fsync still runs", async () => {
    const { db, first, held, release } = await rotatedWithSyncHeld()
    expect(held).toBe(first)
    // Both writes above resolved with the fsync still held; so do later ones.
    await db.put('c', '3')
    expect(await db.get('c')).toBeDefined()
    release()
    await db.close()
  })

  it('holds a sync write until every log before the active one is durable', async () => {
    const { db, release } = await rotatedWithSyncHeld()
    let synced = false
    const write = db.put('c', '3', { sync: true }).then(() => {
      synced = true
    })
    await turns(50)
    expect(synced).toBe(false)
    release()
    await write
    expect(synced).toBe(true)
    await db.close()
  })

  it("counts a sync write's wait for an older log's fsync as a logSync stall", async () => {
    const { db, release } = await rotatedWithSyncHeld()
    expect(db.stats().stalls.logSync).toBe(0)
    const write = db.put('c', '3', { sync: true })
    await turns(20)
    release()
    await write
    expect(db.stats().stalls.logSync).toBeGreaterThan(0)
    await db.close()
  })

  it('marks the next log with an empty batch once the log before it is durable', async () => {
    const { memory, db, first, release } = await rotatedWithSyncHeld()
    const second = join('/db', (await memory.list('/db')).filter((name) => name.endsWith('.wal'))[1]!)
    expect(second).not.toBe(first)
    expect(await batchSizes(memory, second)).not.toContain(0)
    release()
    await db.put('c', '3', { sync: true })
    expect(await batchSizes(memory, second)).toContain(0)
    await db.close()
  })

  it("fails the engine, refusing later writes with LEVEL_IO_ERROR, when a full log's fsync fails", async () => {
    const { memory, db, release } = await rotatedWithSyncHeld()
    memory.injectFault({ at: memory.callCount + 1 })
    release()
    await expect(db.put('c', '3', { sync: true })).rejects.toMatchObject({ code: 'LEVEL_IO_ERROR' })
    await expect(db.put('d', '4')).rejects.toMatchObject({ code: 'LEVEL_IO_ERROR' })
    await db.close().catch(() => {})
  })

  it('recovers a prefix of the writes when a power cut tears a full log whose fsync had not finished', async () => {
    const { memory, db, first, release } = await rotatedWithSyncHeld()
    for (let i = 0; i < 5; i++) await db.put(`later${i}`, 'v')
    // The kernel commits the directory on its own (ext4 does every few seconds), so the second
    // log's name survives the power cut though nothing synced it.
    await memory.syncDir('/db')
    // The power fails while the first log's fsync is under way: the disk takes no more calls.
    memory.injectFault({ at: memory.callCount + 1, sticky: true })
    release()
    await db.close().catch(() => {})
    // The first log keeps half of what it never synced; every later log keeps all of it.
    memory.powerCut({
      keepUnsynced: (path, bytes) => (path === first ? Math.floor(bytes / 2) : isLog(path) ? bytes : 0),
    })
    await using again = await Engine.open('/db', { fs: memory })
    const keys = (await contents(again)).map(([k]) => k)
    // The first log is torn inside `a`: `a0` before it survives, and nothing of a later log may
    // come back without `a`.
    expect(keys).toEqual(['a0'])
    expect(again.stats().recovery.droppedBytes).toBeGreaterThan(0)
  })
})
