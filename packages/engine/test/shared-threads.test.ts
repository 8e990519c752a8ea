import { Engine } from '@lsmkit/engine'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
// The engine's own copy of the module, which the databases below share their threads through.
import * as engineThreads from '../dist/src/internal/shared-threads.js'
import { FLUSH_THREAD_MIN_BYTES } from '../src/internal/flush.js'
import { acquireThread, releaseThread, THREAD_IDLE_MS } from '../src/internal/shared-threads.js'
import { memory } from './support.js'

describe('Threads shared by the databases of a process', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })

  afterEach(() => {
    // Stops whatever a test left idle, so that the next one starts from no threads.
    if (vi.isFakeTimers()) vi.advanceTimersByTime(THREAD_IDLE_MS)
    vi.useRealTimers()
  })

  it('hands every database the same thread of a kind, and different threads for the two kinds', () => {
    const a = acquireThread('flush')
    const b = acquireThread('flush')
    const c = acquireThread('compaction')
    expect(a).toBe(b)
    expect(c).not.toBe(a)
    releaseThread('flush', a)
    releaseThread('flush', b)
    releaseThread('compaction', c)
  })

  it('keeps a thread while any database holds it, and stops it once idle for the grace period', () => {
    const a = acquireThread('flush')
    const b = acquireThread('flush')
    releaseThread('flush', a)
    vi.advanceTimersByTime(2 * THREAD_IDLE_MS)
    expect(b.usable).toBe(true)
    releaseThread('flush', b)
    vi.advanceTimersByTime(THREAD_IDLE_MS - 1)
    expect(b.usable).toBe(true)
    vi.advanceTimersByTime(1)
    expect(b.usable).toBe(false)
    const next = acquireThread('flush')
    expect(next).not.toBe(b)
    releaseThread('flush', next)
  })

  it('keeps a thread released and acquired again within the grace period', () => {
    const a = acquireThread('compaction')
    releaseThread('compaction', a)
    vi.advanceTimersByTime(THREAD_IDLE_MS / 2)
    const b = acquireThread('compaction')
    vi.advanceTimersByTime(2 * THREAD_IDLE_MS)
    expect(b).toBe(a)
    expect(b.usable).toBe(true)
    releaseThread('compaction', b)
  })

  it('replaces a failed thread for the databases that acquire one afterwards', async () => {
    const failed = acquireThread('flush')
    await failed.close()
    const next = acquireThread('flush')
    expect(next).not.toBe(failed)
    expect(next.usable).toBe(true)
    releaseThread('flush', failed)
    releaseThread('flush', next)
  })

  it('starts the build thread once the first memtable holds 256 KiB, so that the first full flush builds on it', async () => {
    vi.useRealTimers()
    const db = await Engine.open('/db', memory({ memtableSize: 4 * FLUSH_THREAD_MIN_BYTES }).options)
    const thread = engineThreads.acquireThread('flush')
    try {
      expect(thread.ready).toBe(false)
      const value = 'v'.repeat(1000)
      let i = 0
      const put = () => db.put(`k${String(i++).padStart(6, '0')}`, value)
      while (i < 300) await put()
      const deadline = Date.now() + 20_000
      while (!thread.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
      expect(thread.ready).toBe(true)
      while (i < 1300) await put()
      await db.flush()
      expect(db.stats()).toMatchObject({ flushes: 1, flushesOnThread: 1 })
    } finally {
      engineThreads.releaseThread('flush', thread)
      await db.close()
    }
  })

  it('a database opened after another builds its first big flush on the thread the first one started', async () => {
    vi.useRealTimers()
    // Each fill is one flush of a memtable a quarter past the size from which the thread builds.
    const memtableSize = 4 * FLUSH_THREAD_MIN_BYTES
    const value = 'v'.repeat(1000)
    const fill = async (db: Engine) => {
      for (let i = 0; i < (1.25 * FLUSH_THREAD_MIN_BYTES) / 1000; i++)
        await db.put(`k${String(i).padStart(6, '0')}`, value)
      await db.flush()
    }
    const first = await Engine.open('/db', memory({ memtableSize }).options)
    const deadline = Date.now() + 30_000
    while (first.stats().flushesOnThread === 0 && Date.now() < deadline) await fill(first)
    expect(first.stats().flushesOnThread).toBeGreaterThan(0)
    await first.close()

    const second = await Engine.open('/db', memory({ memtableSize }).options)
    await fill(second)
    expect(second.stats()).toMatchObject({ flushes: 1, flushesOnThread: 1 })
    await second.close()
  })
})
