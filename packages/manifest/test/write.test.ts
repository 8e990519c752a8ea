import {
  ErrorCode,
  type FileHandle,
  type FileSystem,
  LsmError,
  MemoryFileSystem,
  type PowerCutOptions,
} from '@lsmkit/fs'
import {
  encodeManifest,
  type ManifestState,
  readManifest,
  removeStaleManifestTemp,
  writeManifest,
} from '@lsmkit/manifest'
import { describe, expect, it } from 'vitest'
import { bytesOf, DB, MANIFEST_PATH, OLD, outcomeOf, plantManifest, TEMP_PATH } from './support.js'

const NEW: ManifestState = { logNumber: 10, nextFileNumber: 11, levels: [[9, 8, 6], [2, 3], [1]] }
const LATER: ManifestState = { logNumber: 12, nextFileNumber: 13, levels: [[11], [2, 3, 9]] }

/** A file system whose `/db` holds OLD durably, and optionally a durable leftover temp file. */
function setUp(leftoverTemp: boolean): MemoryFileSystem {
  const fs = new MemoryFileSystem()
  plantManifest(fs, encodeManifest(OLD))
  if (leftoverTemp) fs.writeFileSync(TEMP_PATH, bytesOf('lsmkit-manifest 1\nlog'), { durable: true })
  return fs
}

/** How many file-system calls one writeManifest of NEW makes on a fresh set-up. */
async function callsOfOneWrite(leftoverTemp: boolean): Promise<number> {
  const fs = setUp(leftoverTemp)
  const before = fs.callCount
  await writeManifest(DB, NEW, { fs })
  return fs.callCount - before
}

const powerCuts: [string, PowerCutOptions][] = [
  ['losing every unsynced byte', {}],
  ['keeping every unsynced byte', { keepUnsynced: (_path, unsynced) => unsynced }],
  ['keeping half the unsynced bytes', { keepUnsynced: (_path, unsynced) => Math.floor(unsynced / 2) }],
]
const scenarios = powerCuts.flatMap(([name, options]) => [
  [`${name}, with no leftover temp file`, options, false] as const,
  [`${name}, with a leftover temp file`, options, true] as const,
])

describe('writeManifest', () => {
  it('creates a manifest that readManifest returns', async () => {
    const fs = new MemoryFileSystem()
    await fs.mkdir(DB)
    await writeManifest(DB, NEW, { fs })
    expect(await readManifest(DB, { fs })).toEqual(NEW)
  })

  it('replaces an existing manifest', async () => {
    const fs = setUp(false)
    await writeManifest(DB, NEW, { fs })
    expect(await readManifest(DB, { fs })).toEqual(NEW)
  })

  it('writes exactly the encoded text', async () => {
    const fs = setUp(false)
    await writeManifest(DB, NEW, { fs })
    expect(fs.readFileSync(MANIFEST_PATH)).toEqual(bytesOf(encodeManifest(NEW)))
  })

  it('leaves no temporary file behind', async () => {
    const fs = setUp(false)
    await writeManifest(DB, NEW, { fs })
    expect(await fs.list(DB)).toEqual(['manifest'])
  })

  it('removes a leftover temporary file and writes anyway', async () => {
    const fs = setUp(true)
    await writeManifest(DB, NEW, { fs })
    expect(await fs.list(DB)).toEqual(['manifest'])
    expect(await readManifest(DB, { fs })).toEqual(NEW)
  })

  it('removes nothing when no temporary file was left', async () => {
    const fs = new MemoryFileSystem({ traceCalls: true })
    plantManifest(fs, encodeManifest(OLD))
    await writeManifest(DB, NEW, { fs })
    expect(fs.calls.filter((call) => call.startsWith('unlink '))).toEqual([])
  })

  it('makes the new manifest durable before it resolves', async () => {
    const fs = setUp(false)
    await writeManifest(DB, NEW, { fs })
    fs.powerCut()
    expect(await readManifest(DB, { fs })).toEqual(NEW)
  })

  it('makes a first manifest durable before it resolves', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/db/.keep', new Uint8Array(), { durable: true })
    await writeManifest(DB, NEW, { fs })
    fs.powerCut()
    expect(await readManifest(DB, { fs })).toEqual(NEW)
  })

  it('rejects an invalid state with LEVEL_INVALID_OPTION and touches nothing', async () => {
    const fs = setUp(true)
    const before = fs.callCount
    const invalid = { logNumber: 0, nextFileNumber: 5, levels: [[5]] }
    await expect(writeManifest(DB, invalid, { fs })).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTION })
    expect(fs.callCount).toBe(before)
    expect(fs.readFileSync(MANIFEST_PATH)).toEqual(bytesOf(encodeManifest(OLD)))
  })

  it.each(scenarios)(
    'leaves the old or the new manifest after a power cut at any call, %s',
    async (_name, cut, leftoverTemp) => {
      const calls = await callsOfOneWrite(leftoverTemp)
      expect(calls).toBeGreaterThan(0)
      for (let k = 1; k <= calls; k++) {
        const fs = setUp(leftoverTemp)
        fs.injectFault({ at: fs.callCount + k, sticky: true })
        await expect(writeManifest(DB, NEW, { fs })).rejects.toBeInstanceOf(LsmError)
        fs.powerCut(cut)
        const read = await outcomeOf(readManifest(DB, { fs }))
        expect([{ state: OLD }, { state: NEW }], `power cut at call ${k} of ${calls}`).toContainEqual(read)
      }
    },
  )

  it.each(scenarios)(
    'succeeds after a power cut at any call of the write before, %s',
    async (_name, cut, leftoverTemp) => {
      const calls = await callsOfOneWrite(leftoverTemp)
      for (let k = 1; k <= calls; k++) {
        const fs = setUp(leftoverTemp)
        fs.injectFault({ at: fs.callCount + k, sticky: true })
        await expect(writeManifest(DB, NEW, { fs })).rejects.toBeInstanceOf(LsmError)
        fs.powerCut(cut)
        await writeManifest(DB, LATER, { fs })
        fs.powerCut(cut)
        expect(await readManifest(DB, { fs }), `power cut at call ${k} of ${calls}`).toEqual(LATER)
      }
    },
  )

  it('leaves the old or the new manifest readable when any one call fails', async () => {
    const calls = await callsOfOneWrite(true)
    for (let k = 1; k <= calls; k++) {
      const fs = setUp(true)
      fs.injectFault({ at: fs.callCount + k })
      await expect(writeManifest(DB, NEW, { fs })).rejects.toMatchObject({ code: ErrorCode.IO_ERROR })
      const read = await outcomeOf(readManifest(DB, { fs }))
      expect([{ state: OLD }, { state: NEW }], `fault at call ${k} of ${calls}`).toContainEqual(read)
    }
  })

  it('rejects, leaving no failure unhandled, when the file system throws from rename and the close fails', async () => {
    const memory = setUp(false)
    const forward = <T extends object>(target: T, name: string | symbol): unknown => {
      const value = Reflect.get(target, name)
      return typeof value === 'function' ? value.bind(target) : value
    }
    // A file system that breaks its contract: it throws where it should return a rejection.
    const fs = new Proxy(memory, {
      get(target, name) {
        if (name === 'rename')
          return () => {
            throw new LsmError(ErrorCode.IO_ERROR, 'rename failed')
          }
        if (name !== 'open') return forward(target, name)
        return async (path: string, mode: 'read' | 'append' | 'create'): Promise<FileHandle> => {
          const handle = await target.open(path, mode)
          return new Proxy(handle, {
            get(inner, member) {
              if (member === 'close')
                return () => Promise.reject(new LsmError(ErrorCode.IO_ERROR, 'close failed'))
              return forward(inner, member)
            },
          })
        }
      },
    }) as FileSystem
    // A close failure left unhandled would fail this run, though the expectation below holds.
    await expect(writeManifest(DB, NEW, { fs })).rejects.toMatchObject({ code: ErrorCode.IO_ERROR })
  })

  it('succeeds after any one call of the write before failed', async () => {
    const calls = await callsOfOneWrite(true)
    for (let k = 1; k <= calls; k++) {
      const fs = setUp(true)
      fs.injectFault({ at: fs.callCount + k })
      await expect(writeManifest(DB, NEW, { fs })).rejects.toBeInstanceOf(LsmError)
      await writeManifest(DB, LATER, { fs })
      expect(await readManifest(DB, { fs }), `fault at call ${k} of ${calls}`).toEqual(LATER)
    }
  })
})

describe('removeStaleManifestTemp', () => {
  it('removes a leftover temporary file and says so', async () => {
    const fs = setUp(true)
    expect(await removeStaleManifestTemp(DB, { fs })).toBe(true)
    expect(await fs.list(DB)).toEqual(['manifest'])
  })

  it('resolves to false when there is nothing to remove', async () => {
    const fs = setUp(false)
    expect(await removeStaleManifestTemp(DB, { fs })).toBe(false)
    expect(await fs.list(DB)).toEqual(['manifest'])
  })

  it('leaves the manifest readable', async () => {
    const fs = setUp(true)
    await removeStaleManifestTemp(DB, { fs })
    expect(await readManifest(DB, { fs })).toEqual(OLD)
  })
})
