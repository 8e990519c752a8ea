/**
 * Shared fixtures for the manifest tests.
 *
 * The CRC-32C here is a deliberately naive, bit-at-a-time reference written from the definition
 * (reflected polynomial 0x82f63b78), independent of the package's own checksum code, so that the
 * tests can seal hand-made texts with a correct checksum and check the package against it.
 */
import { LsmError, type MemoryFileSystem } from '@lsmkit/fs'
import type { ManifestState } from '@lsmkit/manifest'
import { expect } from 'vitest'

/** The state of the example in docs/formats/manifest.md and test/testdata/example.manifest. */
export const EXAMPLE_STATE: ManifestState = {
  logNumber: 15,
  nextFileNumber: 17,
  levels: [[14, 13], [9, 10, 11], [], [4]],
}

/** Everything of the example above its checksum line. */
export const EXAMPLE_BODY = [
  'lsmkit-manifest 1',
  'log_number 15',
  'next_file_number 17',
  'level 0 14 13',
  'level 1 9 10 11',
  'level 2',
  'level 3 4',
  '',
].join('\n')

export const DB = '/db'
export const MANIFEST_PATH = '/db/manifest'
export const TEMP_PATH = '/db/manifest.tmp'

export function referenceCrc32c(text: string): number {
  let crc = 0xffffffff
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** `body` followed by a correct checksum line. */
export function seal(body: string): string {
  return `${body}crc32c ${referenceCrc32c(body).toString(16).padStart(8, '0')}\n`
}

/** The byte offset where 1-based line `line` of `text` starts (the end, past the last line). */
export function lineStart(text: string, line: number): number {
  let offset = 0
  for (let n = 1; n < line; n++) {
    const end = text.indexOf('\n', offset)
    if (end === -1) return text.length
    offset = end + 1
  }
  return Math.min(offset, text.length)
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

/** Runs `fn` and returns the LsmError it throws, failing the test if it throws none. */
export function thrownBy(fn: () => unknown): LsmError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(LsmError)
    return err as LsmError
  }
  throw new Error('expected an LsmError, but nothing was thrown')
}

/** How a read ended: the state it returned, or the code of the LsmError it threw. */
export type ReadOutcome = { state: ManifestState | undefined } | { code: string }

/** Settles `read`, rethrowing anything that is not an LsmError so that the test fails on it. */
export async function outcomeOf(read: Promise<ManifestState | undefined>): Promise<ReadOutcome> {
  try {
    return { state: await read }
  } catch (err) {
    if (!(err instanceof LsmError)) throw err
    return { code: err.code }
  }
}

/** Plants `text` as `/db/manifest` in `fs`, durable, as if written and synced long ago. */
export function plantManifest(fs: MemoryFileSystem, text: string): void {
  fs.writeFileSync(MANIFEST_PATH, bytesOf(text), { durable: true })
}

/** A manifest state the write tests replace. */
export const OLD: ManifestState = {
  logNumber: 7,
  nextFileNumber: 9,
  levels: [
    [8, 6],
    [2, 3],
  ],
}
