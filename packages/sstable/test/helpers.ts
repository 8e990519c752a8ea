import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ErrorCode, LsmError, NodeFileSystem } from '@lsmkit/fs'
import {
  compareKeys,
  TableBuilder,
  type TableBuilderOptions,
  type TableEntry,
  TableReader,
  type TableReaderOptions,
  writeTable,
} from '@lsmkit/sstable'
import fc from 'fast-check'
import { afterAll, expect } from 'vitest'

const encoder = new TextEncoder()

/** The UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** A key of `width` decimal digits, so numeric order is key order. */
export function numberedKey(n: number, prefix = 'key', width = 6): Uint8Array {
  return utf8(`${prefix}${String(n).padStart(width, '0')}`)
}

/** Entries with keys and values as hex, which compare far faster than large byte arrays. */
export function hex(
  entries: Iterable<TableEntry | undefined>,
): ({ key: string; value: string | undefined } | undefined)[] {
  return Array.from(entries, (e) =>
    e === undefined
      ? undefined
      : { key: Buffer.from(e.key).toString('hex'), value: e.value && Buffer.from(e.value).toString('hex') },
  )
}

/** Builds a table from entries already in key order. */
export function build(entries: readonly TableEntry[], options: TableBuilderOptions = {}): Uint8Array {
  const builder = new TableBuilder(options)
  for (const { key, value } of entries) builder.add(key, value)
  return builder.finish().bytes
}

/** A temporary directory on the real file system, removed after the test file. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lsmkit-sstable-'))
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  return dir
}

let tableNumber = 0

/** Builds, writes to a new file in `dir` on the real file system, and opens a table. */
export async function openBuilt(
  dir: string,
  entries: readonly TableEntry[],
  options: TableBuilderOptions = {},
  readerOptions: Omit<TableReaderOptions, 'fs'> = {},
): Promise<TableReader> {
  const fs = new NodeFileSystem()
  const path = join(dir, `${String(++tableNumber).padStart(6, '0')}.sst`)
  await writeTable(path, build(entries, options), { fs })
  return TableReader.open(path, { ...readerOptions, fs })
}

/** Runs `fn` and returns the LsmError it throws, failing the test if it throws anything else. */
export async function lsmErrorOf(fn: () => unknown): Promise<LsmError> {
  try {
    await fn()
  } catch (err) {
    expect(err).toBeInstanceOf(LsmError)
    return err as LsmError
  }
  throw new Error('expected an LsmError, but nothing was thrown')
}

/** Asserts that `fn` throws an LsmError with `code`. */
export async function expectCode(fn: () => unknown, code: ErrorCode): Promise<void> {
  expect((await lsmErrorOf(fn)).code).toBe(code)
}

/**
 * Short keys over a tiny alphabet: entries share prefixes, some keys are prefixes of others,
 * and probes land on, between and around them.
 */
export const keyArb = fc.uint8Array({ min: 0, max: 3, maxLength: 6 })

/** Sorted entries with distinct keys, some of them tombstones. */
export const entriesArb = fc
  .uniqueArray(
    fc.record({ key: keyArb, value: fc.option(fc.uint8Array({ maxLength: 8 }), { nil: undefined }) }),
    { minLength: 1, maxLength: 80, selector: (e) => e.key.join(',') },
  )
  .map((entries) => entries.sort((a, b) => compareKeys(a.key, b.key)))

/** Block sizes and restart intervals from one entry per block and run to typical ones. */
export const layoutArb = fc.record({
  blockSize: fc.integer({ min: 1, max: 128 }),
  restartInterval: fc.integer({ min: 1, max: 16 }),
})
