/**
 * @lsmkit/engine: a LevelDB-style LSM key-value store with write-ahead logging, leveled
 * compaction and crash recovery. Start with {@link Engine.open}.
 *
 * @packageDocumentation
 */
export { type BatchOperation, Engine, type WriteOptions } from './engine.js'
export {
  FILE_ID_DIGITS,
  fileName,
  LEVEL_COUNT,
  LOCK_FILE,
  LOG_SUFFIX,
  parseFileName,
  TABLE_SUFFIX,
} from './format.js'
export type { Bytes } from './input.js'
export type { RecoveryReport } from './internal/core.js'
export { EngineIterator, type Entry, type IteratorOptions } from './iterator.js'
export type { Durability, EngineOptions, WalRecovery } from './options.js'
export { EngineSnapshot } from './snapshot.js'
export type { EngineStats, LevelStats, MemtableStats, WriteStalls } from './stats.js'
