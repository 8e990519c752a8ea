import { Engine } from '@lsmkit/engine'
import { MemoryFileSystem } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { contents, cutPower, rejectsWith } from './support.js'

// A process crash (SIGKILL) keeps what the process handed to the operating system and makes
// none of it durable: recovery must make durable what the next session builds on, before that
// session acknowledges a sync write, or a power cut later keeps the new writes without the old.

const key = (i: number) => `k${String(i).padStart(3, '0')}`
const value = (i: number) => `value ${i} `.padEnd(100, '.')

async function keysOf(db: Engine): Promise<string[]> {
  return (await contents(db)).map(([k]) => k)
}

describe('recovery after a process crash', () => {
  it('makes the logs it replays durable, so a sync write after a process crash covers every write before it', async () => {
    const memory = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs: memory })
    // Handed to the operating system, never fsynced.
    for (let i = 0; i < 5; i++) await db.put(key(i), value(i))
    // The process dies; the operating system keeps what it was handed.
    memory.processCrash()
    await db.close().catch(() => {})
    const again = await Engine.open('/db', { fs: memory })
    await again.put('after', 'the crash', { sync: true })
    // Then the power fails: only what was fsynced survives.
    await cutPower(memory, again)
    await using last = await Engine.open('/db', { fs: memory })
    expect(await keysOf(last)).toEqual(['after', ...[0, 1, 2, 3, 4].map(key)])
  })

  it('makes the name of a database directory left by a process that died before syncing it durable, so a sync write survives a power cut', async () => {
    const memory = new MemoryFileSystem({ traceCalls: true })
    // The process dies just after it made /db, before it synced / (the third call).
    memory.injectFault({ at: 3, sticky: true })
    await rejectsWith(Engine.open('/db', { fs: memory }), 'LEVEL_IO_ERROR')
    expect(memory.calls.slice(0, 3)).toEqual(['exists /db', 'mkdir /db', 'syncDir /'])
    memory.processCrash()
    memory.clearFaults()
    const again = await Engine.open('/db', { fs: memory })
    await again.put('k', 'v', { sync: true })
    await cutPower(memory, again)
    await using last = await Engine.open('/db', { fs: memory })
    expect(await keysOf(last)).toEqual(['k'])
  })
})
