/**
 * LogIterator and readLog: a log's batches as an async iterable of entry arrays.
 *
 * @module
 */
import type { LogEntry } from './batch.js'
import { LogReader, type LogReaderOptions } from './reader.js'

/**
 * The batches of a log as an async iterable of entry arrays, one array per batch, in the order
 * they were written; a delete has `value` `undefined`. The file is opened on the first `next()`
 * and closed when iteration ends, throws, or is left early (`break`, `return()`).
 *
 * After iteration, {@link LogIterator.lastGoodOffset} and {@link LogIterator.droppedBytes} say
 * what a `'tolerate-tail'` or `'skip'` read left out.
 */
export class LogIterator implements AsyncIterableIterator<LogEntry[]>, AsyncDisposable {
  readonly #path: string
  readonly #options: LogReaderOptions
  readonly #batches: AsyncGenerator<LogEntry[], undefined, undefined>
  #reader: LogReader | undefined

  /** Prefer {@link readLog}. */
  constructor(path: string, options: LogReaderOptions = {}) {
    this.#path = path
    this.#options = options
    this.#batches = this.#run()
  }

  /** File offset just past the last intact batch read (see {@link LogReader.lastGoodOffset}). */
  get lastGoodOffset(): number {
    return this.#reader?.lastGoodOffset ?? 0
  }

  /** Bytes dropped as damaged so far. */
  get droppedBytes(): number {
    return this.#reader?.droppedBytes ?? 0
  }

  /**
   * The next batch.
   *
   * @throws {@link @lsmkit/fs!LsmError} as {@link LogReader.open} and {@link LogReader.batches} do.
   */
  next(): Promise<IteratorResult<LogEntry[], undefined>> {
    return this.#batches.next()
  }

  /** Ends iteration early and closes the file. */
  async return(): Promise<IteratorResult<LogEntry[], undefined>> {
    await this.#batches.return(undefined)
    return { done: true, value: undefined }
  }

  /** Closes the file; the same as {@link LogIterator.return}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return()
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  async *#run(): AsyncGenerator<LogEntry[], undefined, undefined> {
    const reader = await LogReader.open(this.#path, this.#options)
    this.#reader = reader
    try {
      for await (const batch of reader.batches()) yield batch.entries
    } finally {
      await reader.close()
    }
    return undefined
  }
}

/**
 * Reads the log at `path`: its batches, in order, as arrays of entries.
 *
 * @example
 * ```ts
 * for await (const batch of readLog('/tmp/journal.wal')) {
 *   for (const { key, value } of batch) value === undefined ? remove(key) : store(key, value)
 * }
 * ```
 *
 * @throws {@link @lsmkit/fs!LsmError} while iterating: `LEVEL_CORRUPTION` for damage the mode does not
 *   tolerate (default `'tolerate-tail'`), `LEVEL_IO_ERROR` when the file cannot be read
 *   (`systemCode` `'ENOENT'` when missing), `LEVEL_INVALID_OPTION` for a bad option.
 */
export function readLog(path: string, options: LogReaderOptions = {}): LogIterator {
  return new LogIterator(path, options)
}
