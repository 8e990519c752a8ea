import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ErrorCode, MemoryFileSystem, NodeFileSystem } from '@lsmkit/fs'
import { TableReader } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { build, expectCode, utf8 } from './helpers.js'

// The worked example of docs/formats/sstable.md. Regenerate (only for a new format version)
// with UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts, and update the document to match.
const GOLDEN = fileURLToPath(new URL('testdata/worked-example.sst', import.meta.url))
// The same table as format version 1 wrote it (CRC-32C block checksums), kept so that every
// version this code claims to read stays readable.
const GOLDEN_V1 = fileURLToPath(new URL('testdata/worked-example-v1.sst', import.meta.url))
const DOC = fileURLToPath(new URL('../../../docs/formats/sstable.md', import.meta.url))
const entries = [
  { key: utf8('apple'), value: utf8('red') },
  { key: utf8('apricot'), value: undefined },
  { key: utf8('cherry'), value: utf8('dark') },
]
const built = build(entries, { blockSize: 24 })
if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, built)

async function readFile(path: string): Promise<Uint8Array> {
  const handle = await new NodeFileSystem().open(path, 'read')
  try {
    return await handle.read(0, handle.size())
  } finally {
    await handle.close()
  }
}

describe('the worked example', () => {
  it('is built byte for byte as the golden file holds it', async () => {
    expect(built).toEqual(await readFile(GOLDEN))
  })

  it('is shown byte for byte in the format document', async () => {
    const doc = new TextDecoder().decode(await readFile(DOC))
    const section = doc.slice(doc.indexOf('## Worked example'))
    // Annotated rows: a 4-digit hex offset, then up to 16 bytes in columns 8 to 55.
    const bytes: number[] = []
    for (const line of section.split('\n')) {
      if (!/^[0-9a-f]{4} {4}/.test(line)) continue
      expect(Number.parseInt(line.slice(0, 4), 16)).toBe(bytes.length)
      for (const byte of line.slice(8, 56).trim().split(' ').filter(Boolean))
        bytes.push(Number.parseInt(byte, 16))
    }
    expect(Uint8Array.from(bytes)).toEqual(built)
  })

  it('reads back from the golden file', async () => {
    const reader = await TableReader.open(GOLDEN, { fs: new NodeFileSystem() })
    expect([...reader.entries()]).toEqual(entries)
    expect(reader.get(utf8('apricot'))).toEqual({ key: utf8('apricot'), value: undefined })
    expect(reader.get(utf8('banana'))).toBeUndefined()
    expect(reader.fileSize).toBe(built.length)
    await reader.close()
  })

  it('reads back as format version 1 wrote it', async () => {
    const reader = await TableReader.open(GOLDEN_V1, { fs: new NodeFileSystem() })
    expect([...reader.entries()]).toEqual(entries)
    expect([...reader.entries({ reverse: true })]).toEqual(entries.toReversed())
    expect(entries.map((e) => reader.get(e.key))).toEqual(entries)
    expect(reader.get(utf8('banana'))).toBeUndefined()
    await reader.close()
  })

  it('tells damage in a format version 1 block by its CRC-32C', async () => {
    const bytes = await readFile(GOLDEN_V1)
    const fs = new MemoryFileSystem()
    // 0x05: inside the first data block's contents.
    bytes[0x05]! ^= 0x01
    fs.writeFileSync('/t.sst', bytes)
    const reader = await TableReader.open('/t.sst', { fs })
    await expectCode(() => reader.get(utf8('apple')), ErrorCode.CORRUPTION)
    await reader.close()
  })
})
