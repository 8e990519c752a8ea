import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Engine, type EngineOptions } from '@lsmkit/engine'
import { MemoryFileSystem } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { contents, cutPower, tempDir, text } from './support.js'

const WRITER = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url))

/** The writer fixture's i-th key and value. */
function written(i: number): [string, string] {
  const n = String(i).padStart(8, '0')
  return [`key${n}`, `value${n}`.padEnd(100, '.')]
}

/**
 * Runs the writer fixture on `dir`, kills it with SIGKILL once it has acknowledged `killAfter`
 * writes, and resolves to every write it acknowledged before it died.
 */
function writeUntilKilled(dir: string, options: EngineOptions, killAfter: number): Promise<Set<number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const acked = new Set<number>()
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk
      const lines = stdout.split('\n')
      stdout = lines.pop()!
      for (const line of lines) if (line.startsWith('ack ')) acked.add(Number(line.slice(4)))
      if (acked.size >= killAfter) child.kill('SIGKILL')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    // 'close' comes after the exit and the end of stdout: every acknowledgement is in.
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked)
      else reject(new Error(`the writer exited by itself (${String(code)}): ${stderr}`))
    })
  })
}

/** The keys and values the database in `dir` holds. */
async function reopened(dir: string): Promise<[string, string][]> {
  const db = await Engine.open(dir)
  try {
    return await contents(db)
  } finally {
    await db.close()
  }
}

/** The writer's first `n` writes. */
function firstWrites(n: number): [string, string][] {
  return Array.from({ length: n }, (_, i) => written(i))
}

describe('a process crash (SIGKILL of a writing child process)', () => {
  // Small memtables, so that logs rotate and memtables flush while the child writes.
  const options: EngineOptions = { memtableSize: 16 * 1024, l0CompactionTrigger: 2 }

  it("loses no acknowledged write in the default 'process' mode, and keeps a prefix of the writes", async () => {
    const { dir, remove } = tempDir()
    try {
      const acked = await writeUntilKilled(dir, options, 1500)
      expect(acked.size).toBeGreaterThanOrEqual(1500)
      const entries = await reopened(dir)
      expect(entries).toEqual(firstWrites(entries.length))
      expect(entries.length).toBeGreaterThanOrEqual(Math.max(...acked) + 1)
    } finally {
      remove()
    }
  })

  it("may lose only a suffix of the writes in 'buffered' mode", async () => {
    const { dir, remove } = tempDir()
    try {
      await writeUntilKilled(dir, { ...options, durability: 'buffered' }, 1500)
      // A prefix, with no holes; how much of the acknowledged tail survived is not promised.
      const entries = await reopened(dir)
      expect(entries).toEqual(firstWrites(entries.length))
    } finally {
      remove()
    }
  })
})

describe('a power cut', () => {
  const keys = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => `k${String(from + i).padStart(4, '0')}`)

  it("loses no acknowledged write in 'fsync' mode, concurrent writers included", async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, durability: 'fsync', memtableSize: 4096 })
    for (const group of [keys(50), keys(50, 50), keys(50, 100)]) {
      await Promise.all(group.map((key) => db.put(key, `value of ${key}`)))
    }
    await cutPower(fs, db)
    await using again = await Engine.open('/db', { fs })
    expect((await contents(again)).map(([k]) => k)).toEqual(keys(150))
  })

  it("keeps a { sync: true } write and everything before it in 'process' mode", async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, memtableSize: 4096 })
    // Enough writes to rotate the log several times before the sync write.
    for (const key of keys(99)) await db.put(key, `value of ${key}`.padEnd(100, '.'))
    await db.put('k0099', 'synced', { sync: true })
    await cutPower(fs, db)
    await using again = await Engine.open('/db', { fs })
    expect((await contents(again)).map(([k]) => k)).toEqual(keys(100))
    expect(text(await again.get('k0099'))).toBe('synced')
  })

  it('keeps everything written before db.sync()', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, memtableSize: 4096 })
    for (const key of keys(60)) await db.put(key, `value of ${key}`.padEnd(100, '.'))
    await db.batch([{ type: 'del', key: 'k0000' }])
    await db.sync()
    await cutPower(fs, db)
    await using again = await Engine.open('/db', { fs })
    expect((await contents(again)).map(([k]) => k)).toEqual(keys(59, 1))
  })

  it('keeps what was written before close()', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    for (const key of keys(20)) await db.put(key, 'v')
    await db.close()
    fs.powerCut()
    await using again = await Engine.open('/db', { fs })
    expect((await contents(again)).map(([k]) => k)).toEqual(keys(20))
  })

  it('group-commits concurrent sync writes: one log write and one fsync cover them all', async () => {
    const fs = new MemoryFileSystem()
    await using db = await Engine.open('/db', { fs })
    await db.sync()
    const before = fs.callCount
    await Promise.all(keys(20).map((key) => db.put(key, 'v', { sync: true })))
    // One append and one sync of the log.
    expect(fs.callCount - before).toBe(2)
  })
})

describe('enableWal: false', () => {
  const keys = Array.from({ length: 30 }, (_, i) => `k${String(i).padStart(2, '0')}`)

  it('flushes memtables on close(), so the data survives reopening', async () => {
    const { dir, remove } = tempDir()
    try {
      const db = await Engine.open(dir, { enableWal: false })
      for (const key of keys) await db.put(key, `value of ${key}`)
      await db.close()
      await using again = await Engine.open(dir, { enableWal: false })
      expect((await contents(again)).map(([k]) => k)).toEqual(keys)
    } finally {
      remove()
    }
  })

  it('makes what close() flushed durable: it survives a power cut', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, enableWal: false })
    for (const key of keys) await db.put(key, `value of ${key}`)
    await db.close()
    fs.powerCut()
    await using again = await Engine.open('/db', { fs, enableWal: false })
    expect((await contents(again)).map(([k]) => k)).toEqual(keys)
  })

  it('writes no log files', async () => {
    const fs = new MemoryFileSystem()
    await using db = await Engine.open('/db', { fs, enableWal: false, memtableSize: 4096 })
    for (const key of keys) await db.put(key, 'v'.repeat(200))
    await db.flush()
    expect((await fs.list('/db')).filter((name) => name.endsWith('.wal'))).toEqual([])
  })

  it('promises nothing without close(), but a crash leaves a database that opens to a prefix of the writes', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, enableWal: false, memtableSize: 4096 })
    const all = Array.from({ length: 100 }, (_, i) => `k${String(i).padStart(3, '0')}`)
    for (const key of all) await db.put(key, 'v'.repeat(200))
    await cutPower(fs, db)
    await using again = await Engine.open('/db', { fs, enableWal: false })
    const kept = (await contents(again)).map(([k]) => k)
    expect(kept).toEqual(all.slice(0, kept.length))
  })
})
