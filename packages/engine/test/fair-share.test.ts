import { describe, expect, it } from 'vitest'
import { heldCompaction } from './held-compaction.js'

describe('Fair share', () => {
  it('lets the event loop turn while a caller awaits writes in a tight loop and background work runs', async () => {
    const { db, release, flushing } = await heldCompaction()
    let turned = false
    setImmediate(() => {
      turned = true
    })
    // Each of these writes commits at once and resolves settled: without the engine's yields,
    // the loop would run on microtasks alone and the immediate would wait for all of it.
    const started = performance.now()
    for (let i = 0; !turned && performance.now() - started < 200; i++) await db.put(`k${i}`, 'v')
    expect(turned).toBe(true)
    release()
    await flushing
    await db.close()
  })
})
