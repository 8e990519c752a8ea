/**
 * A batch as a {@link LogReader} hands it out: where its record lies, its bytes, and its
 * entries, decoded only when someone asks for them. Recovery applies the bytes as they are
 * (the engine's memtable takes the log's encoding directly); for it, the entry objects were
 * most of a replay's garbage.
 *
 * @module
 */
import { decodeBatch, type LogEntry } from './batch.js'

/** A batch read from a log, with where its record lies in the file. */
export interface LogBatch {
  /** File offset of the record's first chunk. */
  readonly offset: number
  /** File offset just past the record's last chunk. */
  readonly end: number
  /**
   * The batch's entries, in the order they were added: views into {@link LogBatch.payload},
   * decoded on first access.
   */
  readonly entries: LogEntry[]
  /**
   * The record's bytes: the batch in its encoding (`key_len u16 | value_len u16 | key | value`
   * per entry, value_len 0 for a delete; see docs/formats/log.md), checked to be well-formed.
   * It lies in memory the reader may share between batches and never writes again.
   */
  readonly payload: Uint8Array
  /** The number of entries. */
  readonly count: number
}

/** The reader's {@link LogBatch}. Not exported from the package. */
export class ReadBatch implements LogBatch {
  readonly offset: number
  readonly end: number
  readonly payload: Uint8Array
  readonly count: number
  #entries: LogEntry[] | undefined

  /** REQUIRES: `payload` is a well-formed batch of `count` entries (the reader checked it). */
  constructor(offset: number, end: number, payload: Uint8Array, count: number) {
    this.offset = offset
    this.end = end
    this.payload = payload
    this.count = count
  }

  get entries(): LogEntry[] {
    // decodeBatch accepts whatever encodedBatchCount accepted, so the fallback is never taken.
    this.#entries ??= decodeBatch(this.payload) ?? []
    return this.#entries
  }
}
