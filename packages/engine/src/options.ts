/**
 * Engine options: what each means, its default, and how it is checked.
 *
 * @module
 */
import { ErrorCode, type FileSystem, LsmError, NodeFileSystem } from '@lsmkit/fs'

/**
 * When a write is acknowledged (its promise resolves), relative to where its bytes are.
 * - `'buffered'`: in the log's 128-byte block buffer in this process. Fastest; a process crash
 *   can lose the last partial block of acknowledged writes.
 * - `'process'` (default): handed to the operating system. A process crash loses nothing
 *   acknowledged; a power cut can lose what was not yet synced. LevelDB's default.
 * - `'fsync'`: fsynced. Nothing acknowledged is lost, even to a power cut. Concurrent writers
 *   share fsyncs (group commit).
 *
 * Any write with `{ sync: true }` is fsynced, with everything before it, whatever the mode.
 */
export type Durability = 'buffered' | 'process' | 'fsync'

/**
 * What recovery does with a damaged log (damage other than a torn tail, which is always
 * dropped and cut off).
 * - `'strict'` (default): open fails with `LEVEL_CORRUPTION` naming the file and offset.
 * - `'point-in-time'`: keep every batch before the first damage; drop the rest of that log and
 *   every later log, so the state is a prefix of the write order.
 * - `'skip'`: drop the damaged chunks, keep every intact batch around them (the state may then
 *   miss writes from the middle of the history).
 */
export type WalRecovery = 'strict' | 'point-in-time' | 'skip'

/** Options of {@link Engine.open}. */
export interface EngineOptions {
  /** The file system. Default: real files ({@link NodeFileSystem}). */
  readonly fs?: FileSystem
  /**
   * Create the directory and an empty database when missing. Default `true`; when `false`, a
   * missing database fails with `LEVEL_DATABASE_NOT_OPEN`.
   */
  readonly createIfMissing?: boolean
  /** Fail with `LEVEL_DATABASE_NOT_OPEN` when the database already exists. Default `false`. */
  readonly errorIfExists?: boolean
  /** When writes are acknowledged; see {@link Durability}. Default `'process'`. */
  readonly durability?: Durability
  /** Log writes ahead of the memtable. Default `true`. Without it, close() flushes memtables. */
  readonly enableWal?: boolean
  /** What recovery does with a damaged log; see {@link WalRecovery}. Default `'strict'`. */
  readonly walRecovery?: WalRecovery
  /**
   * Bytes a memtable may hold before it is frozen and a new one started. Default 16 MiB
   * (LevelDB's is 4 MiB, RocksDB's 64 MiB): fewer, larger L0 tables, so compactions rewrite
   * less per byte written. Up to three memtables (the active one and two waiting for their
   * flush) can be held at once, and a crash leaves up to that much log to replay on open.
   */
  readonly memtableSize?: number
  /** The log's block size. Default 128 bytes, the design's block. */
  readonly logBlockSize?: number
  /** Target size of a table written by compaction. Default 2 MiB. */
  readonly targetFileSize?: number
  /** Table data block size. Default 4 KiB. */
  readonly blockSize?: number
  /**
   * Entries between restart points in table data blocks, LevelDB's `block_restart_interval`.
   * A point lookup binary-searches a block's restart points, then decodes entries forward from
   * one, so a shorter interval means fewer entries decoded per lookup; a longer one, better
   * prefix compression. Default 4, not LevelDB's 16: with the bench's keys it made random gets
   * about 14% faster for tables 3% larger (see docs/guides/performance.md, "Ninth round").
   */
  readonly blockRestartInterval?: number
  /** Bloom filter bits per key. Default 10 (about 1% false positives). */
  readonly bloomBitsPerKey?: number
  /** Bytes of the block cache shared by this database's tables. Default 32 MiB. */
  readonly blockCacheSize?: number
  /**
   * Bytes of table files this database holds in memory, whole, so that reads of their blocks
   * make no system call and check each block's checksum only once. Default 256 MiB; 0 holds
   * none. Node cannot map files as LevelDB does (up to 1,000 tables on 64-bit systems); this
   * is the nearest thing, at the price of memory the operating system cannot reclaim. A table
   * is held from its first read (a get or an iterator, not a compaction) while the budget has
   * room, and a table written while others are held is held at once from the bytes just
   * written. Nothing is evicted: a held table's room comes back when a compaction has replaced
   * it. Tables that do not fit are read from their files, through the block cache. See
   * `TableMemory` in `@lsmkit/sstable`.
   */
  readonly tableMemorySize?: number
  /**
   * Build the tables of memtable flushes on a worker thread (one for the whole process, shared
   * by its databases, started at the first flush of 1 MiB or more), so that a bulk load's table
   * building runs on another core; a memtable's table starts building there as soon as it
   * freezes. Default `true`.
   * Files are written by this thread either way; a flush whose build fails on the worker
   * builds here instead. With `false`, flushes build on this thread between slices of work.
   */
  readonly flushThread?: boolean
  /**
   * Merge compactions on a worker thread of their own (one for the whole process, shared by its
   * databases, started at the first big flush or compaction), so that a random load's merging
   * runs on another core.
   * Default `true`. This thread still reads the input tables and writes the outputs, through
   * the file system; a merge that fails on the worker runs here instead. With `false`,
   * compactions merge on this thread between slices of work.
   */
  readonly compactionThread?: boolean
  /** L0 files that trigger a compaction into L1. Default 4. */
  readonly l0CompactionTrigger?: number
  /**
   * L0 files past which each write group waits 1 ms. Default 20, RocksDB's (LevelDB's is 8,
   * which cost random loads here up to a sixth of their time in pauses; see the tuning guide).
   */
  readonly l0SlowdownTrigger?: number
  /** L0 files at which writes wait for compaction. Default 36, RocksDB's (LevelDB's is 12). */
  readonly l0StopTrigger?: number
  /** Bytes L1 may hold; each deeper level holds 10 times more. Default 10 MiB. */
  readonly l1MaxBytes?: number
}

/** Every option resolved to a value. */
export type ResolvedOptions = { readonly [K in keyof EngineOptions]-?: Exclude<EngineOptions[K], undefined> }

const DEFAULTS = {
  createIfMissing: true,
  errorIfExists: false,
  durability: 'process',
  enableWal: true,
  walRecovery: 'strict',
  memtableSize: 16 * 1024 * 1024,
  logBlockSize: 128,
  targetFileSize: 2 * 1024 * 1024,
  blockSize: 4096,
  blockRestartInterval: 4,
  bloomBitsPerKey: 10,
  blockCacheSize: 32 * 1024 * 1024,
  tableMemorySize: 256 * 1024 * 1024,
  flushThread: true,
  compactionThread: true,
  l0CompactionTrigger: 4,
  l0SlowdownTrigger: 20,
  l0StopTrigger: 36,
  l1MaxBytes: 10 * 1024 * 1024,
} as const

function invalid(message: string): LsmError {
  return new LsmError(ErrorCode.INVALID_OPTION, `engine: ${message}`)
}

function pick<T>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw invalid(`${name} must be one of ${allowed.join(', ')}; got ${String(value)}`)
  return value as T
}

function integer(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}; got ${String(value)}`)
  }
  return value
}

function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(`${name} must be a boolean; got ${String(value)}`)
  return value
}

/**
 * Checks `options` and fills in defaults.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` naming the first bad option.
 */
export function resolveOptions(options: EngineOptions | undefined): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw invalid('options must be an object')
  // An option given as `undefined` is not given, as for iterator options and `fs`.
  const given = Object.entries(options ?? {}).filter(([, value]) => value !== undefined)
  const o = { ...DEFAULTS, ...(Object.fromEntries(given) as EngineOptions) }
  const resolved: ResolvedOptions = {
    fs: options?.fs ?? new NodeFileSystem(),
    createIfMissing: flag('createIfMissing', o.createIfMissing),
    errorIfExists: flag('errorIfExists', o.errorIfExists),
    durability: pick('durability', o.durability, ['buffered', 'process', 'fsync'] as const),
    enableWal: flag('enableWal', o.enableWal),
    walRecovery: pick('walRecovery', o.walRecovery, ['strict', 'point-in-time', 'skip'] as const),
    memtableSize: integer('memtableSize', o.memtableSize, 1024),
    logBlockSize: integer('logBlockSize', o.logBlockSize, 32, 65536),
    targetFileSize: integer('targetFileSize', o.targetFileSize, 1024),
    blockSize: integer('blockSize', o.blockSize, 256, 1 << 20),
    blockRestartInterval: integer('blockRestartInterval', o.blockRestartInterval, 1, 0xffff),
    bloomBitsPerKey: integer('bloomBitsPerKey', o.bloomBitsPerKey, 1, 64),
    blockCacheSize: integer('blockCacheSize', o.blockCacheSize, 0),
    tableMemorySize: integer('tableMemorySize', o.tableMemorySize, 0),
    flushThread: flag('flushThread', o.flushThread),
    compactionThread: flag('compactionThread', o.compactionThread),
    l0CompactionTrigger: integer('l0CompactionTrigger', o.l0CompactionTrigger, 2),
    l0SlowdownTrigger: integer('l0SlowdownTrigger', o.l0SlowdownTrigger, 2),
    l0StopTrigger: integer('l0StopTrigger', o.l0StopTrigger, 2),
    l1MaxBytes: integer('l1MaxBytes', o.l1MaxBytes, 1024),
  }
  if (
    resolved.l0SlowdownTrigger < resolved.l0CompactionTrigger ||
    resolved.l0StopTrigger < resolved.l0SlowdownTrigger
  ) {
    throw invalid('need l0CompactionTrigger <= l0SlowdownTrigger <= l0StopTrigger')
  }
  return resolved
}
