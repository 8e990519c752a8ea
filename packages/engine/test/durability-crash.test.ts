import { Engine, type EngineOptions } from '@lsmkit/engine'
import { MemoryFileSystem } from '@lsmkit/fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { dbState, makeWorkload, prefixesMatching, runWorkload } from './support.js'

// Small memtables and an eager L0 trigger, so that the workload flushes and compacts often.
const TUNING: EngineOptions = {
  memtableSize: 4096,
  l0CompactionTrigger: 2,
  targetFileSize: 4096,
  l1MaxBytes: 4096,
}
const workload = makeWorkload(5, 120)

/**
 * What a process crash leaves: every byte the engine handed to the operating system, synced or
 * not, in a file system of its own (the crashed process's lock is gone with it).
 */
async function survivorsOfCrash(fs: MemoryFileSystem): Promise<MemoryFileSystem> {
  fs.clearFaults()
  const after = new MemoryFileSystem()
  if (!(await fs.exists('/db'))) return after
  for (const name of await fs.list('/db')) {
    after.writeFileSync(`/db/${name}`, fs.readFileSync(`/db/${name}`)!, { durable: true })
  }
  return after
}

interface Problems {
  open: string[]
  prefix: string[]
  lost: string[]
}

// Stops the process at call k: that call and every later one fail, and the engine, closed to
// stop its background work, can change nothing more. Then reopens what the OS held.
async function sweep(durability: 'process' | 'buffered'): Promise<Problems> {
  const options = { ...TUNING, durability }
  const clean = new MemoryFileSystem()
  await runWorkload(workload, { ...options, fs: clean })
  const problems: Problems = { open: [], prefix: [], lost: [] }
  for (let k = 1; k <= clean.callCount; k++) {
    const fs = new MemoryFileSystem()
    fs.injectFault({ at: k, sticky: true })
    const { acked } = await runWorkload(workload, { ...options, fs })
    const after = await survivorsOfCrash(fs)
    let state: string
    try {
      const db = await Engine.open('/db', { ...options, fs: after })
      state = await dbState(db)
      await db.close()
    } catch (err) {
      problems.open.push(`crash at call ${k}: ${String((err as { code?: unknown }).code)}`)
      continue
    }
    const matches = prefixesMatching(workload, state)
    if (matches.length === 0) problems.prefix.push(`crash at call ${k}`)
    const needed = Math.max(0, ...[...acked].map((i) => i + 1))
    if (matches.length > 0 && matches.every((p) => p < needed)) {
      problems.lost.push(`crash at call ${k}: acknowledged ${needed} steps`)
    }
  }
  return problems
}

describe("a process crash at each file-system call of a flushing, compacting workload, durability 'process'", () => {
  let problems: Problems
  beforeAll(async () => {
    problems = await sweep('process')
  })

  it('leaves a database that reopens', () => {
    expect(problems.open).toEqual([])
  })

  it('recovers a prefix of the writes', () => {
    expect(problems.prefix).toEqual([])
  })

  it('loses no acknowledged write', () => {
    expect(problems.lost).toEqual([])
  })
})

describe("a process crash at each file-system call of a flushing, compacting workload, durability 'buffered'", () => {
  let problems: Problems
  beforeAll(async () => {
    problems = await sweep('buffered')
  })

  it('leaves a database that reopens', () => {
    expect(problems.open).toEqual([])
  })

  it('recovers a prefix of the writes: it may lose a suffix, never a write in the middle', () => {
    expect(problems.prefix).toEqual([])
  })
})
