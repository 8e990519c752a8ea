/**
 * Reads the shape of a database from its files, without opening the engine: the manifest's
 * levels, each table's size and key range, and the logs. It changes nothing and takes no lock,
 * so it works beside a running process.
 *
 * @module
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileName, LOG_SUFFIX, parseFileName, TABLE_SUFFIX } from '@lsmkit/engine'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { readManifest } from '@lsmkit/manifest'
import { compareKeys, TableReader } from '@lsmkit/sstable'
import type { LevelSummary } from './format/levels.js'

/** One table of the tree. */
export interface TableInfo {
  /** Its file id. */
  readonly id: number
  /** Its file name (`000007.sst`). */
  readonly name: string
  /** Its size in bytes. */
  readonly bytes: number
  /** Entries, tombstones included. */
  readonly entries: number
  /** Its first key. */
  readonly smallestKey: Uint8Array
  /** Its last key. */
  readonly largestKey: Uint8Array
}

/** A log file in the directory. */
export interface LogInfo {
  /** Its file name (`000009.wal`). */
  readonly name: string
  /** Its size in bytes. */
  readonly bytes: number
}

/** A database's shape as its files record it. */
export interface TreeInfo {
  /** The manifest's `log_number`: logs from it on hold writes not yet in tables. */
  readonly logNumber: number
  /** The manifest's `next_file_number`. */
  readonly nextFileNumber: number
  /** Every level the manifest lists, L0 first, with its tables in the manifest's order. */
  readonly levels: readonly (readonly TableInfo[])[]
  /** The log files present, oldest first. */
  readonly logs: readonly LogInfo[]
}

/**
 * Reads the tree of the database in `dir`: the manifest, then each table's properties (its
 * footer, index and properties block; data blocks are not read).
 *
 * @throws `LsmError` `LEVEL_DATABASE_NOT_OPEN` when `dir` holds no manifest; `LsmError` `LEVEL_CORRUPTION` for a
 *   damaged manifest or table, `LEVEL_IO_ERROR` for a missing one.
 */
export async function inspectTree(dir: string): Promise<TreeInfo> {
  const state = await readManifest(dir)
  if (state === undefined)
    throw new LsmError(ErrorCode.DATABASE_NOT_OPEN, `no database in ${dir} (no manifest)`)
  const levels: TableInfo[][] = []
  for (const ids of state.levels) {
    const tables: TableInfo[] = []
    for (const id of ids) {
      const name = fileName(id, TABLE_SUFFIX)
      const reader = await TableReader.open(join(dir, name))
      try {
        tables.push({
          id,
          name,
          bytes: reader.fileSize,
          entries: reader.entryCount,
          smallestKey: reader.smallestKey.slice(),
          largestKey: reader.largestKey.slice(),
        })
      } finally {
        await reader.close()
      }
    }
    levels.push(tables)
  }
  const logs = readdirSync(dir)
    .filter((name) => parseFileName(name)?.kind === 'log' && name.endsWith(LOG_SUFFIX))
    .sort()
    .map((name) => ({ name, bytes: statSync(join(dir, name)).size }))
  return { logNumber: state.logNumber, nextFileNumber: state.nextFileNumber, levels, logs }
}

/** Per-level totals of `tree`, in the shape the levels table takes. */
export function summarizeLevels(tree: TreeInfo): LevelSummary[] {
  return tree.levels.map((tables, level) => {
    let smallestKey: Uint8Array | undefined
    let largestKey: Uint8Array | undefined
    for (const t of tables) {
      if (smallestKey === undefined || compareKeys(t.smallestKey, smallestKey) < 0)
        smallestKey = t.smallestKey
      if (largestKey === undefined || compareKeys(t.largestKey, largestKey) > 0) largestKey = t.largestKey
    }
    return {
      level,
      files: tables.length,
      bytes: tables.reduce((sum, t) => sum + t.bytes, 0),
      smallestKey,
      largestKey,
    }
  })
}
