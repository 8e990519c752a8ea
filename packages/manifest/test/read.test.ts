import { ErrorCode, MemoryFileSystem } from '@lsmkit/fs'
import { encodeManifest, readManifest } from '@lsmkit/manifest'
import { describe, expect, it } from 'vitest'
import {
  bytesOf,
  DB,
  EXAMPLE_STATE,
  MANIFEST_PATH,
  outcomeOf,
  plantManifest,
  type ReadOutcome,
  TEMP_PATH,
} from './support.js'

const EXAMPLE_BYTES = bytesOf(encodeManifest(EXAMPLE_STATE))

/** What readManifest makes of `bytes` stored as the manifest. */
async function readBytes(bytes: Uint8Array): Promise<ReadOutcome> {
  const fs = new MemoryFileSystem()
  fs.writeFileSync(MANIFEST_PATH, bytes, { durable: true })
  return outcomeOf(readManifest(DB, { fs }))
}

const CORRUPTION: ReadOutcome = { code: ErrorCode.CORRUPTION }

describe('readManifest', () => {
  it('resolves to undefined in an empty directory', async () => {
    const fs = new MemoryFileSystem()
    await fs.mkdir(DB)
    expect(await readManifest(DB, { fs })).toBeUndefined()
  })

  it('resolves to undefined when the directory does not exist', async () => {
    expect(await readManifest(DB, { fs: new MemoryFileSystem() })).toBeUndefined()
  })

  it('returns the state stored in the manifest', async () => {
    expect(await readBytes(EXAMPLE_BYTES)).toEqual({ state: EXAMPLE_STATE })
  })

  it('sets the manifest path as the file of a corruption error', async () => {
    const fs = new MemoryFileSystem()
    plantManifest(fs, 'lsmkit-manifest 1\n')
    await expect(readManifest(DB, { fs })).rejects.toMatchObject({
      code: ErrorCode.CORRUPTION,
      file: MANIFEST_PATH,
    })
  })

  it('treats an empty manifest as corruption, not as a missing one', async () => {
    expect(await readBytes(new Uint8Array())).toEqual(CORRUPTION)
  })

  it('rejects bytes that are not ASCII as corruption', async () => {
    const damaged = EXAMPLE_BYTES.slice()
    damaged[20] = 0xc3
    expect(await readBytes(damaged)).toEqual(CORRUPTION)
  })

  it('ignores a leftover temporary file', async () => {
    const fs = new MemoryFileSystem()
    plantManifest(fs, encodeManifest(EXAMPLE_STATE))
    fs.writeFileSync(TEMP_PATH, bytesOf('lsmkit-manifest 1\nlog_nu'), { durable: true })
    expect(await readManifest(DB, { fs })).toEqual(EXAMPLE_STATE)
  })

  it('never promotes a temporary file when there is no manifest', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync(TEMP_PATH, EXAMPLE_BYTES, { durable: true })
    expect(await readManifest(DB, { fs })).toBeUndefined()
  })

  it('leaves the directory as it found it', async () => {
    const fs = new MemoryFileSystem()
    plantManifest(fs, encodeManifest(EXAMPLE_STATE))
    fs.writeFileSync(TEMP_PATH, bytesOf('partial'), { durable: true })
    await readManifest(DB, { fs })
    expect(await fs.list(DB)).toEqual(['manifest', 'manifest.tmp'])
  })

  it('reports a manifest truncated at any byte as corruption, and only the whole one as valid', async () => {
    const outcomes: ReadOutcome[] = []
    for (let length = 0; length <= EXAMPLE_BYTES.length; length++) {
      outcomes.push(await readBytes(EXAMPLE_BYTES.subarray(0, length)))
    }
    const expected = outcomes.map((_, length) =>
      length === EXAMPLE_BYTES.length ? { state: EXAMPLE_STATE } : CORRUPTION,
    )
    expect(outcomes).toEqual(expected)
  })

  it('reports any single flipped bit as corruption', async () => {
    const outcomes: ReadOutcome[] = []
    for (let i = 0; i < EXAMPLE_BYTES.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = EXAMPLE_BYTES.slice()
        damaged[i] = (damaged[i] ?? 0) ^ (1 << bit)
        outcomes.push(await readBytes(damaged))
      }
    }
    expect(outcomes).toEqual(outcomes.map(() => CORRUPTION))
  })

  it('passes on an I/O error of the file system', async () => {
    const fs = new MemoryFileSystem()
    plantManifest(fs, encodeManifest(EXAMPLE_STATE))
    fs.injectFault({ at: fs.callCount + 1 })
    await expect(readManifest(DB, { fs })).rejects.toMatchObject({ code: ErrorCode.IO_ERROR })
  })
})
