import { Engine, fileName, LOG_SUFFIX } from '@lsmkit/engine'
import { MemoryFileSystem, NodeFileSystem } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { contents, cutPower, ObservedFileSystem, observed, rejectsWith, tempDir } from './support.js'

const MiB = 1 << 20
const VALUE = 'v'.repeat(1000)
const key = (i: number) => `k${String(i).padStart(5, '0')}`

async function put(db: Engine, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await db.put(key(i), VALUE)
}

async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 10_000) throw new Error('the condition never came true')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('Background log fsyncs', () => {
  it('fsyncs the active log in the background once a MiB has been appended, with no sync write', async () => {
    const { fs, options } = observed({ memtableSize: 64 * MiB })
    await using db = await Engine.open('/db', options)
    const before = fs.logSyncs
    // About 0.85 MiB of log: under the threshold.
    await put(db, 0, 800)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(fs.logSyncs).toBe(before)
    await put(db, 800, 1200)
    await until(() => fs.logSyncs > before)
    expect(db.stats().memtables).toHaveLength(1)
  })

  it('keeps fsyncing the log every MiB while a writer awaits puts in a tight loop', async () => {
    // Real files: a real fsync completes on the thread pool, and its completion reaches the
    // engine only when the event loop turns, which puts that commit at once never make it do.
    const { dir, remove } = tempDir()
    try {
      const fs = new ObservedFileSystem(new NodeFileSystem())
      await using db = await Engine.open(dir, { fs, memtableSize: 64 * MiB })
      const before = fs.logSyncs
      // About 8 MiB of log, with no flush or compaction to run meanwhile.
      await put(db, 0, 8000)
      expect(fs.logSyncs - before).toBeGreaterThanOrEqual(3)
    } finally {
      remove()
    }
  })

  it('keeps what a background fsync covered through a power cut', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, memtableSize: 64 * MiB })
    await put(db, 0, 1200)
    // Let the background fsync finish before the power goes.
    await new Promise((resolve) => setTimeout(resolve, 50))
    await cutPower(fs, db)
    await using again = await Engine.open('/db', { fs })
    const kept = await contents(again)
    expect(kept.length).toBeGreaterThanOrEqual(950)
    expect(kept.map(([k]) => k)).toEqual(Array.from({ length: kept.length }, (_, i) => key(i)))
  })

  it('still makes a full log durable before writes move to the next one', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, memtableSize: 2 * MiB })
    const first = db.stats().memtables[0]!.id
    let i = 0
    while (db.stats().memtables[0]!.id === first) await db.put(key(i++), VALUE)
    // Cut at once: the old log's background fsync may have been running at the rotation.
    await cutPower(fs, db)
    await using again = await Engine.open('/db', { fs })
    const kept = (await contents(again)).map(([k]) => k)
    // Every write to the full log survives; of the write that moved to the new log, nothing is promised.
    expect(kept.slice(0, i - 1)).toEqual(Array.from({ length: i - 1 }, (_, j) => key(j)))
  })

  it('fails the engine when a background fsync of the log fails: later writes reject with LEVEL_IO_ERROR', async () => {
    // The same writes on a traced file system find the call number of the first log fsync.
    const probe = new MemoryFileSystem({ traceCalls: true })
    const traced = await Engine.open('/db', { fs: probe, memtableSize: 64 * MiB })
    await put(traced, 0, 1200)
    await new Promise((resolve) => setTimeout(resolve, 50))
    // Only calls made before close(), which fsyncs the log too.
    const calls = probe.calls.slice()
    await traced.close()
    const at = calls.indexOf(`sync /db/${fileName(1, LOG_SUFFIX)}`) + 1
    expect(at).toBeGreaterThan(0)

    const fs = new MemoryFileSystem()
    fs.injectFault({ at })
    const db = await Engine.open('/db', { fs, memtableSize: 64 * MiB })
    let failed: unknown
    await put(db, 0, 1200).catch((err: unknown) => {
      failed = err
    })
    // The fsync fails after the write that started it has resolved; the next ones are refused.
    await new Promise((resolve) => setTimeout(resolve, 50))
    await rejectsWith(db.put('after', 'x'), 'LEVEL_IO_ERROR')
    if (failed !== undefined) expect((failed as { code?: string }).code).toBe('LEVEL_IO_ERROR')
    await db.close().catch(() => {})
  })
})
