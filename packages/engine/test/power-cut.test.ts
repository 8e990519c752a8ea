import { join } from 'node:path'
import { Engine, type EngineOptions } from '@lsmkit/engine'
import { MemoryFileSystem, type PowerCutOptions } from '@lsmkit/fs'
import { readManifest } from '@lsmkit/manifest'
import { beforeAll, describe, expect, it } from 'vitest'
import { cutPower, dbState, makeWorkload, prefixesMatching, runWorkload, seededRandom } from './support.js'

// Small memtables and an eager L0 trigger, so that the workload flushes and compacts often.
const TUNING: EngineOptions = {
  memtableSize: 4096,
  l0CompactionTrigger: 2,
  targetFileSize: 4096,
  l1MaxBytes: 4096,
}
const workload = makeWorkload(3, 120)

interface Sweep {
  /** The durability mode the workload writes in. */
  readonly durability: 'fsync' | 'process'
  /** Steps written with `{ sync: true }`: every this many (0 for none). */
  readonly syncEvery: number
  /** Keep a random part of the unsynced bytes of each file at the cut (torn writes). */
  readonly torn: boolean
}

/** What went wrong at each cut point, by kind; every list should be empty. */
interface Problems {
  /** The manifest named a table that the cut had removed. */
  manifest: string[]
  /** Reopening failed. */
  open: string[]
  /** The state was not a prefix of the writes, or missed a durable one. */
  prefix: string[]
  /** A second cut, right after recovery, changed the state. */
  cutAfterRecovery: string[]
  /** A clean reopen after that changed the state. */
  reopenTwice: string[]
}

// Stops the world at call k (a sticky fault: the call and every later one fail), cuts the
// power, and checks what recovery makes of the files left.
async function sweep({ durability, syncEvery, torn }: Sweep): Promise<Problems> {
  const options = { ...TUNING, durability }
  const clean = new MemoryFileSystem()
  await runWorkload(workload, { ...options, fs: clean }, { syncEvery })
  const problems: Problems = { manifest: [], open: [], prefix: [], cutAfterRecovery: [], reopenTwice: [] }
  for (let k = 1; k <= clean.callCount; k++) {
    const rand = seededRandom(k)
    const cut: PowerCutOptions = torn ? { keepUnsynced: (_, bytes) => Math.floor(rand() * (bytes + 1)) } : {}
    const fs = new MemoryFileSystem()
    fs.injectFault({ at: k, sticky: true })
    const { durable } = await runWorkload(workload, { ...options, fs }, { syncEvery })
    fs.powerCut(cut)
    const missing = await missingTables(fs)
    if (missing.length > 0) problems.manifest.push(`cut at call ${k}: ${missing.join(', ')}`)
    let state: string
    try {
      const db = await Engine.open('/db', { ...options, fs })
      state = await dbState(db)
      await cutPower(fs, db, cut)
    } catch (err) {
      problems.open.push(`cut at call ${k}: ${String((err as { code?: unknown }).code)}`)
      continue
    }
    if (prefixesMatching(workload, state, durable).length === 0) {
      problems.prefix.push(`cut at call ${k}: not a prefix of at least ${durable} steps`)
    }
    try {
      const again = await Engine.open('/db', { ...options, fs })
      if ((await dbState(again)) !== state) problems.cutAfterRecovery.push(`cut at call ${k}`)
      await again.close()
    } catch (err) {
      problems.cutAfterRecovery.push(
        `cut at call ${k}: reopen failed with ${String((err as { code?: unknown }).code)}`,
      )
      continue
    }
    try {
      const third = await Engine.open('/db', { ...options, fs })
      if ((await dbState(third)) !== state) problems.reopenTwice.push(`cut at call ${k}`)
      await third.close()
    } catch (err) {
      problems.reopenTwice.push(
        `cut at call ${k}: reopen failed with ${String((err as { code?: unknown }).code)}`,
      )
    }
  }
  return problems
}

// The tables the manifest names that are not on disk.
async function missingTables(fs: MemoryFileSystem): Promise<string[]> {
  const state = await readManifest('/db', { fs })
  const ids = state?.levels.flat() ?? []
  return ids
    .map((id) => join('/db', `${String(id).padStart(6, '0')}.sst`))
    .filter((path) => fs.readFileSync(path) === undefined)
}

describe.each<[string, Sweep]>([
  ["durability 'fsync'", { durability: 'fsync', syncEvery: 0, torn: false }],
  ["durability 'fsync' with torn writes", { durability: 'fsync', syncEvery: 0, torn: true }],
  [
    "durability 'process', every 4th write { sync: true }, with torn writes",
    { durability: 'process', syncEvery: 4, torn: true },
  ],
])('a power cut at each file-system call of a flushing, compacting workload, %s', (_, config) => {
  let problems: Problems
  beforeAll(async () => {
    problems = await sweep(config)
  })

  it('never leaves the manifest naming a deleted or unsynced table', () => {
    expect(problems.manifest).toEqual([])
  })

  it('reopens', () => {
    expect(problems.open).toEqual([])
  })

  it('recovers a prefix of the writes that holds every durably acknowledged one', () => {
    expect(problems.prefix).toEqual([])
  })

  it('loses nothing to a second power cut right after recovery', () => {
    expect(problems.cutAfterRecovery).toEqual([])
  })

  it('loses nothing by reopening twice in a row', () => {
    expect(problems.reopenTwice).toEqual([])
  })
})
