/**
 * The `lsmkit` command: its subcommands and flags (parsed by commander), and {@link main},
 * which runs one command line and turns any failure into one line on stderr and an exit status.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { dumpLogCommand } from './commands/dump-log.js'
import { dumpManifestCommand } from './commands/dump-manifest.js'
import { dumpSstCommand } from './commands/dump-sst.js'
import { delCommand, getCommand, putCommand, type ScanFlags, scanCommand } from './commands/kv.js'
import { type StatsFlags, statsCommand } from './commands/stats.js'
import { verifyCommand } from './commands/verify.js'
import { runDemo } from './demo.js'
import { EXIT_USAGE, reportError } from './errors.js'
import { type EngineFlags, engineOptions } from './open.js'
import { runShell } from './shell.js'

/**
 * The package's version, shown by `lsmkit --version`: read from its package.json (two levels
 * above the built dist/src/program.js), so a release bump needs no code change.
 */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version

/**
 * Builds the `lsmkit` program. Each action stores its exit status through `setStatus` rather
 * than exiting, so that {@link main} decides how the process ends. Parse errors throw a
 * `CommanderError` (the program uses `exitOverride`).
 */
export function createProgram(
  setStatus: (status: number) => void = (s) => {
    process.exitCode = s
  },
): Command {
  const program = new Command('lsmkit')
  program
    .description('lsmkit: the command line of a LevelDB-style storage engine')
    .version(VERSION)
    .option('--debug', 'print the stack trace of an error')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`lsmkit: ${text.replace(/^error: /, '')}`) })
    .showSuggestionAfterError()

  const act =
    <A extends unknown[]>(run: (...args: A) => Promise<number>) =>
    async (...args: A) =>
      setStatus(await run(...args))

  program
    .command('shell')
    .description('an interactive shell on the database (created if missing); type help inside')
    .argument('[dir]', 'the database directory', 'lsmkit-data')
    .option('--no-wal', 'keep writes in memory until a flush (no write-ahead log)')
    .option('--durability <mode>', 'when writes are acknowledged: buffered, process or fsync')
    .option('--memtable-size <bytes>', 'bytes a memtable holds before it is flushed')
    .action(act((dir: string, flags: EngineFlags) => runShell(dir, { engine: engineOptions(flags) })))

  program
    .command('put')
    .description('store a value (creates the database if missing)')
    .argument('<dir>')
    .argument('<key>')
    .argument('<value>')
    .action(act(putCommand))

  program
    .command('get')
    .description('print a value; a missing key prints nothing and exits 1')
    .argument('<dir>')
    .argument('<key>')
    .action(act((dir: string, key: string) => getCommand(dir, key)))

  program
    .command('del')
    .description('delete a key')
    .argument('<dir>')
    .argument('<key>')
    .action(act(delCommand))

  program
    .command('scan')
    .description('print entries in key order, one key<TAB>value line each')
    .argument('<dir>')
    .option('--gt <key>', 'only keys after this one')
    .option('--gte <key>', 'only keys from this one on')
    .option('--lt <key>', 'only keys before this one')
    .option('--lte <key>', 'only keys up to this one')
    .option('--reverse', 'largest key first')
    .option('--limit <n>', 'at most n entries')
    .option('--json', 'print one JSON array of { key, value }')
    .action(act((dir: string, flags: ScanFlags) => scanCommand(dir, flags)))

  program
    .command('dump-log')
    .description('print every batch of a log file with its offset, and any damage')
    .argument('<file>')
    .action(act((file: string) => dumpLogCommand(file)))

  program
    .command('dump-manifest')
    .description("print a database's manifest")
    .argument('<dir>')
    .action(act((dir: string) => dumpManifestCommand(dir)))

  program
    .command('dump-sst')
    .description("print a table's properties and every entry")
    .argument('<file>')
    .action(act((file: string) => dumpSstCommand(file)))

  program
    .command('verify')
    .description('check every checksum of every file without opening the database; exit 1 on damage')
    .argument('<dir>')
    .action(act((dir: string) => verifyCommand(dir)))

  program
    .command('stats')
    .description('the levels table: files, bytes and key ranges per level')
    .argument('<dir>')
    .option('--json', 'print JSON, with every table')
    .option('--svg <file>', "write a picture of the tree's shape")
    .action(act((dir: string, flags: StatsFlags) => statsCommand(dir, flags)))

  program
    .command('demo')
    .description(
      'kill a writer mid-stream in ./lsmkit-demo, recover, and check nothing acknowledged was lost',
    )
    .action(act(() => runDemo()))

  return program
}

/**
 * Runs the command line `argv` (as `process.argv`: node, script, arguments) and resolves to
 * the exit status: 0, 1 for a failure (printed as one `lsmkit: ...` line on stderr, with the
 * stack under `--debug`), 2 for a usage error.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let status = 0
  const program = createProgram((s) => {
    status = s
  })
  try {
    await program.parseAsync([...argv])
    return status
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end parsing through the same path, successfully.
      return err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
        ? 0
        : EXIT_USAGE
    }
    const debug = program.opts<{ debug?: boolean }>().debug === true || argv.includes('--debug')
    return reportError(err, debug)
  }
}
