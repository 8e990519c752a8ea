/**
 * @lsmkit/log: a block-framed, checksummed write-ahead log in the style of LevelDB's.
 *
 * - {@link LogBuilder} frames batches into bytes (pure, no I/O);
 * - {@link LogWriter} appends batches to a file, buffering a block at a time;
 * - {@link LogReader} and {@link readLog} read batches back, with a chosen corruption policy.
 *
 * The format is in `format.ts` and docs/formats/log.md.
 *
 * @packageDocumentation
 */
export {
  batchEncodedSize,
  decodeBatch,
  encodeBatch,
  encodedBatchCount,
  type LogEntry,
  type LogEntryInput,
} from './batch.js'
export { LogBuilder, type LogBuilderOptions } from './builder.js'
export type { CorruptionInfo, CorruptionMode, CorruptionReason } from './corruption.js'
export { crc32c, maskCrc, unmaskCrc } from './crc.js'
export {
  CHUNK_HEADER_SIZE,
  ChunkType,
  DEFAULT_BLOCK_SIZE,
  ENTRY_HEADER_SIZE,
  LOG_FORMAT_VERSION,
  LOG_FORMAT_VERSIONS,
  LOG_HEADER_SIZE,
  LOG_MAGIC,
  MAX_BLOCK_SIZE,
  MAX_KEY_LENGTH,
  MAX_VALUE_LENGTH,
  MIN_BLOCK_SIZE,
} from './format.js'
export { decodeLogHeader, encodeLogHeader, type LogHeader } from './header.js'
export { LogIterator, readLog } from './iterator.js'
export type { LogBatch } from './log-batch.js'
export { LogReader, type LogReaderOptions } from './reader.js'
export { LogWriter, type LogWriterOptions } from './writer.js'
