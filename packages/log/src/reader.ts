/**
 * LogReader: reads a log's blocks, verifies every chunk and reassembles records into batches,
 * applying the chosen {@link CorruptionMode} to whatever is damaged.
 *
 * @module
 */
import { ErrorCode, type FileHandle, type FileSystem, LsmError, NodeFileSystem } from '@lsmkit/fs'
import { decodeBatch, type LogEntry } from './batch.js'
import {
  type CorruptionInfo,
  type CorruptionMode,
  type CorruptionReason,
  checkMode,
  corruptionError,
} from './corruption.js'
import { CHUNK_HEADER_SIZE, ChunkType, DEFAULT_BLOCK_SIZE, LOG_HEADER_SIZE } from './format.js'
import { checkBlockSize, decodeLogHeader } from './header.js'
import { hasIntactChunkAfter, readChunk } from './internal/chunk.js'

/** Options of {@link LogReader.open} and {@link readLog}. */
export interface LogReaderOptions {
  /** The file system. Default: the real one ({@link NodeFileSystem}). */
  readonly fs?: FileSystem
  /** What to do with damage. Default `'tolerate-tail'`; see {@link CorruptionMode}. */
  readonly mode?: CorruptionMode
  /**
   * Called for every stretch of dropped bytes: in `'skip'` mode for each, in `'tolerate-tail'`
   * mode once for a dropped tail. Never called in `'strict'` mode, which throws instead.
   */
  readonly onCorruption?: (info: CorruptionInfo) => void
  /**
   * Only used in `'skip'` mode when the file header itself is damaged: the block size to assume.
   * Default 128. Otherwise the header's block size is used and this option is ignored.
   */
  readonly blockSize?: number
}

/** A batch read from a log, with where its record lies in the file. */
export interface LogBatch {
  /** File offset of the record's first chunk. */
  readonly offset: number
  /** File offset just past the record's last chunk. */
  readonly end: number
  /** The batch's entries, in the order they were added. Views into a buffer of this batch. */
  readonly entries: LogEntry[]
}

// The reader reads this many bytes at a time (rounded down to whole blocks): few calls for
// recovery's long sequential scans, little memory.
const WINDOW_BYTES = 256 * 1024

interface PendingRecord {
  offset: number
  parts: Uint8Array[]
  length: number
}

/**
 * Reads a log from start to end. A reader is single-use: call {@link LogReader.batches} once.
 *
 * @example
 * ```ts
 * const reader = await LogReader.open('/db/000007.wal', { mode: 'skip', onCorruption: console.warn })
 * try {
 *   for await (const { offset, entries } of reader.batches()) console.log(offset, entries.length)
 * } finally {
 *   await reader.close()
 * }
 * ```
 */
export class LogReader {
  /** The file being read. */
  readonly path: string
  /** What is done with damage. */
  readonly mode: CorruptionMode
  #handle: FileHandle
  #size: number
  #blockSize: number
  #start: number
  #onCorruption: ((info: CorruptionInfo) => void) | undefined
  #lastGood: number
  #dropped = 0
  #tail: { offset: number; reason: CorruptionReason } | undefined
  #pending: PendingRecord | undefined
  #used = false
  #closed = false

  private constructor(path: string, handle: FileHandle, mode: CorruptionMode, options: LogReaderOptions) {
    this.path = path
    this.mode = mode
    this.#handle = handle
    this.#size = handle.size()
    this.#onCorruption = options.onCorruption
    this.#blockSize = options.blockSize === undefined ? DEFAULT_BLOCK_SIZE : checkBlockSize(options.blockSize)
    this.#start = this.#size
    this.#lastGood = 0
  }

  /**
   * Opens `path` and reads its header.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_IO_ERROR` when the file cannot be opened (`systemCode`
   *   `'ENOENT'` when it does not exist); `LEVEL_CORRUPTION` for a damaged header that the mode
   *   does not tolerate; `LEVEL_NOT_SUPPORTED` for a log written by a newer format version;
   *   `LEVEL_INVALID_OPTION` for a bad option.
   */
  static async open(path: string, options: LogReaderOptions = {}): Promise<LogReader> {
    const mode = checkMode(options.mode ?? 'tolerate-tail')
    const fs = options.fs ?? new NodeFileSystem()
    const handle = await fs.open(path, 'read')
    try {
      const reader = new LogReader(path, handle, mode, options)
      await reader.#readHeader()
      return reader
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /** The block size the file is laid out in. */
  get blockSize(): number {
    return this.#blockSize
  }

  /** The file's size when it was opened. */
  get size(): number {
    return this.#size
  }

  /**
   * File offset just past the last intact record read so far (just past the header before
   * any, 0 when the header itself is missing). After a `'tolerate-tail'` read that dropped a
   * tail, a writer may truncate the file here and append.
   */
  get lastGoodOffset(): number {
    return this.#lastGood
  }

  /** How many bytes were dropped as damaged so far. */
  get droppedBytes(): number {
    return this.#dropped
  }

  /**
   * The batches of the log, in order.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` (with `file` and `offset`) for damage the mode
   *   does not tolerate, `LEVEL_IO_ERROR` when a read fails, `LEVEL_CLOSED` when the reader is
   *   closed or was already read.
   */
  async *batches(): AsyncGenerator<LogBatch, void, undefined> {
    if (this.#closed || this.#used)
      throw new LsmError(ErrorCode.CLOSED, `log: reader of ${this.path} is used up`)
    this.#used = true
    const bs = this.#blockSize
    const window = bs * Math.max(1, Math.floor(WINDOW_BYTES / bs))
    let blockStart = this.#start - (this.#start % bs)
    let pos = this.#start - blockStart
    while (blockStart < this.#size) {
      const bytes = await this.#handle.read(blockStart, Math.min(window, this.#size - blockStart))
      if (bytes.length === 0) break
      for (let at = 0; at < bytes.length; at += bs, blockStart += bs, pos = 0) {
        const block = bytes.subarray(at, Math.min(at + bs, bytes.length))
        for (;;) {
          const chunk = readChunk(block, pos, bs)
          if (chunk.kind === 'end') break
          if (chunk.kind === 'damage') {
            this.#damage(blockStart + pos, block.length - pos, chunk.reason)
            if (this.#tail !== undefined && hasIntactChunkAfter(block, pos, bs)) this.#intactAfterTail()
            break
          }
          const batch = this.#chunk(
            chunk.type,
            chunk.payload,
            blockStart + pos,
            blockStart + pos + chunk.size,
          )
          if (batch !== undefined) yield batch
          pos += chunk.size
        }
      }
    }
    if (this.#pending !== undefined) this.#dropPending()
    if (this.#tail !== undefined) {
      this.#onCorruption?.({
        file: this.path,
        offset: this.#tail.offset,
        bytes: this.#size - this.#tail.offset,
        reason: this.#tail.reason,
        tail: true,
      })
    }
  }

  /** Releases the file. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#handle.close()
  }

  async #readHeader(): Promise<void> {
    if (this.#size === 0) return
    const bytes = await this.#handle.read(0, LOG_HEADER_SIZE)
    const header = bytes.length === LOG_HEADER_SIZE ? decodeLogHeader(bytes) : 'short'
    if (header === 'version') {
      const message = `log: ${this.path} was written by an unknown format version`
      throw new LsmError(ErrorCode.NOT_SUPPORTED, message, { file: this.path, offset: 0 })
    }
    if (typeof header === 'object') {
      this.#blockSize = header.blockSize
      this.#start = this.#lastGood = LOG_HEADER_SIZE
      return
    }
    // A damaged header has no intact chunk to vouch for anything after it, so only a file that
    // ends within the header counts as a torn tail.
    if (this.mode === 'strict' || (this.mode === 'tolerate-tail' && this.#size > LOG_HEADER_SIZE)) {
      throw corruptionError(this.path, 0, 'bad-header')
    }
    const dropped = Math.min(this.#size, LOG_HEADER_SIZE)
    this.#dropped += dropped
    this.#onCorruption?.({
      file: this.path,
      offset: 0,
      bytes: dropped,
      reason: 'bad-header',
      tail: this.mode !== 'skip',
    })
    this.#start = this.mode === 'skip' ? LOG_HEADER_SIZE : this.#size
  }

  // Feeds one intact chunk to record assembly; returns the batch a record completes.
  #chunk(type: ChunkType, payload: Uint8Array, offset: number, end: number): LogBatch | undefined {
    if (this.#tail !== undefined) this.#intactAfterTail()
    if (type === ChunkType.FULL || type === ChunkType.FIRST) {
      if (this.#pending !== undefined) this.#dropPending()
      if (this.#tail !== undefined) this.#intactAfterTail()
      if (type === ChunkType.FULL) return this.#record(offset, end, payload.slice())
      this.#pending = { offset, parts: [payload], length: payload.length }
      return undefined
    }
    if (this.#pending === undefined) {
      this.#damage(offset, end - offset, 'orphan-fragment')
      return undefined
    }
    this.#pending.parts.push(payload)
    this.#pending.length += payload.length
    if (type === ChunkType.MIDDLE) return undefined
    const { offset: start, parts, length } = this.#pending
    this.#pending = undefined
    const joined = new Uint8Array(length)
    let at = 0
    for (const part of parts) {
      joined.set(part, at)
      at += part.length
    }
    return this.#record(start, end, joined)
  }

  #record(offset: number, end: number, payload: Uint8Array): LogBatch | undefined {
    const entries = decodeBatch(payload)
    if (entries === undefined) {
      this.#damage(offset, end - offset, 'bad-batch')
      return undefined
    }
    this.#lastGood = end
    return { offset, end, entries }
  }

  #dropPending(): void {
    const pending = this.#pending!
    this.#pending = undefined
    const framed = pending.parts.length * CHUNK_HEADER_SIZE + pending.length
    this.#damage(pending.offset, framed, 'incomplete-record')
  }

  // Applies the mode to damage found at `offset`. In 'tolerate-tail' mode damage is held as a
  // possible tail until the end of the file proves it one, or intact data proves otherwise.
  #damage(offset: number, bytes: number, reason: CorruptionReason): void {
    if (this.mode === 'strict') throw corruptionError(this.path, offset, reason)
    if (this.mode === 'skip') {
      if (this.#pending !== undefined && reason !== 'incomplete-record') this.#dropPending()
      this.#dropped += bytes
      this.#onCorruption?.({ file: this.path, offset, bytes, reason, tail: false })
      return
    }
    // A good checksum on bad content is no torn write: it is never a tail.
    if (reason === 'unknown-type' || reason === 'bad-batch' || reason === 'orphan-fragment') {
      throw corruptionError(this.path, this.#tail?.offset ?? offset, this.#tail?.reason ?? reason)
    }
    if (this.#tail === undefined) {
      const pending = this.#pending
      this.#tail =
        pending === undefined ? { offset, reason } : { offset: pending.offset, reason: 'incomplete-record' }
      this.#pending = undefined
      this.#dropped = this.#size - this.#tail.offset
    }
  }

  #intactAfterTail(): never {
    const tail = this.#tail!
    throw corruptionError(this.path, tail.offset, tail.reason)
  }
}
