import { Engine } from '@lsmkit/engine'
import { type FileHandle, MemoryFileSystem, type OpenMode } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { LOG_SUFFIX } from '../src/format.js'
import { LOG_SYNC_AHEAD_BYTES } from '../src/internal/write-queue.js'
import { rejectsWith } from './support.js'

/** Fails every fsync of a log file once `failing` is set. */
class FailingLogSyncFileSystem extends MemoryFileSystem {
  failing = false

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await super.open(path, mode)
    if (!path.endsWith(LOG_SUFFIX)) return handle
    const sync = handle.sync.bind(handle)
    handle.sync = () => {
      if (!this.failing) return sync()
      this.injectFault({ at: this.callCount + 1 })
      return sync()
    }
    return handle
  }
}

const VALUE = 'v'.repeat(1000)
// Enough puts to take the log past the sync-ahead size once, not twice.
const PUTS = Math.ceil((1.5 * LOG_SYNC_AHEAD_BYTES) / 1000)

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20))
}

describe('Syncing the log ahead', () => {
  it('fsyncs the active log in the background once it has grown by the sync-ahead size', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, memtableSize: 8 * LOG_SYNC_AHEAD_BYTES })
    for (let i = 0; i < PUTS; i++) await db.put(`k${i}`, VALUE)
    await settle()
    const log = `/db/${db.stats().logFiles.at(-1)!}`
    expect(fs.durableSize(log)).toBeGreaterThanOrEqual(LOG_SYNC_AHEAD_BYTES)
    // Only the bytes up to the sync that ran are durable: the writes after it are not synced.
    expect(fs.durableSize(log)).toBeLessThan(fs.readFileSync(log)!.length)
    await db.close()
  })

  it('does not fsync a log that has not grown by the sync-ahead size', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, memtableSize: 8 * LOG_SYNC_AHEAD_BYTES })
    for (let i = 0; i < PUTS / 3; i++) await db.put(`k${i}`, VALUE)
    await settle()
    expect(fs.durableSize(`/db/${db.stats().logFiles.at(-1)!}`)).toBe(0)
    await db.close()
  })

  it('puts the engine in the failed state when a background fsync fails', async () => {
    const fs = new FailingLogSyncFileSystem()
    const db = await Engine.open('/db', { fs, memtableSize: 8 * LOG_SYNC_AHEAD_BYTES })
    fs.failing = true
    let failure: unknown
    for (let i = 0; i < 2 * PUTS && failure === undefined; i++) {
      await db.put(`k${i}`, VALUE).catch((err: unknown) => {
        failure = err
      })
      if (i === PUTS) await settle()
    }
    expect(failure).toMatchObject({ code: 'LEVEL_IO_ERROR' })
    await rejectsWith(db.put('after', 'x'), 'LEVEL_IO_ERROR')
    await rejectsWith(db.close(), 'LEVEL_IO_ERROR')
  })
})
