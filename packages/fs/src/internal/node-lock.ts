/**
 * The lock-file protocol of `NodeFileSystem.lock`: an exclusive lock between processes with no
 * native addon, built from the one primitive that is atomic on every local POSIX file system,
 * `link(2)`, which fails with `EEXIST` when the name is taken.
 *
 * The lock file holds the holder's pid on its first line, a random token on its second, and on
 * its third the boot id and start time that tell the holder from a later process with the same
 * pid (see process-identity.ts). The pid lets a later process tell a live holder from a dead
 * one; the token lets a holder recognise its own file, so that it never deletes a lock that
 * someone else has since taken.
 *
 * A lock is judged stale, and cleared, when its file names no valid pid; names this process's
 * own pid but is none of this process's locks (a restarted container's pid 1, say); was written
 * under another boot of the kernel; names a process that is gone; or names a live process that
 * started at another time than the one recorded (its pid was reused). Like any pid-based lock,
 * it protects a database from the processes of one machine and one pid namespace: it cannot see
 * into another container sharing the directory, nor across a network file system.
 *
 * @module
 */

import { randomBytes } from 'node:crypto'
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { FileLock } from '../file-system.js'
import { fromNodeError, lockedError } from './fs-errors.js'
import { bootId, formatIdentity, ownIdentity, parseIdentity, startTimeOf } from './process-identity.js'

/**
 * The locks this process holds: their resolved paths, and their files' contents (a lock reached
 * through another path to the same file, a symlink say, is known by its content). A pid cannot
 * tell two holders in the same process apart, so this does. It lives on `globalThis`, so that
 * two copies of this module loaded in one process (two installed versions, say) share it: each
 * would otherwise take a file naming this process's pid for a dead predecessor's.
 */
type HeldLocks = { readonly paths: Set<string>; readonly contents: Set<string> }
const registry = globalThis as { [key: symbol]: HeldLocks | undefined }
const HELD = Symbol.for('lsmkit.fs.heldLocks')
registry[HELD] ??= { paths: new Set(), contents: new Set() }
const held: HeldLocks = registry[HELD]

/** How many times a stale lock is cleared before giving up; each retry means another process raced us. */
const MAX_ATTEMPTS = 5

/** The largest pid `process.kill` accepts; anything larger in a lock file is garbage. */
const MAX_PID = 0x7fffffff

export async function acquireLock(path: string): Promise<FileLock> {
  const key = resolve(path)
  const content = `${process.pid}\n${uniqueSuffix()}\n${formatIdentity(ownIdentity())}\n`
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (held.paths.has(key)) throw lockedError(path, 'this process')
    if (await tryPlace(path, content)) {
      held.paths.add(key)
      held.contents.add(content)
      return new NodeFileLock(path, key, content)
    }
    const found = await readIfPresent(path, 'lock')
    // The holder released it between our link and our read: try again.
    if (found === undefined) continue
    if (held.paths.has(key) || held.contents.has(found)) throw lockedError(path, 'this process')
    const holder = liveHolder(found)
    if (holder !== undefined) throw lockedError(path, `process ${holder}`)
    await removeStale(path, found)
  }
  throw lockedError(path, 'other processes that keep taking it')
}

class NodeFileLock implements FileLock {
  readonly path: string
  readonly #key: string
  readonly #content: string
  #released = false

  constructor(path: string, key: string, content: string) {
    this.path = path
    this.#key = key
    this.#content = content
  }

  async release(): Promise<void> {
    if (this.#released) return
    this.#released = true
    try {
      // Only our own file is removed: if another process judged us dead (a pid namespace it
      // cannot see into, say) and took the lock, deleting its file would admit a third holder.
      if ((await readIfPresent(this.path, 'release')) === this.#content) {
        await unlinkIfPresent(this.path, 'release')
      }
    } finally {
      held.paths.delete(this.#key)
      held.contents.delete(this.#content)
    }
  }
}

/**
 * Publishes `content` at `path` unless the name is taken. The content is written to a private
 * file first and then linked into place, so nobody ever reads a half-written lock file. Nothing
 * is synced: a lock only matters while its holder runs, and no holder survives a power cut.
 */
async function tryPlace(path: string, content: string): Promise<boolean> {
  const temp = `${path}.${uniqueSuffix()}.tmp`
  try {
    await writeFile(temp, content, { flag: 'wx' })
  } catch (err) {
    throw fromNodeError({ op: 'lock', path: temp }, err)
  }
  try {
    await link(temp, path)
    return true
  } catch (err) {
    if (codeOf(err) === 'EEXIST') return false
    throw fromNodeError({ op: 'lock', path }, err)
  } finally {
    // Best effort: a leftover temp file is litter, but failing here would orphan a placed lock.
    await unlink(temp).catch(() => undefined)
  }
}

/**
 * Clears a lock file whose holder is gone. Two processes may both find the same stale file, and
 * the slower one must not delete the lock the faster one has placed since. So the file is first
 * renamed aside, which is atomic, and deleted only if it is still the stale file that was read.
 */
async function removeStale(path: string, stale: string): Promise<void> {
  const aside = `${path}.${uniqueSuffix()}.stale`
  try {
    await rename(path, aside)
  } catch (err) {
    // Another process cleared it first.
    if (codeOf(err) === 'ENOENT') return
    throw fromNodeError({ op: 'lock', path, to: aside }, err)
  }
  if ((await readIfPresent(aside, 'lock')) !== stale) {
    // We moved a live holder's fresh lock: put it back. If a third process has taken the name in
    // the meantime the link fails, and that process wins; the protocol cannot prevent this
    // narrow race without a lock of its own.
    await link(aside, path).catch(() => undefined)
    await unlinkIfPresent(aside, 'lock')
    throw lockedError(path, 'a process that took it while a stale lock was cleared')
  }
  await unlinkIfPresent(aside, 'lock')
}

/**
 * The pid of the live process holding a lock file with content `found`, or `undefined` when the
 * lock is stale (see the module comment). REQUIRES: `found` is none of this process's locks.
 */
function liveHolder(found: string): number | undefined {
  const pid = parsePid(found)
  // This process holds no lock with this content, so another process with our pid wrote it:
  // an earlier run of a container or service that got the same pid after a restart.
  if (pid === undefined || pid === process.pid) return undefined
  const recorded = parseIdentity(found.split('\n')[2])
  const boot = bootId()
  if (recorded.boot !== '' && boot !== '' && recorded.boot !== boot) return undefined
  if (!isAlive(pid)) return undefined
  // Alive, but a process that started at another time has the pid now.
  const started = recorded.start === '' ? '' : startTimeOf(pid)
  if (started !== '' && started !== recorded.start) return undefined
  return pid
}

/** The pid on the first line, or `undefined` if the content is not a lock file we wrote. */
function parsePid(content: string): number | undefined {
  const match = /^(\d{1,10})(?:\n|$)/.exec(content)
  if (match?.[1] === undefined) return undefined
  const pid = Number(match[1])
  return pid >= 1 && pid <= MAX_PID ? pid : undefined
}

/** Signal 0 only probes: `ESRCH` means no such process, `EPERM` one we may not signal. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // Anything but a clear "no such process" counts as alive: blocking wrongly is recoverable,
    // two writers on one database are not.
    return codeOf(err) !== 'ESRCH'
  }
}

async function readIfPresent(path: string, op: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined
    throw fromNodeError({ op, path }, err)
  }
}

async function unlinkIfPresent(path: string, op: string): Promise<void> {
  try {
    await unlink(path)
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw fromNodeError({ op, path }, err)
  }
}

function uniqueSuffix(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`
}

function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | null)?.code
}
