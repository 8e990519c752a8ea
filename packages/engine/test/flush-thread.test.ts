import { createHash } from 'node:crypto'
import { Engine } from '@lsmkit/engine'
import { MemoryFileSystem } from '@lsmkit/fs'
import { TableBuilder } from '@lsmkit/sstable'
import { describe, expect, it, vi } from 'vitest'
// The engine's own copy of the module, which the database below takes its flush thread from.
import * as engineThreads from '../dist/src/internal/shared-threads.js'
import { BuildThread } from '../src/internal/build-thread.js'
import { FLUSH_THREAD_MIN_BYTES } from '../src/internal/flush.js'
import { buildFlush } from '../src/internal/flush-job.js'
import { Memtable } from '../src/internal/memtable.js'
import { Slab } from '../src/internal/slab.js'
import { encodeOps } from '../src/internal/write-batch.js'
import { ObservedFileSystem } from './observed-file-system.js'
import { isTable, memory, text, utf8 } from './support.js'

const OPTIONS = { blockSize: 256, bitsPerKey: 10 }

const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

// A memtable as the engine fills it (encoded writes in shared memory), with overwrites and
// deletes, plus values put from plain arrays, as recovery puts them.
function filledMemtable(): Memtable {
  const mem = new Memtable(1)
  const slab = new Slab(64 * 1024, true)
  let seq = 0
  for (let round = 0; round < 3; round++) {
    const keys = Array.from({ length: 300 }, (_, i) =>
      utf8(`key${String((i * 7919) % 1000).padStart(4, '0')}`),
    )
    const values = keys.map((_, i) =>
      i % 11 === round ? undefined : utf8(`value ${round} ${i}`.repeat(1 + (i % 5))),
    )
    seq = mem.applyEncoded(encodeOps(slab, keys, values), seq)
  }
  for (let i = 0; i < 50; i++) mem.put(utf8(`plain${i}`), Uint8Array.of(i, i, i), ++seq)
  return mem
}

function builtHere(mem: Memtable): Uint8Array {
  const builder = new TableBuilder(OPTIONS)
  const walk = mem.newest()
  while (!walk.done) walk.addTo(builder, 100)
  return builder.finish().bytes
}

describe('Flushes on the build thread', () => {
  it('a packed flush builds the same table as the memtable fed to a builder directly', () => {
    const mem = filledMemtable()
    expect(buildFlush(mem.packNewest(OPTIONS))).toEqual(builtHere(mem))
  })

  it('a packed flush whose keys lie in many shared buffers builds the same table', () => {
    // One write per key, in random order, into 1 KiB chunks, as single puts fill a memtable.
    const mem = new Memtable(1)
    const slab = new Slab(1024, true)
    for (let i = 0; i < 500; i++) {
      const key = utf8(`key${String((i * 7919) % 1000).padStart(4, '0')}`)
      mem.applyEncoded(encodeOps(slab, [key], [i % 13 === 0 ? undefined : utf8(`value ${i}`)]), i)
    }
    const job = mem.packNewest(OPTIONS)
    expect(job.buffers.length).toBeGreaterThan(5)
    expect(job.sorted).toBe(false)
    expect(buildFlush(job)).toEqual(builtHere(mem))
  })

  it('a packed flush refers to the keys and values of encoded writes in shared memory instead of copying them', () => {
    const job = filledMemtable().packNewest(OPTIONS)
    expect(job.buffers.length).toBeGreaterThan(0)
    // Copied: the 50 entries put from plain arrays (key and 3-byte value), and the key of each
    // of the 28 keys whose newest version is a delete (i % 11 === 2 in the last round).
    let plain = 0
    for (let i = 0; i < 50; i++) plain += `plain${i}`.length + 3
    expect(job.side.length).toBe(plain + 28 * 'key0000'.length)
  })

  it('a build thread that cannot start fails its build and is no longer usable', async () => {
    const thread = new BuildThread(new URL('./no-such-worker.js', import.meta.url))
    await expect(thread.build(filledMemtable().packNewest(OPTIONS))).rejects.toBeDefined()
    expect(thread.usable).toBe(false)
    await thread.close()
  })

  it('a build thread builds the same table as this thread, once warmed up', async () => {
    const thread = new BuildThread(new URL('../dist/src/internal/build-worker.js', import.meta.url))
    expect(thread.ready).toBe(false)
    thread.warm()
    const deadline = Date.now() + 30_000
    while (!thread.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(thread.ready).toBe(true)
    const mem = filledMemtable()
    expect(await thread.build(mem.packNewest(OPTIONS))).toEqual(builtHere(mem))
    await thread.close()
    expect(thread.usable).toBe(false)
  })

  it('an engine writes the same tables with the flush thread as without it', async () => {
    const files: Map<string, string>[] = []
    const value = 'v'.repeat(1000)
    for (const flushThread of [true, false]) {
      // Flushes half again past the size from which the thread builds them.
      const { fs, options } = memory({ flushThread, memtableSize: 1.5 * FLUSH_THREAD_MIN_BYTES })
      const db = await Engine.open('/db', options)
      for (let i = 0; i < 5000; i++)
        await db.put(`k${String((i * 37) % 5000).padStart(5, '0')}`, `${i}${value}`)
      await db.flush()
      // k00001 is written by the i with i * 37 % 5000 === 1.
      expect(text(await db.get('k00001'))).toBe(`2973${value}`)
      await db.close()
      const tables = (await fs.list('/db')).filter(isTable)
      // Digests, not bytes: a deep comparison of megabytes of typed arrays took the test runner
      // half a minute.
      files.push(new Map(tables.map((name) => [name, digest(fs.readFileSync(`/db/${name}`)!)])))
    }
    expect(files[0]!.size).toBeGreaterThan(2)
    expect(files[0]).toEqual(files[1])
  })

  it('builds a frozen memtable on the thread while the table before it is still being written', async () => {
    const fs = new ObservedFileSystem(new MemoryFileSystem())
    const db = await Engine.open('/db', { fs, memtableSize: FLUSH_THREAD_MIN_BYTES })
    const thread = engineThreads.acquireThread('flush')
    const builds = vi.spyOn(thread, 'build')
    const firstTable = fs.holdOpen((path) => path.endsWith('.sst'))
    const value = 'v'.repeat(1000)
    let i = 0
    const putUntil = async (count: number) => {
      while (i < count) await db.put(`k${String(i++).padStart(6, '0')}`, value)
    }
    try {
      // A quarter of a memtable starts the thread; the first memtable is flushed only once it is ready.
      await putUntil(300)
      const deadline = Date.now() + 30_000
      while (!thread.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
      expect(thread.ready).toBe(true)
      // About 1,020 of these entries fill a memtable: the first freezes, then the second.
      await putUntil(1100)
      await firstTable.reached
      await putUntil(2200)
      expect(db.stats().memtables.filter((m) => m.frozen)).toHaveLength(2)
      expect(builds).toHaveBeenCalledTimes(2)
      firstTable.release()
      await db.flush()
      // The third memtable, below the thread's minimum, builds here; no table is built twice.
      expect(db.stats()).toMatchObject({ flushes: 3, flushesOnThread: 2 })
      expect(builds).toHaveBeenCalledTimes(2)
    } finally {
      firstTable.release()
      builds.mockRestore()
      engineThreads.releaseThread('flush', thread)
      await db.close()
    }
  })
})
