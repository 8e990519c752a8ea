/**
 * Runs the built `lsmkit` executable in a child process, as a user would.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The built executable. */
export const BIN = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url))

/** What a run of the executable produced. */
export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `lsmkit <args>` in `cwd`, feeding it `input` on stdin. */
export function lsmkit(args: readonly string[], options: { cwd?: string; input?: string } = {}): CliResult {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 50_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** A new empty temporary directory; remove it with {@link removeTempDir}. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lsmkit-cli-'))
}

/** Removes a directory made by {@link tempDir}. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Builds a database in `dir` through the shell: keys 1..300 flushed to a table, then one
 * more put (`late` = `news`) left in the log.
 */
export function buildDatabase(dir: string): void {
  const result = lsmkit(['shell', dir], { input: 'fill 1 300\nflush\nput late news\nquit\n' })
  if (result.status !== 0) throw new Error(`building ${dir} failed: ${result.stderr}`)
}

/** The names in `dir` ending with `suffix`. */
export function filesEnding(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
}

/** Flips every bit of the byte at `offset` of `file` (negative: from the end). */
export function flipByte(file: string, offset: number): void {
  const bytes = readFileSync(file)
  const at = offset < 0 ? bytes.length + offset : offset
  bytes[at] = (bytes[at] ?? 0) ^ 0xff
  writeFileSync(file, bytes)
}
