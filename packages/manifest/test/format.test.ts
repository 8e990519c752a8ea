import { readFileSync } from 'node:fs'
import { decodeManifest, encodeManifest, MANIFEST_FILE_NAME, MANIFEST_TEMP_FILE_NAME } from '@lsmkit/manifest'
import { describe, expect, it } from 'vitest'
import { EXAMPLE_STATE, referenceCrc32c } from './support.js'

const golden = readFileSync(new URL('./testdata/example.manifest', import.meta.url))
const doc = readFileSync(new URL('../../../docs/formats/manifest.md', import.meta.url), 'utf8')

/** The body of the first fenced block of `lang` in the format document. */
function docBlock(lang: string): string {
  const block = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(doc)?.[1]
  if (block === undefined) throw new Error(`docs/formats/manifest.md has no ${lang} block`)
  return block
}

/** The bytes of a `hexdump -C` listing: 16 byte columns after an 8-digit offset. */
function bytesOfHexdump(dump: string): Uint8Array {
  const bytes = dump
    .split('\n')
    .filter((line) => line !== '')
    .flatMap((line) => line.slice(10, 59).match(/[0-9a-f]{2}/g) ?? [])
    .map((pair) => Number.parseInt(pair, 16))
  return Uint8Array.from(bytes)
}

describe('the manifest format', () => {
  it('encodes the example state as the golden file, byte for byte', () => {
    expect(new TextEncoder().encode(encodeManifest(EXAMPLE_STATE))).toEqual(new Uint8Array(golden))
  })

  it('decodes the golden file to the example state', () => {
    expect(decodeManifest(golden.toString('latin1'))).toEqual(EXAMPLE_STATE)
  })

  it('matches the example in docs/formats/manifest.md, byte for byte', () => {
    expect(docBlock('manifest')).toBe(golden.toString('latin1'))
  })

  it('matches the hex dump in docs/formats/manifest.md, byte for byte', () => {
    expect(bytesOfHexdump(docBlock('hex'))).toEqual(new Uint8Array(golden))
  })

  it('stores the plain CRC-32C of every byte above the checksum line', () => {
    const text = golden.toString('latin1')
    const checksumLine = text.lastIndexOf('crc32c ')
    const stored = text.slice(checksumLine + 'crc32c '.length, -1)
    expect(Number.parseInt(stored, 16)).toBe(referenceCrc32c(text.slice(0, checksumLine)))
  })

  it('keeps its on-disk file names', () => {
    expect([MANIFEST_FILE_NAME, MANIFEST_TEMP_FILE_NAME]).toEqual(['manifest', 'manifest.tmp'])
  })
})
