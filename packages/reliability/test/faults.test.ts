import { Engine } from '@lsmkit/engine'
import { MemoryFileSystem } from '@lsmkit/fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { readAll } from '../src/index.js'
import {
  callsToSweep,
  codeOf,
  prefixesOf,
  type RunOutcome,
  runWorkload,
  TUNING,
  workload,
} from './support.js'

// The engine's own sweep fails every call of a 120-step workload; this one runs 300 steps
// (more flushes, compactions and manifest rewrites), failing every call (every STRIDE-th one
// with RELIABILITY_STRIDE=n, for quicker local runs).
const STRIDE = Number(process.env.RELIABILITY_STRIDE ?? 1)
const w = workload(23, 300, 0.1)

// Calls whose failure the engine may absorb: removing a file nothing needs, and closing a
// handle whose work is done. Neither can lose data; recovery removes what is left.
const ABSORBABLE = /^(unlink|close) /

interface Trial {
  readonly k: number
  readonly call: string
  readonly outcome: RunOutcome
  readonly reopened: { state: Map<string, string>; prefixes: number[] } | { error: unknown }
}

// Fails call k once, for each k swept; then reopens on the same file system, as a restarted
// process would. A failed lock release leaves the in-memory lock held, which only a power cut
// frees; close() synced the log before it, so the cut loses nothing.
async function sweep(code: 'EIO' | 'ENOSPC'): Promise<Trial[]> {
  const clean = new MemoryFileSystem({ traceCalls: true })
  await runWorkload(w, { ...TUNING, fs: clean })
  const trials: Trial[] = []
  for (const k of callsToSweep(clean.callCount, STRIDE)) {
    const fs = new MemoryFileSystem({ traceCalls: true })
    fs.injectFault({ at: k, code })
    const outcome = await runWorkload(w, { ...TUNING, fs })
    // Background work interleaves with writes by the clock, so a run may end before call k.
    const call = fs.calls[k - 1]
    if (call === undefined) continue
    if (call.startsWith('release ')) fs.powerCut()
    let reopened: Trial['reopened']
    try {
      const db = await Engine.open('/db', { ...TUNING, fs })
      reopened = { state: await readAll(db), prefixes: await prefixesOf(db, w) }
      await db.close()
    } catch (error) {
      reopened = { error }
    }
    trials.push({ k, call, outcome, reopened })
  }
  return trials
}

describe.each(['EIO', 'ENOSPC'] as const)(
  'an injected %s at file-system calls of a 300-step workload',
  (code) => {
    let trials: Trial[]
    beforeAll(async () => {
      trials = await sweep(code)
    })

    it('fails calls of every kind: log appends and syncs, table writes, manifest renames', () => {
      const kinds = new Set(trials.map((t) => t.call.split(' ')[0]))
      for (const kind of ['open', 'append', 'sync', 'rename', 'syncDir']) expect(kinds).toContain(kind)
      expect(trials.length).toBeGreaterThan(100)
    })

    it('surfaces the failing call as LEVEL_IO_ERROR carrying the injected system code', () => {
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

    it('acknowledges nothing while failed: every later write rejects with LEVEL_IO_ERROR', () => {
      const bad = trials.flatMap((t) => {
        const others = t.outcome.errors.filter((e) => codeOf(e.error) !== 'LEVEL_IO_ERROR')
        return t.outcome.ackedAfterFailure.length > 0 || others.length > 0
          ? [
              `call ${t.k} (${t.call}): acked after failure [${t.outcome.ackedAfterFailure}], ${others.length} other codes`,
            ]
          : []
      })
      expect(bad).toEqual([])
    })

    it('recovers every acknowledged write on reopening, as a prefix of the write order', () => {
      const bad = trials.flatMap((t) => {
        if ('error' in t.reopened)
          return [`call ${t.k} (${t.call}): reopen failed with ${String(codeOf(t.reopened.error))}`]
        const acked = Math.max(0, ...[...t.outcome.acked].map((i) => i + 1))
        return t.reopened.prefixes.some((p) => p >= acked)
          ? []
          : [`call ${t.k} (${t.call}): prefixes [${t.reopened.prefixes}], ${acked} acknowledged`]
      })
      expect(bad).toEqual([])
    })
  },
)
