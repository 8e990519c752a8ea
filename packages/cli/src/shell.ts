/**
 * `lsmkit shell [dir]`: an interactive shell over an open database. On a terminal it shows a
 * `lsmkit> ` prompt, with line editing and history from node:readline (history is kept in
 * `~/.lsmkit_history`, or the file `LSMKIT_HISTORY` names). Otherwise it reads commands line
 * by line from stdin and prints their results, so scripts and tests can drive it.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { EngineOptions } from '@lsmkit/engine'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { describeError, EXIT_FAILURE } from './errors.js'
import { type Io, processIo } from './io.js'
import { openDatabase } from './open.js'
import { SHELL_COMMANDS, type ShellContext, shellHelp } from './shell-commands.js'

/** Options of {@link runShell}. */
export interface ShellOptions {
  /** Engine options (from `--no-wal`, `--durability`, `--memtable-size`). */
  readonly engine?: EngineOptions
  /** Where commands come from. Default `process.stdin`. */
  readonly input?: NodeJS.ReadableStream & { isTTY?: boolean }
  /** Where results and errors go. Default the process's streams. */
  readonly io?: Io
}

const HISTORY_SIZE = 1000

function historyFile(): string {
  return process.env.LSMKIT_HISTORY ?? join(homedir(), '.lsmkit_history')
}

function loadHistory(): string[] {
  try {
    // The file is oldest first; readline wants newest first.
    return readFileSync(historyFile(), 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE)
  } catch {
    return []
  }
}

function saveHistory(history: readonly string[]): void {
  try {
    writeFileSync(historyFile(), `${[...history].reverse().join('\n')}\n`)
  } catch {
    // History is a convenience: a read-only home directory must not break the shell.
  }
}

/** Splits a command line into words on whitespace. */
export function splitWords(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean)
}

/**
 * Opens the database in `dir` (creating it if missing) and runs the shell until `close`,
 * `quit` or end of input, then closes the database. Resolves to the exit status: 0, or 1 when
 * a command failed while reading from a non-terminal (so a failing script is noticed).
 *
 * @throws `LsmError` when the database cannot be opened (`LEVEL_LOCKED`...).
 */
export async function runShell(dir: string, options: ShellOptions = {}): Promise<number> {
  const io = options.io ?? processIo()
  const input = options.input ?? process.stdin
  const tty = input.isTTY === true && io.stdout.isTTY === true
  const db = await openDatabase(dir, true, options.engine)
  const ctx: ShellContext = { db, out: io.stdout, tty, fills: 0 }
  const rl = createInterface({
    input,
    ...(tty ? { output: io.stdout, history: loadHistory(), historySize: HISTORY_SIZE } : {}),
    terminal: tty,
    prompt: 'lsmkit> ',
  })
  if (tty) {
    rl.on('history', saveHistory)
    io.stdout.write(`lsmkit shell on ${dir}; type help for the commands\n`)
    rl.prompt()
  }
  let failed = false
  try {
    for await (const line of rl) {
      const [name, ...args] = splitWords(line)
      if (name === 'quit' || name === 'close' || name === 'exit') break
      if (name === 'help') io.stdout.write(`${shellHelp()}\n`)
      else if (name !== undefined) {
        const command = SHELL_COMMANDS[name]
        try {
          if (command === undefined)
            throw new LsmError(ErrorCode.INVALID_OPTION, `unknown command '${name}' (type help)`)
          await command.run(ctx, args)
        } catch (err) {
          failed = true
          io.stderr.write(`error: ${describeError(err)}\n`)
        }
      }
      if (tty) rl.prompt()
    }
  } finally {
    rl.close()
    await db.close()
  }
  return failed && !tty ? EXIT_FAILURE : 0
}
