import { Engine, type EngineOptions } from '@lsmkit/engine'
import { type FileHandle, MemoryFileSystem, type OpenMode } from '@lsmkit/fs'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  contents,
  dbState,
  makeWorkload,
  prefixesMatching,
  type RunOutcome,
  rejectsWith,
  runWorkload,
} from './support.js'

/** Fails the first creation of a table (a flush's first call) with ENOSPC. */
class FailFirstTableFileSystem extends MemoryFileSystem {
  #failed = false

  override open(path: string, mode: OpenMode): Promise<FileHandle> {
    if (!this.#failed && mode === 'create' && path.endsWith('.sst')) {
      this.#failed = true
      this.injectFault({ at: this.callCount + 1, code: 'ENOSPC' })
    }
    return super.open(path, mode)
  }
}

const TUNING: EngineOptions = {
  memtableSize: 4096,
  l0CompactionTrigger: 2,
  targetFileSize: 4096,
  l1MaxBytes: 4096,
}
const workload = makeWorkload(11, 120)
const SYNC_EVERY = 4

// Calls whose failure the engine may absorb: removing a file nothing needs, and closing a handle
// whose work is done. Neither can lose data; recovery removes what is left.
const ABSORBABLE = /^(unlink|close) /

interface Trial {
  readonly k: number
  /** What call k was. */
  readonly call: string
  readonly outcome: RunOutcome
  /** The state reopening found, or the error it met. */
  readonly reopened: { state: string } | { error: unknown }
}

function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | undefined)?.code
}

// Fails call k, once, of the workload for every k; then reopens the database on the same file
// system, as a process would after restarting. A failed lock release leaves the in-memory lock
// held, which only a power cut frees; close() synced the log before it, so the cut loses nothing.
async function sweep(code: 'EIO' | 'ENOSPC'): Promise<Trial[]> {
  const clean = new MemoryFileSystem({ traceCalls: true })
  await runWorkload(workload, { ...TUNING, fs: clean }, { syncEvery: SYNC_EVERY })
  const trials: Trial[] = []
  for (let k = 1; k <= clean.callCount; k++) {
    const fs = new MemoryFileSystem({ traceCalls: true })
    fs.injectFault({ at: k, code })
    const outcome = await runWorkload(workload, { ...TUNING, fs }, { syncEvery: SYNC_EVERY })
    // Background work interleaves with writes by the clock, so a run may end before call k.
    const call = fs.calls[k - 1]
    if (call === undefined) continue
    if (call.startsWith('release ')) fs.powerCut()
    let reopened: Trial['reopened']
    try {
      const db = await Engine.open('/db', { ...TUNING, fs })
      reopened = { state: await dbState(db) }
      await db.close()
    } catch (error) {
      reopened = { error }
    }
    trials.push({ k, call, outcome, reopened })
  }
  return trials
}

describe.each(['EIO', 'ENOSPC'] as const)('an injected %s at each file-system call', (code) => {
  let trials: Trial[]
  beforeAll(async () => {
    trials = await sweep(code)
  })

  it('surfaces the failure as LEVEL_IO_ERROR carrying the injected system code', () => {
    const silent = trials.filter((t) => t.outcome.errors.length === 0 && !ABSORBABLE.test(t.call))
    expect(silent.map((t) => `call ${t.k}: ${t.call}`)).toEqual([])
    const wrong = trials.flatMap((t) => {
      const first = t.outcome.errors[0]?.error as { code?: unknown; systemCode?: unknown } | undefined
      return first === undefined || (first.code === 'LEVEL_IO_ERROR' && first.systemCode === code)
        ? []
        : [`call ${t.k} (${t.call}): ${String(first.code)} ${String(first.systemCode)}`]
    })
    expect(wrong).toEqual([])
  })

  it('rejects every write after a failed one with LEVEL_IO_ERROR', () => {
    const bad = trials.flatMap((t) => {
      const others = t.outcome.errors.filter((e) => codeOf(e.error) !== 'LEVEL_IO_ERROR')
      return t.outcome.ackedAfterFailure.length > 0 || others.length > 0
        ? [
            `call ${t.k} (${t.call}): acked after failure ${t.outcome.ackedAfterFailure}, other codes ${others.length}`,
          ]
        : []
    })
    expect(bad).toEqual([])
  })

  it('loses no acknowledged write: reopening finds a prefix holding all of them', () => {
    const bad = trials.flatMap((t) => {
      if ('error' in t.reopened)
        return [`call ${t.k} (${t.call}): reopen failed with ${String(codeOf(t.reopened.error))}`]
      const acked = Math.max(0, ...[...t.outcome.acked].map((i) => i + 1))
      return prefixesMatching(workload, t.reopened.state, acked).length === 0
        ? [`call ${t.k} (${t.call}): not a prefix of at least ${acked} steps`]
        : []
    })
    expect(bad).toEqual([])
  })
})

describe('the failed state', () => {
  it('keeps rejecting writes, sync, flush and compact with LEVEL_IO_ERROR until reopened', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    await db.put('a', '1')
    fs.injectFault({ at: fs.callCount + 1, code: 'ENOSPC' })
    await rejectsWith(db.put('b', '2', { sync: true }), 'LEVEL_IO_ERROR')
    await rejectsWith(db.put('c', '3'), 'LEVEL_IO_ERROR')
    await rejectsWith(db.batch([{ type: 'put', key: 'd', value: '4' }]), 'LEVEL_IO_ERROR')
    await rejectsWith(db.delete('a'), 'LEVEL_IO_ERROR')
    await rejectsWith(db.sync(), 'LEVEL_IO_ERROR')
    await rejectsWith(db.flush(), 'LEVEL_IO_ERROR')
    await rejectsWith(db.compact(), 'LEVEL_IO_ERROR')
    await rejectsWith(db.close(), 'LEVEL_IO_ERROR')
    await using again = await Engine.open('/db', { fs })
    await again.put('e', '5')
    expect(await again.get('a')).toBeDefined()
    expect(await again.get('e')).toBeDefined()
  })

  it('rejects a sync write whose fsync fails, and every write after it', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    await db.put('a', '1', { sync: true })
    // A sync put makes two calls: the log append, then its fsync.
    fs.injectFault({ at: fs.callCount + 2 })
    await rejectsWith(db.put('b', '2', { sync: true }), 'LEVEL_IO_ERROR')
    await rejectsWith(db.put('c', '3'), 'LEVEL_IO_ERROR')
    await rejectsWith(db.close(), 'LEVEL_IO_ERROR')
    fs.powerCut()
    await using again = await Engine.open('/db', { fs })
    expect(await again.get('a')).toBeDefined()
    expect(await again.get('c')).toBeUndefined()
  })

  it('still serves reads from what it holds', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    await db.put('a', '1')
    fs.injectFault({ at: fs.callCount + 1 })
    await rejectsWith(db.put('b', '2', { sync: true }), 'LEVEL_IO_ERROR')
    expect(await db.get('a')).toBeDefined()
    await rejectsWith(db.close(), 'LEVEL_IO_ERROR')
  })

  it('is entered by a failed background flush, and close() reports it', async () => {
    // Without a log, writes make no file-system calls: the next call is the flush's.
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs, enableWal: false, memtableSize: 4096 })
    fs.injectFault({ at: fs.callCount + 1, code: 'ENOSPC' })
    let failure: unknown
    for (let i = 0; i < 1000 && failure === undefined; i++) {
      await db.put(`k${i}`, 'v'.repeat(200)).catch((err: unknown) => {
        failure = err
      })
    }
    expect(failure).toMatchObject({ code: 'LEVEL_IO_ERROR', systemCode: 'ENOSPC' })
    await rejectsWith(db.put('after', 'x'), 'LEVEL_IO_ERROR')
    await rejectsWith(db.close(), 'LEVEL_IO_ERROR')
  })

  it('still syncs the log on close(), so the writes it acknowledged before a background failure survive a power cut', async () => {
    const fs = new FailFirstTableFileSystem()
    const db = await Engine.open('/db', { fs, memtableSize: 4096 })
    const acked: string[] = []
    for (let i = 0; i < 80; i++) {
      const key = `k${String(i).padStart(3, '0')}`
      const ok = await db.put(key, 'v'.repeat(200)).then(
        () => true,
        () => false,
      )
      if (!ok) break
      acked.push(key)
    }
    // The flush failed; the active log holds acknowledged writes not yet synced.
    const log = `/db/${db.stats().logFiles.at(-1)!}`
    expect(fs.durableSize(log)).toBeLessThan(fs.readFileSync(log)!.length)
    await rejectsWith(db.close(), 'LEVEL_IO_ERROR')
    fs.powerCut()
    await using again = await Engine.open('/db', { fs })
    expect((await contents(again)).map(([key]) => key)).toEqual(acked)
  })
})
