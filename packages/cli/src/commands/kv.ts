/**
 * The one-shot data commands: `put`, `get`, `del` and `scan`. Each opens the database, does
 * one thing and closes it, so it fails with `LEVEL_LOCKED` while another process has it open.
 *
 * @module
 */
import type { Engine, IteratorOptions } from '@lsmkit/engine'
import { EXIT_FAILURE, parseCount } from '../errors.js'
import { showBytes, toBytes } from '../format/bytes.js'
import { type Io, processIo } from '../io.js'
import { openDatabase } from '../open.js'

/** Options of {@link scanCommand}, as the flags give them. */
export interface ScanFlags {
  readonly gt?: string
  readonly gte?: string
  readonly lt?: string
  readonly lte?: string
  readonly reverse?: boolean
  /** A whole number, as typed. */
  readonly limit?: string
  /** Print one JSON array of `{ key, value }` instead of lines. */
  readonly json?: boolean
}

async function withDatabase<T>(dir: string, create: boolean, use: (db: Engine) => Promise<T>): Promise<T> {
  const db = await openDatabase(dir, create)
  try {
    return await use(db)
  } finally {
    await db.close()
  }
}

/** `lsmkit put <dir> <key> <value>`: stores the value (creating the database if need be). */
export async function putCommand(dir: string, key: string, value: string): Promise<number> {
  await withDatabase(dir, true, (db) => db.put(toBytes(key), toBytes(value), { sync: true }))
  return 0
}

/**
 * `lsmkit get <dir> <key>`: prints the value and a newline. A missing key prints nothing on
 * stdout, says so on stderr, and exits 1.
 */
export async function getCommand(dir: string, key: string, io: Io = processIo()): Promise<number> {
  const value = await withDatabase(dir, false, (db) => db.get(toBytes(key)))
  if (value === undefined) {
    io.stderr.write(`lsmkit: key not found: ${key}\n`)
    return EXIT_FAILURE
  }
  io.stdout.write(`${showBytes(value)}\n`)
  return 0
}

/** `lsmkit del <dir> <key>`: deletes the key; deleting a missing key is fine. */
export async function delCommand(dir: string, key: string): Promise<number> {
  await withDatabase(dir, false, (db) => db.delete(toBytes(key), { sync: true }))
  return 0
}

/** The iterator options that scan flags ask for. */
export function scanRange(flags: ScanFlags): IteratorOptions {
  const range: { -readonly [K in keyof IteratorOptions]: IteratorOptions[K] } = {}
  if (flags.gt !== undefined) range.gt = toBytes(flags.gt)
  if (flags.gte !== undefined) range.gte = toBytes(flags.gte)
  if (flags.lt !== undefined) range.lt = toBytes(flags.lt)
  if (flags.lte !== undefined) range.lte = toBytes(flags.lte)
  if (flags.reverse === true) range.reverse = true
  if (flags.limit !== undefined) range.limit = parseCount(flags.limit, '--limit')
  return range
}

/** One entry as a line of `scan`: key, a tab, value. */
export function formatEntry(key: Uint8Array, value: Uint8Array): string {
  return `${showBytes(key)}\t${showBytes(value)}`
}

/**
 * `lsmkit scan <dir>`: prints the entries in range, one `key<TAB>value` line each, or with
 * `--json` one array of `{ key, value }`.
 */
export async function scanCommand(dir: string, flags: ScanFlags, io: Io = processIo()): Promise<number> {
  const range = scanRange(flags)
  await withDatabase(dir, false, async (db) => {
    if (flags.json === true) {
      const entries: { key: string; value: string }[] = []
      for await (const [key, value] of db.iterator(range)) {
        entries.push({ key: showBytes(key), value: showBytes(value) })
      }
      io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`)
      return
    }
    for await (const [key, value] of db.iterator(range)) io.stdout.write(`${formatEntry(key, value)}\n`)
  })
  return 0
}
