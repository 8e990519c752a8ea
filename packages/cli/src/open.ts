/**
 * Opening the database for a command: the engine options the flags ask for.
 *
 * @module
 */
import { type Durability, Engine, type EngineOptions } from '@lsmkit/engine'
import { parseCount, UsageError } from './errors.js'

/** The engine flags of `lsmkit shell` (commander's names for `--no-wal`, `--durability`, `--memtable-size`). */
export interface EngineFlags {
  /** False with `--no-wal`. */
  readonly wal?: boolean
  /** `buffered`, `process` or `fsync`. */
  readonly durability?: string
  /** Bytes, as typed. */
  readonly memtableSize?: string
}

const DURABILITIES: readonly string[] = ['buffered', 'process', 'fsync']

/**
 * The engine options `flags` ask for.
 *
 * @throws {@link UsageError} for a durability or size that is not one.
 */
export function engineOptions(flags: EngineFlags): EngineOptions {
  const options: { -readonly [K in keyof EngineOptions]: EngineOptions[K] } = {}
  if (flags.wal === false) options.enableWal = false
  if (flags.durability !== undefined) {
    if (!DURABILITIES.includes(flags.durability)) {
      throw new UsageError(
        `--durability must be one of ${DURABILITIES.join(', ')}; got '${flags.durability}'`,
      )
    }
    options.durability = flags.durability as Durability
  }
  if (flags.memtableSize !== undefined)
    options.memtableSize = parseCount(flags.memtableSize, '--memtable-size')
  return options
}

/**
 * Opens the database in `dir`. With `create` false a missing database is an error
 * (`LEVEL_DATABASE_NOT_OPEN`) instead of being created: reading commands never leave an empty
 * database behind a typo.
 */
export function openDatabase(dir: string, create: boolean, options: EngineOptions = {}): Promise<Engine> {
  return Engine.open(dir, { ...options, createIfMissing: create })
}
