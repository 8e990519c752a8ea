import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ErrorCode, NodeFileSystem } from '@lsmkit/fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bytes, expectCode, expectIoError, text } from './helpers.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

/** The pid of a process that has already exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid
  if (pid === undefined) throw new Error('could not start a child process')
  return pid
}

/** Starts a node process that takes the lock at `path` and holds it until its stdin ends. */
async function holdLockInChild(path: string): Promise<ChildProcess> {
  const script = `
    import { NodeFileSystem } from '@lsmkit/fs'
    const lock = await new NodeFileSystem().lock(process.argv[1])
    console.log('locked')
    process.stdin.resume()
    process.stdin.on('end', () => lock.release().then(() => process.exit(0)))
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], {
    cwd: packageDir,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('locked')) resolve()
    })
    child.on('exit', (code) => reject(new Error(`the child exited with ${String(code)} before locking`)))
    child.on('error', reject)
  })
  return child
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise((resolve) => child.once('exit', resolve))
}

describe('NodeFileSystem', () => {
  let dir: string
  const fs = new NodeFileSystem()
  const at = (name: string): string => join(dir, name)

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lsmkit-fs-'))
  })

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('appends reach the file before sync', async () => {
    const file = await fs.open(at('a'), 'create')
    file.append(bytes('abc'))
    expect(readFileSync(at('a'), 'utf8')).toBe('abc')
    await file.close()
  })

  it('sync and syncDir succeed on a new file and its directory', async () => {
    const file = await fs.open(at('a'), 'create')
    file.append(bytes('abc'))
    await file.sync()
    await fs.syncDir(dir)
    await file.close()
    expect(readFileSync(at('a'), 'utf8')).toBe('abc')
  })

  it('reads see a file written by another writer', async () => {
    writeFileSync(at('a'), 'from elsewhere')
    const file = await fs.open(at('a'), 'read')
    expect(text(file.readSync(5, 9))).toBe('elsewhere')
    await file.close()
  })

  it('an I/O error keeps the Node error as its cause', async () => {
    const err = await expectIoError(() => fs.unlink(at('missing')), 'ENOENT')
    expect(err.cause).toMatchObject({ code: 'ENOENT' })
    expect(err.file).toBe(at('missing'))
  })

  it('relative paths resolve against the working directory', async () => {
    writeFileSync(at('a'), 'x')
    expect(await fs.exists(relative(process.cwd(), at('a')))).toBe(true)
  })

  describe('lock', () => {
    it('the lock file holds the pid of its holder', async () => {
      const lock = await fs.lock(at('LOCK'))
      expect(readFileSync(at('LOCK'), 'utf8').split('\n')[0]).toBe(String(process.pid))
      await lock.release()
    })

    it('the lock cannot be taken twice in one process, even through another instance', async () => {
      const lock = await fs.lock(at('LOCK'))
      await expectCode(() => new NodeFileSystem().lock(at('LOCK')), ErrorCode.LOCKED)
      await lock.release()
    })

    it('a lock file left by a dead process does not block', async () => {
      writeFileSync(at('LOCK'), `${deadPid()}\n`)
      const lock = await fs.lock(at('LOCK'))
      expect(readFileSync(at('LOCK'), 'utf8').split('\n')[0]).toBe(String(process.pid))
      await lock.release()
    })

    it('a lock file with unreadable content does not block', async () => {
      writeFileSync(at('LOCK'), '')
      const lock = await fs.lock(at('LOCK'))
      await lock.release()
    })

    it('clearing a stale lock leaves no other files behind', async () => {
      writeFileSync(at('LOCK'), `${deadPid()}\n`)
      const lock = await fs.lock(at('LOCK'))
      expect(readdirSync(dir)).toEqual(['LOCK'])
      await lock.release()
      expect(readdirSync(dir)).toEqual([])
    })

    it('concurrent lockers clearing one stale lock leave exactly one holder', async () => {
      writeFileSync(at('LOCK'), `${deadPid()}\n`)
      const lockers = new NodeFileSystem()
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => lockers.lock(at('LOCK'))))
      const holders = results.filter((result) => result.status === 'fulfilled')
      expect(holders.length).toBe(1)
      expect(readdirSync(dir)).toEqual(['LOCK'])
      await holders[0]?.value.release()
    })

    it('a lock file naming a live process blocks', async () => {
      writeFileSync(at('LOCK'), `${process.ppid}\n`)
      await expectCode(() => fs.lock(at('LOCK')), ErrorCode.LOCKED)
    })

    it('release leaves a lock file that another holder has replaced', async () => {
      const lock = await fs.lock(at('LOCK'))
      writeFileSync(at('LOCK'), `${process.ppid}\nsomeone else\n`)
      await lock.release()
      expect(existsSync(at('LOCK'))).toBe(true)
    })

    it('a lock held by another live process blocks', async () => {
      const child = await holdLockInChild(at('LOCK'))
      try {
        await expectCode(() => fs.lock(at('LOCK')), ErrorCode.LOCKED)
      } finally {
        child.kill()
        await exited(child)
      }
    })

    it('a lock released by another process can be taken', async () => {
      const child = await holdLockInChild(at('LOCK'))
      child.stdin?.end()
      await exited(child)
      const lock = await fs.lock(at('LOCK'))
      await lock.release()
    })
  })
})
