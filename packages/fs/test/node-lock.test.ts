// When a lock file left behind is stale: pids are reused, so the lock records who its holder
// was (boot id and start time) and a later process checks that, not the pid alone.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode, NodeFileSystem } from '@lsmkit/fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expectCode, withPackageCopy } from './helpers.js'

const bootId = (): string => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()

/** Field 22 of /proc/<pid>/stat, counted past the parenthesised command name. */
function startTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = /^\d+ \(.*\) (.*)$/s.exec(stat)?.[1]?.split(' ')
  const start = Number(fields?.[19])
  if (!Number.isInteger(start)) throw new Error(`no start time in ${stat}`)
  return start
}

/** A live node process named `title` (as /proc shows it), which runs until killed. */
async function sleeper(title: string): Promise<ChildProcess> {
  const script = `process.title = ${JSON.stringify(title)}; console.log('up'); setInterval(() => {}, 1000)`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve())
    child.on('error', reject)
  })
  return child
}

describe('NodeFileSystem lock staleness', () => {
  let dir: string
  const fs = new NodeFileSystem()
  const at = (name: string): string => join(dir, name)

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lsmkit-lock-'))
  })

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('the lock file records the boot id and start time of its holder', async () => {
    const lock = await fs.lock(at('LOCK'))
    const third = readFileSync(at('LOCK'), 'utf8').split('\n')[2]
    expect(third).toBe(`boot=${bootId()} start=${startTicks(process.pid)}`)
    await lock.release()
  })

  it("a lock file naming this process's pid that this process does not hold does not block", async () => {
    // A container restarted after a crash runs as the same pid and finds its predecessor's lock.
    writeFileSync(at('LOCK'), `${process.pid}\nthe-previous-run\n`)
    const lock = await fs.lock(at('LOCK'))
    expect(readFileSync(at('LOCK'), 'utf8').split('\n')[1]).not.toBe('the-previous-run')
    await lock.release()
  })

  it('a lock held by this process blocks when reached through a symlink to its directory', async () => {
    const lock = await fs.lock(at('LOCK'))
    const other = mkdtempSync(join(tmpdir(), 'lsmkit-lock-link-'))
    try {
      symlinkSync(dir, join(other, 'db'))
      await expectCode(() => fs.lock(join(other, 'db', 'LOCK')), ErrorCode.LOCKED)
    } finally {
      rmSync(other, { recursive: true, force: true })
      await lock.release()
    }
  })

  it('a lock held through another copy of this package loaded in the same process blocks', async () => {
    await withPackageCopy(async (copy) => {
      expect(copy.NodeFileSystem).not.toBe(NodeFileSystem)
      const lock = await fs.lock(at('LOCK'))
      await expectCode(() => new copy.NodeFileSystem().lock(at('LOCK')), ErrorCode.LOCKED)
      await lock.release()
    })
  })

  it('a lock file written under another boot does not block, though its pid is alive', async () => {
    const pid = process.ppid
    writeFileSync(
      at('LOCK'),
      `${pid}\nx\nboot=00000000-0000-0000-0000-000000000000 start=${startTicks(pid)}\n`,
    )
    const lock = await fs.lock(at('LOCK'))
    await lock.release()
  })

  it('a lock file naming a live pid that has since passed to another process does not block', async () => {
    const pid = process.ppid
    writeFileSync(at('LOCK'), `${pid}\nx\nboot=${bootId()} start=${startTicks(pid) + 1}\n`)
    const lock = await fs.lock(at('LOCK'))
    await lock.release()
  })

  it('a lock file naming a live process with the start time it recorded blocks', async () => {
    // A command name with spaces and parentheses must not shift the fields of /proc/<pid>/stat.
    const child = await sleeper('x) 1 2 (y')
    try {
      const pid = child.pid ?? 0
      writeFileSync(at('LOCK'), `${pid}\nx\nboot=${bootId()} start=${startTicks(pid)}\n`)
      await expectCode(() => fs.lock(at('LOCK')), ErrorCode.LOCKED)
    } finally {
      child.kill()
    }
  })

  it('a lock file of an older release, with no third line, naming a live process blocks', async () => {
    writeFileSync(at('LOCK'), `${process.ppid}\nx\n`)
    await expectCode(() => fs.lock(at('LOCK')), ErrorCode.LOCKED)
  })
})
