/**
 * The engine's on-disk layout: the names of the files in a database directory. Everything here
 * is persisted: never change a name or the id width. The formats of the files themselves are
 * in docs/formats/ (log.md, sstable.md, manifest.md).
 *
 * ```text
 * <dir>/
 *   LOCK            held while a process has the database open
 *   manifest        the state: log_number, next_file_number, SST ids per level
 *   000007.wal      the write-ahead log of memtable 7
 *   000007.sst      the L0 table memtable 7 became (same id)
 * ```
 *
 * File ids share one sequence (`next_file_number`); a memtable's id is its log's number and the
 * id of the table it is flushed into.
 *
 * @module
 */

/** On-disk: the lock file's name. */
export const LOCK_FILE = 'LOCK'

/** On-disk: the suffix of write-ahead log files. */
export const LOG_SUFFIX = '.wal'

/** On-disk: the suffix of table files. */
export const TABLE_SUFFIX = '.sst'

/** On-disk: file ids are written as decimal numbers zero-padded to this many digits. */
export const FILE_ID_DIGITS = 6

/** The number of levels, L0 to L6, as in LevelDB. */
export const LEVEL_COUNT = 7

/** The name of the log or table file with `id`. */
export function fileName(id: number, suffix: typeof LOG_SUFFIX | typeof TABLE_SUFFIX): string {
  return `${String(id).padStart(FILE_ID_DIGITS, '0')}${suffix}`
}

/** Parses a file name of the database directory: its id and kind, or `undefined` for others. */
export function parseFileName(name: string): { id: number; kind: 'log' | 'table' } | undefined {
  const match = /^(\d{6,})\.(wal|sst)$/.exec(name)
  if (match === null) return undefined
  const id = Number(match[1])
  if (!Number.isSafeInteger(id)) return undefined
  return { id, kind: match[2] === 'wal' ? 'log' : 'table' }
}
