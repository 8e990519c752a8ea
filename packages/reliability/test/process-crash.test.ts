import { Engine, type EngineOptions } from '@lsmkit/engine'
import { ErrorCode, type FileSystem, LsmError, MemoryFileSystem } from '@lsmkit/fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../src/index.js'
import { callsToSweep, codeOf, prefixesOf, runWorkload, TUNING, workload, writeSteps } from './support.js'

// The process dies at a file-system call of a first session, leaving what it wrote in the
// operating system and none of it made durable by the death. A second session recovers, writes
// on (a tenth of its writes with { sync: true }), and the power is cut while it runs. What the
// second session recovered, and everything before a sync write it acknowledged, must survive
// the cut. (Recovery once replayed the dead session's log without fsyncing it, so a later sync
// write covered only the new log: see docs/guides/durability.md.)
// RELIABILITY_STRIDE=n kills at every n-th call only, for quicker local runs.
const STRIDE = Number(process.env.RELIABILITY_STRIDE ?? 1)
const FIRST = 120
const SECOND = 60

interface Problems {
  kills: number
  /** Kills after which the second session's open failed. */
  reopen: string[]
  /** Kills after which the second session did not find what the first acknowledged. */
  lostOnKill: string[]
  /** Power cuts after which the third open failed. */
  open: string[]
  /** Power cuts that lost what recovery or a sync write had made durable. */
  prefix: string[]
  /** Second sessions that had a sync write acknowledged before the cut. */
  syncedAfterKill: number
}

// A session's view of the file system: once its process is dead (killed, or the power cut),
// every call fails, so that work the dead engine left pending (a flush, a compaction) cannot
// touch what the next session opens, as a dead process's could not.
function mortal(fs: FileSystem): { fs: FileSystem; kill: () => void } {
  let dead = false
  const proxy = new Proxy(fs, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver)
      if (typeof value !== 'function') return value
      // Every method of a FileSystem is async, so a dead one rejects, as a real one would.
      return async (...args: unknown[]) => {
        if (dead) throw new LsmError(ErrorCode.IO_ERROR, 'the process is dead')
        return value.apply(target, args)
      }
    },
  })
  return { fs: proxy, kill: () => (dead = true) }
}

async function sweep(durability: 'process' | 'buffered'): Promise<Problems> {
  const w = workload(23, FIRST + SECOND, 0.1)
  const first = { ...w, count: FIRST }
  const options: EngineOptions = { ...TUNING, durability }
  const clean = new MemoryFileSystem()
  await runWorkload(first, { ...options, fs: clean })
  const problems: Problems = {
    kills: 0,
    reopen: [],
    lostOnKill: [],
    open: [],
    prefix: [],
    syncedAfterKill: 0,
  }
  for (const k of callsToSweep(clean.callCount, STRIDE)) {
    const fs = new MemoryFileSystem()
    // Every call from k on fails having done nothing: the process is dead from there.
    fs.injectFault({ at: k, sticky: true })
    const dying = mortal(fs)
    const before = await runWorkload(first, { ...options, fs: dying.fs })
    dying.kill()
    fs.processCrash()
    fs.clearFaults()
    problems.kills++

    const living = mortal(fs)
    let db: Engine
    try {
      db = await Engine.open('/db', { ...options, fs: living.fs })
    } catch (err) {
      problems.reopen.push(`kill at call ${k}: ${String(codeOf(err))}`)
      continue
    }
    // 'process' hands every acknowledged write to the system, which a process crash keeps;
    // 'buffered' promises that only for what a sync write covered.
    const kept =
      durability === 'process' ? Math.max(0, ...[...before.acked].map((i) => i + 1)) : before.durable
    const recovered = await prefixesOf(db, first)
    const at = Math.max(-1, ...recovered)
    if (at < kept) {
      problems.lostOnKill.push(`kill at call ${k}: prefixes [${recovered}], ${kept} steps kept`)
      await db.close().catch(() => {})
      continue
    }
    const after = await writeSteps(db, w, at, at + SECOND, options)
    if (after.durable > at) problems.syncedAfterKill++
    const rand = seededRandom(k)
    living.kill()
    fs.powerCut({ keepUnsynced: (_, bytes) => Math.floor(rand() * (bytes + 1)) })

    try {
      const again = await Engine.open('/db', { ...options, fs })
      const prefixes = await prefixesOf(again, { ...w, count: at + SECOND })
      await again.close()
      const required = Math.max(at, after.durable)
      if (!prefixes.some((p) => p >= required))
        problems.prefix.push(
          `kill at call ${k}, cut after step ${at + SECOND}: prefixes [${prefixes}], ${required} required`,
        )
    } catch (err) {
      problems.open.push(`kill at call ${k}: ${String(codeOf(err))}`)
    }
  }
  return problems
}

describe.each(['process', 'buffered'] as const)(
  `a process killed at every ${STRIDE === 1 ? '' : `${STRIDE}-th `}file-system call of a flushing, compacting session, then a power cut in the next session, durability '%s'`,
  (durability) => {
    let problems: Problems
    beforeAll(async () => {
      problems = await sweep(durability)
    })

    it('kills at many points, with sync writes acknowledged after them', () => {
      expect(problems.kills).toBeGreaterThan(50)
      expect(problems.syncedAfterKill).toBeGreaterThan(problems.kills / 2)
    })

    it('reopens after every kill', () => {
      expect(problems.reopen).toEqual([])
    })

    it('loses nothing the durability mode promised at the kill', () => {
      expect(problems.lostOnKill).toEqual([])
    })

    it('reopens after every power cut that follows', () => {
      expect(problems.open).toEqual([])
    })

    it('keeps, through the power cut, what recovery found and everything before an acknowledged sync write', () => {
      expect(problems.prefix).toEqual([])
    })
  },
)
