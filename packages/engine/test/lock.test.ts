import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { Engine } from '@lsmkit/engine'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { memory, rejectsWith, tempDir, text } from './support.js'

const HOLD_OPEN = fileURLToPath(new URL('./lock-fixtures/hold-open.mjs', import.meta.url))

/** Starts a process that opens `dir` and holds it; resolves once it has it open. */
async function holder(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HOLD_OPEN, dir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString()
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('open\n')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code} before opening: ${err}`)))
  })
  return child
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGKILL')
  await exited
}

describe('Locking in this process', () => {
  it('fails a second open of the same directory with LEVEL_LOCKED', async () => {
    const { dir, remove } = tempDir()
    try {
      await using db = await Engine.open(dir)
      await rejectsWith(Engine.open(dir), 'LEVEL_LOCKED')
      expect(db.status).toBe('open')
    } finally {
      remove()
    }
  })

  it('fails a second open on the same in-memory file system with LEVEL_LOCKED', async () => {
    const { options } = memory()
    await using db = await Engine.open('/db', options)
    await rejectsWith(Engine.open('/db', options), 'LEVEL_LOCKED')
    await db.put('still', 'usable')
    expect(text(await db.get('still'))).toBe('usable')
  })

  it('releases the lock on close, so the directory opens again', async () => {
    const { dir, remove } = tempDir()
    try {
      const db = await Engine.open(dir)
      await db.put('a', '1')
      await db.close()
      await using again = await Engine.open(dir)
      expect(text(await again.get('a'))).toBe('1')
    } finally {
      remove()
    }
  })

  it('locks each directory on its own', async () => {
    const { dir, remove } = tempDir()
    try {
      await using a = await Engine.open(`${dir}/a`)
      await using b = await Engine.open(`${dir}/b`)
      expect([a.status, b.status]).toEqual(['open', 'open'])
    } finally {
      remove()
    }
  })
})

describe('Locking across processes', () => {
  let dir: string
  let remove: () => void
  let child: ChildProcess | undefined
  beforeEach(() => {
    ;({ dir, remove } = tempDir())
  })
  afterEach(async () => {
    if (child !== undefined) await kill(child)
    child = undefined
    remove()
  })

  it('fails an open with LEVEL_LOCKED while another process holds the database', async () => {
    child = await holder(dir)
    await rejectsWith(Engine.open(dir), 'LEVEL_LOCKED')
    await rejectsWith(Engine.open(dir), 'LEVEL_LOCKED')
  })

  it('opens once the process that held the lock was killed', async () => {
    child = await holder(dir)
    await kill(child)
    await using db = await Engine.open(dir)
    expect(text(await db.get('written-by'))).toBe('child')
  })
})
