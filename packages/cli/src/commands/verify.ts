/**
 * `lsmkit verify <dir>`: checks every checksum of every file of a database, without opening
 * the engine, so it works on a damaged database and changes nothing. Logs are read in
 * `'strict'` mode (a torn tail counts as damage: the engine would cut it on open), the
 * manifest is decoded and checked, and every table is opened and scanned entry by entry.
 *
 * @module
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileName, parseFileName, TABLE_SUFFIX } from '@lsmkit/engine'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { LogReader } from '@lsmkit/log'
import { MANIFEST_FILE_NAME, readManifest } from '@lsmkit/manifest'
import { TableReader } from '@lsmkit/sstable'
import { describeError, EXIT_FAILURE } from '../errors.js'
import { formatCount } from '../format/bytes.js'
import { type Io, processIo } from '../io.js'
import { startProgress } from '../progress.js'

/** The verdict on one file. */
export interface FileCheck {
  /** The file's name in the directory. */
  readonly name: string
  /** True when every check passed. */
  readonly ok: boolean
  /** What was checked (`"1,234 entries"`), or what is wrong. */
  readonly detail: string
}

async function checkLog(path: string): Promise<string> {
  const reader = await LogReader.open(path, { mode: 'strict' })
  let batches = 0
  try {
    for await (const _ of reader.batches()) batches++
  } finally {
    await reader.close()
  }
  return `${formatCount(batches)} batches`
}

async function checkTable(path: string): Promise<string> {
  const reader = await TableReader.open(path)
  let entries = 0
  try {
    const cursor = reader.cursor()
    for (cursor.seekToFirst(); cursor.valid; cursor.next()) entries++
  } finally {
    await reader.close()
  }
  if (entries !== reader.entryCount) {
    throw new LsmError(
      ErrorCode.CORRUPTION,
      `sstable: ${path} holds ${entries} entries but its properties say ${reader.entryCount}`,
      { file: path },
    )
  }
  return `${formatCount(entries)} entries`
}

async function checkManifest(dir: string): Promise<{ detail: string; tables: number[] }> {
  const state = await readManifest(dir)
  if (state === undefined)
    throw new LsmError(ErrorCode.CORRUPTION, `manifest: ${join(dir, MANIFEST_FILE_NAME)} is missing`, {
      file: join(dir, MANIFEST_FILE_NAME),
    })
  const tables = state.levels.flat()
  return { detail: `${state.levels.length} levels, ${tables.length} tables`, tables }
}

/**
 * Checks every file of the database in `dir` and returns a verdict per file, the manifest
 * first, then logs and tables in name order. A table the manifest lists that is not there is
 * a failed check too. Calls `onFile` after each file.
 *
 * @throws `LsmError` `LEVEL_DATABASE_NOT_OPEN` when `dir` does not exist.
 */
export async function verifyDatabase(
  dir: string,
  onFile?: (done: number, total: number) => void,
): Promise<FileCheck[]> {
  if (!existsSync(dir))
    throw new LsmError(ErrorCode.DATABASE_NOT_OPEN, `no database in ${dir} (no such directory)`)
  const names = readdirSync(dir)
    .filter((name) => parseFileName(name) !== undefined)
    .sort()
  const total = names.length + 1
  const checks: FileCheck[] = []
  let listed: number[] = []
  try {
    const manifest = await checkManifest(dir)
    listed = manifest.tables
    checks.push({ name: MANIFEST_FILE_NAME, ok: true, detail: manifest.detail })
  } catch (err) {
    checks.push({ name: MANIFEST_FILE_NAME, ok: false, detail: describeError(err) })
  }
  onFile?.(1, total)
  for (const [i, name] of names.entries()) {
    const path = join(dir, name)
    try {
      const detail = parseFileName(name)?.kind === 'log' ? await checkLog(path) : await checkTable(path)
      checks.push({ name, ok: true, detail })
    } catch (err) {
      checks.push({ name, ok: false, detail: describeError(err) })
    }
    onFile?.(i + 2, total)
  }
  for (const id of listed) {
    const name = fileName(id, TABLE_SUFFIX)
    if (!names.includes(name)) checks.push({ name, ok: false, detail: 'listed in the manifest but missing' })
  }
  return checks
}

/**
 * Runs {@link verifyDatabase}, with a progress bar on a terminal, and prints one line per file
 * (`ok       <name>  <detail>` or `DAMAGED  <name>  <problem>`) and a summary. Exits 1 when
 * anything is damaged.
 */
export async function verifyCommand(dir: string, io: Io = processIo()): Promise<number> {
  // On a terminal a bar, then the report; otherwise the report's lines are the progress.
  let progress: ReturnType<typeof startProgress> | undefined
  const checks = await verifyDatabase(dir, (done, total) => {
    if (io.stdout.isTTY !== true) return
    progress ??= startProgress('verify', total, { stream: io.stdout, tty: true, unit: 'files' })
    progress.update(done)
  })
  progress?.stop()
  const width = Math.max(...checks.map((c) => c.name.length))
  for (const c of checks) {
    io.stdout.write(`${c.ok ? 'ok     ' : 'DAMAGED'}  ${c.name.padEnd(width)}  ${c.detail}\n`)
  }
  const damaged = checks.filter((c) => !c.ok)
  if (damaged.length === 0) {
    io.stdout.write(`verified ${checks.length} files in ${dir}: no damage\n`)
    return 0
  }
  io.stdout.write(
    `${damaged.length} of ${checks.length} files in ${dir} are damaged: ${damaged.map((c) => c.name).join(', ')}\n`,
  )
  return EXIT_FAILURE
}
