import { Engine } from '@lsmkit/engine'
import { ErrorCode, LsmError, MemoryFileSystem, type OpenMode } from '@lsmkit/fs'
import { TableBuilder, TableMerger, TableReader } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { BuildThread } from '../src/internal/build-thread.js'
import { type CompactJob, runCompactJob } from '../src/internal/compact-job.js'
import { COMPACTION_THREAD_MIN_BYTES } from '../src/internal/compaction.js'
import { isTable, memory, rejectsWith, text, utf8 } from './support.js'

const MERGE = { table: { blockSize: 256, bitsPerKey: 10 }, targetFileSize: 8 * 1024, dropTombstones: true }

// Three overlapping runs (two single tables, one of two tables), with overwrites and deletes.
function runs(): Uint8Array[][] {
  const build = (from: number, to: number, step: number, tag: string) => {
    const builder = new TableBuilder(MERGE.table)
    for (let i = from; i < to; i += step)
      builder.add(utf8(`key${String(i).padStart(5, '0')}`), i % 13 === 0 ? undefined : utf8(`${tag} ${i}`))
    return builder.finish().bytes
  }
  return [
    [build(0, 3000, 7, 'newest')],
    [build(0, 3000, 3, 'newer')],
    [build(0, 1500, 2, 'old'), build(1500, 3000, 2, 'old')],
  ]
}

function job(): CompactJob {
  const bytes = runs()
  return { merge: MERGE, runs: bytes, names: bytes.map((run) => run.map((_, i) => `table ${i}`)) }
}

async function mergedHere(): Promise<Uint8Array[]> {
  const readers = await Promise.all(
    runs().map((run) => Promise.all(run.map((b) => TableReader.fromBytes(b)))),
  )
  const merger = new TableMerger(readers, MERGE)
  const tables: Uint8Array[] = []
  while (!merger.done) {
    const bytes = merger.step(100)
    if (bytes !== undefined) tables.push(bytes)
  }
  return tables
}

async function readyThread(): Promise<BuildThread> {
  const thread = new BuildThread(new URL('../dist/src/internal/build-worker.js', import.meta.url))
  thread.warm()
  const deadline = Date.now() + 30_000
  while (!thread.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(thread.ready).toBe(true)
  return thread
}

const BIG_VALUE = 'v'.repeat(1000)

/**
 * Rounds of puts to the same 1.25 MiB of keys (values tagged with the round), each flushed:
 * L0 tables past the size from which compactions merge on the thread.
 */
function bigFlusher(db: Engine): { keys: number; rounds: number; flush: () => Promise<void> } {
  const keys = Math.ceil((1.25 * COMPACTION_THREAD_MIN_BYTES) / BIG_VALUE.length)
  const state = {
    keys,
    rounds: 0,
    flush: async () => {
      for (let i = 0; i < keys; i++)
        await db.put(`k${String(i).padStart(6, '0')}`, `${state.rounds} ${BIG_VALUE}`)
      await db.flush()
      state.rounds++
    },
  }
  return state
}

/** Flushes and compacts until one merge has run on the thread: the first big one only starts it. */
async function compactOnThread(db: Engine, big: { flush: () => Promise<void> }): Promise<void> {
  const deadline = Date.now() + 30_000
  while (db.stats().compactionsOnThread === 0 && Date.now() < deadline) {
    await big.flush()
    await db.compact()
  }
  expect(db.stats().compactionsOnThread).toBe(1)
}

describe('Compactions on the compaction thread', () => {
  it('a compaction job merges into the same tables as the merger driven in slices here', async () => {
    const tables = await runCompactJob(job())
    expect(tables.length).toBeGreaterThan(1)
    expect(tables).toEqual(await mergedHere())
  })

  it('a build thread merges a compaction job into the same tables as this thread', async () => {
    const thread = await readyThread()
    const j = job()
    const transfer = j.runs.flat().map((b) => b.buffer as ArrayBuffer)
    expect(await thread.compact(j, transfer)).toEqual(await mergedHere())
    await thread.close()
  })

  it('a build thread reports a damaged input table instead of merging it', async () => {
    const thread = await readyThread()
    const j = job()
    const damaged = j.runs[1]![0]!
    damaged[20] = damaged[20]! ^ 0xff
    await expect(thread.compact(j)).rejects.toBeDefined()
    // A failed job leaves the thread working.
    expect(await thread.compact(job())).toEqual(await mergedHere())
    await thread.close()
  })

  it('a build thread that cannot start fails its compaction and is no longer usable', async () => {
    const thread = new BuildThread(new URL('./no-such-worker.js', import.meta.url))
    await expect(thread.compact(job())).rejects.toBeDefined()
    expect(thread.usable).toBe(false)
    await thread.close()
  })

  it('an engine whose compactions merge on the thread keeps every write', async () => {
    // L0 merges of four 0.5 MiB tables and more: past the size from which the thread merges.
    const memtableSize = COMPACTION_THREAD_MIN_BYTES / 2
    const { options } = memory({ memtableSize, flushThread: false })
    const db = await Engine.open('/db', options)
    const value = 'v'.repeat(500)
    const expected = new Map<string, string>()
    const deadline = Date.now() + 30_000
    for (let round = 0; db.stats().compactionsOnThread < 2 && Date.now() < deadline; round++) {
      for (let i = 0; i < 2000; i++) {
        const key = `k${String((i * 7919 + round * 31) % 20000).padStart(5, '0')}`
        await db.put(key, `${round} ${value}`)
        expected.set(key, `${round} ${value}`)
      }
    }
    await db.flush()
    expect(db.stats().compactionsOnThread).toBeGreaterThanOrEqual(2)
    const all = (await db.iterator().all()).map(([k, v]) => [text(k), text(v)])
    expect(all).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)))
    await db.close()
  })

  it('a compaction whose input is damaged fails with LEVEL_CORRUPTION, not with whatever the thread said', async () => {
    // No automatic compactions: each db.compact() merges what the test flushed.
    const trigger = { l0CompactionTrigger: 100, l0SlowdownTrigger: 100, l0StopTrigger: 100 }
    // Tables read from their files: a held table would be merged from the bytes it was written
    // from, and the damage below never read.
    const { fs, options } = memory({
      memtableSize: 4 * COMPACTION_THREAD_MIN_BYTES,
      tableMemorySize: 0,
      ...trigger,
    })
    const db = await Engine.open('/db', options)
    const big = bigFlusher(db)
    await compactOnThread(db, big)
    await big.flush()
    const newest = (await fs.list('/db')).filter(isTable).sort().at(-1)!
    const bytes = fs.readFileSync(`/db/${newest}`)!
    bytes[100] = bytes[100]! ^ 0xff
    fs.writeFileSync(`/db/${newest}`, bytes, { durable: true })
    await rejectsWith(db.compact(), 'LEVEL_CORRUPTION')
    expect(db.stats().compactionsOnThread).toBe(1)
    await rejectsWith(db.close(), 'LEVEL_CORRUPTION')
  })

  it('a compaction whose output tables fail to write fails with LEVEL_IO_ERROR and loses nothing', async () => {
    const trigger = { l0CompactionTrigger: 100, l0SlowdownTrigger: 100, l0StopTrigger: 100 }
    // The second table file created after `failing` is set fails: the outputs are written side
    // by side, so the others are then written, or being written, when it does.
    const inner = new MemoryFileSystem()
    let failing = false
    let created = 0
    const fs = new Proxy(inner, {
      get(target, prop) {
        if (prop === 'open')
          return async (path: string, mode: OpenMode) => {
            if (failing && mode === 'create' && isTable(path) && ++created === 2)
              throw new LsmError(ErrorCode.IO_ERROR, `test: cannot create ${path}`, { systemCode: 'EIO' })
            return target.open(path, mode)
          }
        const value: unknown = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const options = { memtableSize: 4 * COMPACTION_THREAD_MIN_BYTES, targetFileSize: 256 * 1024, ...trigger }
    const db = await Engine.open('/db', { fs, ...options })
    const big = bigFlusher(db)
    await compactOnThread(db, big)
    await big.flush()
    failing = true
    await rejectsWith(db.compact(), 'LEVEL_IO_ERROR')
    expect(created).toBeGreaterThan(2)
    await db.close().catch(() => {})
    failing = false
    await using again = await Engine.open('/db', { fs: inner, ...options })
    const all = await again.iterator().all()
    expect(all).toHaveLength(big.keys)
    expect(all.every(([, v]) => text(v) === `${big.rounds - 1} ${BIG_VALUE}`)).toBe(true)
  })

  it('a compaction merges held tables from memory, without reading their files', async () => {
    const trigger = { l0CompactionTrigger: 100, l0SlowdownTrigger: 100, l0StopTrigger: 100 }
    const { fs, options } = memory({ memtableSize: 4 * COMPACTION_THREAD_MIN_BYTES, ...trigger })
    const db = await Engine.open('/db', options)
    const value = 'v'.repeat(1000)
    const count = Math.ceil((1.25 * COMPACTION_THREAD_MIN_BYTES) / 1000)
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < count; i++) await db.put(`k${String(i).padStart(6, '0')}`, `${round} ${value}`)
      await db.flush()
    }
    // Reading both tables holds them.
    expect(await db.iterator().all()).toHaveLength(count)
    expect(db.stats().tableMemory.tables).toBe(2)
    // Damage to a file that is never read again changes nothing.
    for (const name of (await fs.list('/db')).filter(isTable)) {
      const bytes = fs.readFileSync(`/db/${name}`)!
      bytes[100] = bytes[100]! ^ 0xff
      fs.writeFileSync(`/db/${name}`, bytes, { durable: true })
    }
    await db.compact()
    expect(db.stats().compactions).toBeGreaterThan(0)
    expect(text(await db.get('k000007'))).toBe(`1 ${value}`)
    await db.close()
  })

  it('with compactionThread off, no compaction merges on a thread', async () => {
    const { options } = memory({ memtableSize: COMPACTION_THREAD_MIN_BYTES / 2, compactionThread: false })
    const db = await Engine.open('/db', options)
    const value = 'v'.repeat(500)
    for (let i = 0; i < 30000; i++) await db.put(`k${String((i * 7919) % 20000).padStart(5, '0')}`, value)
    await db.flush()
    expect(db.stats().compactions).toBeGreaterThan(2)
    expect(db.stats().compactionsOnThread).toBe(0)
    await db.close()
  })
})
