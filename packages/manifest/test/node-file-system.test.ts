import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode, NodeFileSystem } from '@lsmkit/fs'
import { encodeManifest, readManifest, removeStaleManifestTemp, writeManifest } from '@lsmkit/manifest'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXAMPLE_STATE, OLD } from './support.js'

describe('the manifest on a real file system', () => {
  const fs = new NodeFileSystem()
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lsmkit-manifest-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('resolves to undefined in an empty directory', async () => {
    expect(await readManifest(dir, { fs })).toBeUndefined()
  })

  it('reads back what it wrote', async () => {
    await writeManifest(dir, EXAMPLE_STATE, { fs })
    expect(await readManifest(dir, { fs })).toEqual(EXAMPLE_STATE)
  })

  it('writes exactly the encoded text', async () => {
    await writeManifest(dir, EXAMPLE_STATE, { fs })
    expect(await readFile(join(dir, 'manifest'), 'latin1')).toBe(encodeManifest(EXAMPLE_STATE))
  })

  it('replaces an existing manifest and leaves no temporary file', async () => {
    await writeManifest(dir, OLD, { fs })
    await writeManifest(dir, EXAMPLE_STATE, { fs })
    expect(await readManifest(dir, { fs })).toEqual(EXAMPLE_STATE)
    expect(await readdir(dir)).toEqual(['manifest'])
  })

  it('ignores a leftover temporary file, and the next write removes it', async () => {
    await writeManifest(dir, OLD, { fs })
    await writeFile(join(dir, 'manifest.tmp'), 'lsmkit-manifest 1\nlog_num')
    expect(await readManifest(dir, { fs })).toEqual(OLD)
    await writeManifest(dir, EXAMPLE_STATE, { fs })
    expect(await readdir(dir)).toEqual(['manifest'])
    expect(await readManifest(dir, { fs })).toEqual(EXAMPLE_STATE)
  })

  it('removes a leftover temporary file on request', async () => {
    await writeFile(join(dir, 'manifest.tmp'), 'partial')
    expect(await removeStaleManifestTemp(dir, { fs })).toBe(true)
    expect(await readdir(dir)).toEqual([])
  })

  it('reports a damaged manifest as corruption of that file', async () => {
    await writeManifest(dir, OLD, { fs })
    const path = join(dir, 'manifest')
    await writeFile(path, (await readFile(path, 'latin1')).replace('log_number 7', 'log_number 8'))
    await expect(readManifest(dir, { fs })).rejects.toMatchObject({ code: ErrorCode.CORRUPTION, file: path })
  })

  it('uses the real file system when no fs is given', async () => {
    await writeManifest(dir, EXAMPLE_STATE)
    expect(await readManifest(dir)).toEqual(EXAMPLE_STATE)
    expect(await removeStaleManifestTemp(dir)).toBe(false)
  })
})
