import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine, type EngineOptions } from '@lsmkit/engine'
import { isLsmError } from '@lsmkit/fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// A small database on real files: one table of 16 keys (in 256-byte blocks, so it has several
// data blocks, an index and a filter), then a log holding overwrites and deletes of some of
// them and new keys, and the manifest naming both.
const OPTIONS: EngineOptions = { blockSize: 256, memtableSize: 64 * 1024 }
const key = (i: number) => `key${String(i).padStart(2, '0')}`
const decoder = new TextDecoder()

/** Every value ever written, by key. */
const written = new Map<string, Set<string>>()

async function build(dir: string): Promise<void> {
  const db = await Engine.open(dir, OPTIONS)
  const put = async (k: string, v: string) => {
    await db.put(k, v)
    written.set(k, (written.get(k) ?? new Set()).add(v))
  }
  for (let i = 0; i < 16; i++) await put(key(i), `first value of ${key(i)}`)
  await db.flush()
  for (let i = 0; i < 16; i += 4) await put(key(i), `second value of ${key(i)}`)
  await db.batch([
    { type: 'del', key: key(1) },
    { type: 'del', key: key(4) },
  ])
  for (let i = 16; i < 19; i++) await put(key(i), `only value of ${key(i)}`)
  await db.close()
}

type Outcome = 'opened' | 'refused'

/** What went wrong in the sweep of one file; every list should be empty. */
interface Findings {
  mutations: number
  readonly outcomes: Record<Outcome, number>
  /** Open failed with something other than LEVEL_CORRUPTION naming the damaged file. */
  readonly badRefusals: string[]
  /** A read returned a value never written for its key, or a key never written. */
  readonly wrongValues: string[]
  /** Something threw an error that is not an LsmError. */
  readonly foreign: string[]
}

describe('corruption sweeps on real files (truncation at, and a bit flip in, every byte)', () => {
  let root: string
  let pristine: string
  let files: string[]
  let trials = 0

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'lsmkit-corruption-'))
    pristine = join(root, 'pristine')
    await build(pristine)
    files = readdirSync(pristine).filter((name) => name !== 'LOCK' && statSync(join(pristine, name)).size > 0)
  })

  afterAll(() => rmSync(root, { recursive: true, force: true }))

  // Copies the database, damages `name` in the copy with `damage`, and checks what the engine
  // makes of it. Every trial gets a directory of its own, so one that fails (or outlives its
  // test) cannot leave a lock or a file behind for the next.
  async function trial(name: string, label: string, damage: (path: string) => void, findings: Findings) {
    const work = join(root, `trial-${trials++}`)
    cpSync(pristine, work, { recursive: true })
    try {
      await damageAndCheck(work, name, label, damage, findings)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }

  async function damageAndCheck(
    work: string,
    name: string,
    label: string,
    damage: (path: string) => void,
    findings: Findings,
  ) {
    const path = join(work, name)
    damage(path)
    const where = `${name} ${label}`
    const judge = (err: unknown, during: string) => {
      if (!isLsmError(err)) findings.foreign.push(`${where}, ${during}: ${String(err)}`)
      else if (err.code !== 'LEVEL_CORRUPTION' || err.file !== path)
        findings.badRefusals.push(`${where}, ${during}: ${err.code} ${String(err.file)}`)
    }
    let db: Engine
    try {
      db = await Engine.open(work, OPTIONS)
    } catch (err) {
      findings.outcomes.refused++
      judge(err, 'open')
      return
    }
    findings.outcomes.opened++
    const check = (k: string, v: Uint8Array | undefined, during: string) => {
      if (v !== undefined && !written.get(k)?.has(decoder.decode(v)))
        findings.wrongValues.push(`${where}, ${during}: ${k} = ${JSON.stringify(decoder.decode(v))}`)
    }
    for (const k of new Set([...written.keys(), 'absent'])) {
      try {
        check(k, await db.get(k), 'get')
      } catch (err) {
        judge(err, `get(${k})`)
      }
    }
    try {
      for await (const [k, v] of db.iterator()) check(decoder.decode(k), v, 'iterator')
    } catch (err) {
      judge(err, 'iterator')
    }
    await db.close().catch((err: unknown) => {
      if (!isLsmError(err)) findings.foreign.push(`${where}, close: ${String(err)}`)
    })
  }

  async function sweepFile(kind: (name: string) => boolean): Promise<Findings[]> {
    const all: Findings[] = []
    for (const name of files.filter(kind)) {
      const findings: Findings = {
        mutations: 0,
        outcomes: { opened: 0, refused: 0 },
        badRefusals: [],
        wrongValues: [],
        foreign: [],
      }
      const size = statSync(join(pristine, name)).size
      for (let at = 0; at < size; at++) {
        await trial(name, `truncated to ${at}`, (path) => truncateSync(path, at), findings)
        await trial(
          name,
          `bit ${at % 8} of byte ${at} flipped`,
          (path) => {
            const bytes = readFileSync(path)
            bytes[at]! ^= 1 << (at % 8)
            writeFileSync(path, bytes)
          },
          findings,
        )
        findings.mutations += 2
      }
      all.push(findings)
    }
    return all
  }

  it.each([
    ['the manifest', (name: string) => name === 'manifest'],
    ['each log', (name: string) => name.endsWith('.wal')],
    ['each table', (name: string) => name.endsWith('.sst')],
  ])(
    '%s: open fails with LEVEL_CORRUPTION naming it or succeeds, and no read returns an unwritten value',
    async (_, kind) => {
      const all = await sweepFile(kind)
      expect(all.length).toBeGreaterThan(0)
      for (const findings of all) {
        expect(findings.mutations).toBeGreaterThan(100)
        // The damage is noticed, not only survived.
        expect(findings.outcomes.refused).toBeGreaterThan(0)
        expect(findings.foreign).toEqual([])
        expect(findings.badRefusals).toEqual([])
        expect(findings.wrongValues).toEqual([])
      }
    },
  )
})
