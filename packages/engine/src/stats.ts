/**
 * What `db.stats()` reports.
 *
 * @module
 */
import type { BlockCacheStats, TableMemoryStats } from '@lsmkit/sstable'
import { LOG_SUFFIX } from './format.js'
import type { Core, RecoveryReport } from './internal/core.js'
import { keyRange, levelBytes } from './internal/table-file.js'

/** One level of the tree. */
export interface LevelStats {
  /** 0 for L0. */
  readonly level: number
  /** Table files in the level. */
  readonly files: number
  /** Their bytes. */
  readonly bytes: number
  /** The smallest key in the level, if any. */
  readonly smallestKey: Uint8Array | undefined
  /** The largest key in the level, if any. */
  readonly largestKey: Uint8Array | undefined
}

/** One memtable. */
export interface MemtableStats {
  /** Its id: its log's number and the id of the table it becomes. */
  readonly id: number
  /** Approximate bytes held. */
  readonly bytes: number
  /** Versions held (puts and deletes). */
  readonly entries: number
  /** False for the active memtable, true for one waiting to be flushed. */
  readonly frozen: boolean
}

/**
 * Milliseconds that writes waited for room before going into the log and memtable, by cause,
 * summed over write groups (writes queued behind a waiting group wait with it and are not
 * counted again). Where these grow, the background work is not keeping up with the writes;
 * the tuning guide says which options move which.
 */
export interface WriteStalls {
  /** The 1 ms pause each group takes while L0 holds `l0SlowdownTrigger` tables or more. */
  readonly slowdown: number
  /** Waits for a flush, with the active memtable full and two more waiting to be flushed. */
  readonly memtables: number
  /** Waits for a compaction, with L0 at `l0StopTrigger` tables. */
  readonly l0: number
  /** Waits for the fsync of a full memtable's log, made before writes go to a new log. */
  readonly logSync: number
}

/** A snapshot of the engine's shape and work, from `db.stats()`. */
export interface EngineStats {
  /** Every level, L0 first. */
  readonly levels: readonly LevelStats[]
  /** The active memtable first, then frozen ones newest first. */
  readonly memtables: readonly MemtableStats[]
  /** Names of the log files the engine may still need. */
  readonly logFiles: readonly string[]
  /** Bytes written: by callers (keys and values), to logs, and to tables by flushes and compactions. */
  readonly bytesWritten: {
    readonly user: number
    readonly log: number
    readonly flush: number
    readonly compaction: number
  }
  /** (log + flush + compaction bytes) ÷ user bytes; 0 before any write. */
  readonly writeAmplification: number
  /** Flushes and compactions done since open. */
  readonly flushes: number
  readonly compactions: number
  /**
   * Of those, the ones whose tables were built on a worker thread (see the `flushThread` and
   * `compactionThread` options); the others were built on this thread.
   */
  readonly flushesOnThread: number
  readonly compactionsOnThread: number
  /** Time writes spent waiting for room since open; see {@link WriteStalls}. */
  readonly stalls: WriteStalls
  /** What opening the database found and did. */
  readonly recovery: RecoveryReport
  /** The shared block cache. */
  readonly blockCache: BlockCacheStats
  /** Table files held whole in memory; see the `tableMemorySize` option. */
  readonly tableMemory: TableMemoryStats
}

/** Gathers {@link EngineStats} from the engine's state. */
export function collectStats(core: Core): EngineStats {
  const c = core.counters
  const written = c.logBytes + c.flushBytes + c.compactionBytes
  return {
    levels: core.levels.map((tables, level) => {
      const range = tables.length > 0 ? keyRange(tables) : undefined
      return {
        level,
        files: tables.length,
        bytes: levelBytes(tables),
        smallestKey: range?.[0].slice(),
        largestKey: range?.[1].slice(),
      }
    }),
    memtables: [core.mem, ...core.imms].map((m, i) => ({
      id: m.id,
      bytes: m.approximateBytes,
      entries: m.entryCount,
      frozen: i > 0,
    })),
    logFiles: [...core.logIds]
      .sort((a, b) => a - b)
      .map((id) => core.path(id, LOG_SUFFIX).split('/').at(-1)!),
    bytesWritten: { user: c.userBytes, log: c.logBytes, flush: c.flushBytes, compaction: c.compactionBytes },
    writeAmplification: c.userBytes === 0 ? 0 : written / c.userBytes,
    flushes: c.flushes,
    compactions: c.compactions,
    flushesOnThread: c.flushesOnThread,
    compactionsOnThread: c.compactionsOnThread,
    stalls: { ...c.stalls },
    recovery: core.recovery,
    blockCache: core.cache.stats,
    tableMemory: core.tableMemory.stats,
  }
}
