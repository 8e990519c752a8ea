/**
 * Sorted string tables for lsmkit, in the manner of LevelDB's: a pure {@link TableBuilder}, a
 * durable {@link writeTable}, a {@link TableReader} with a bloom filter, point lookups and
 * bidirectional cursors, a {@link BlockCache} shared by readers, a {@link TableMemory} that
 * holds whole tables so that reads skip the file, and a {@link TableMerger} that merges sorted
 * runs of tables into new ones (a compaction's work). The format is documented in
 * docs/formats/sstable.md.
 *
 * @module
 */

/** The block cache shared by readers. */
export type { BlockCacheOptions, BlockCacheStats } from './block-cache.js'
export { BlockCache, DEFAULT_BLOCK_CACHE_CAPACITY } from './block-cache.js'
/** Building a table in memory. */
export type { TableBuilderOptions, TableMeta } from './builder.js'
export { TableBuilder } from './builder.js'
/** Bytewise key order, the order of every table, and keys as strings in that order. */
export { compareKeys, keyText, keyTextOf } from './compare.js'
/** Cursors over a table, and the entries they yield. */
export type { TableCursorOptions, TableEntry, TableRangeOptions } from './cursor.js'
export { TableCursor } from './cursor.js'
/** Limits and the format version written; the rest of the format stays internal. */
export { MAX_KEY_LENGTH, MAX_VALUE_LENGTH, TABLE_FORMAT_VERSION } from './format.js'
/** Reading a table. */
export type { TableHandleOptions, TableReaderOptions } from './reader.js'
export { TableReader } from './reader.js'
/** Whole tables held in memory, so that reads skip the file. */
export type { TableMemoryOptions, TableMemoryStats } from './table-memory.js'
export { DEFAULT_TABLE_MEMORY_CAPACITY, TableMemory } from './table-memory.js'
/** Merging sorted runs of tables into new tables: a compaction's work, without its I/O. */
export type { TableMergeOptions } from './table-merger.js'
export { TableMerger } from './table-merger.js'
/** Writing a finished table durably, and opening it on the same handle. */
export type { CreateTableOptions, WriteTableOptions } from './writer.js'
export { createTable, writeTable } from './writer.js'
