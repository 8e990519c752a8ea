/**
 * LogReader: reads a log's blocks, verifies every chunk and reassembles records into batches,
 * applying the chosen {@link CorruptionMode} to whatever is damaged.
 *
 * @module
 */
import { ErrorCode, type FileHandle, type FileSystem, LsmError, NodeFileSystem } from '@lsmkit/fs'
import { encodedBatchCount } from './batch.js'
import {
  type CorruptionInfo,
  type CorruptionMode,
  type CorruptionReason,
  checkMode,
  corruptionError,
} from './corruption.js'
import { ChunkType, DEFAULT_BLOCK_SIZE } from './format.js'
import { checkBlockSize, readLogStart } from './header.js'
import { hasIntactChunkAfter, readChunk } from './internal/chunk.js'
import { RecordJoiner } from './internal/record-joiner.js'
import { type LogBatch, ReadBatch } from './log-batch.js'

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

// The reader reads this many bytes at a time (rounded down to whole blocks): few calls for
// recovery's long sequential scans, little memory.
const WINDOW_BYTES = 256 * 1024

/**
 * Reads a log from start to end. A reader is single-use: call {@link LogReader.batches} or
 * {@link LogReader.forEachBatch} once.
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
  readonly #pending = new RecordJoiner()
  // Where the scan stands: the file offset of the current block, and the position in it.
  #blockStart = 0
  #pos = 0
  #readAt = 0
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
      const start = await readLogStart(handle, path, mode, options.onCorruption)
      reader.#blockSize = start.blockSize ?? reader.#blockSize
      reader.#start = start.start
      reader.#lastGood = start.lastGood
      reader.#dropped = start.dropped
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
    this.#begin()
    for (let bytes = await this.#nextWindow(); bytes !== undefined; bytes = await this.#nextWindow()) {
      for (const batch of this.#scan(bytes)) yield batch
    }
    this.#end()
  }

  /**
   * Calls `visit` with each batch of the log, in order, as {@link LogReader.batches} yields
   * them, and resolves after the last. It waits once per read of the file (256 KiB) rather than
   * once per batch, which is what a replay of many small batches spends most on otherwise, and
   * reads the next 256 KiB while it visits the batches of the last. Damage in a batch not yet
   * visited is thrown after every batch before it was visited.
   *
   * @throws as {@link LogReader.batches} does, and whatever `visit` throws.
   */
  async forEachBatch(visit: (batch: LogBatch) => void): Promise<void> {
    this.#begin()
    let next = this.#nextWindow()
    for (let bytes = await next; bytes !== undefined; bytes = await next) {
      next = this.#nextWindow()
      // If the scan throws, the read ahead is never awaited: its failure must not go unhandled.
      next.catch(() => undefined)
      for (const batch of this.#scan(bytes)) visit(batch)
    }
    this.#end()
  }

  #begin(): void {
    if (this.#closed || this.#used)
      throw new LsmError(ErrorCode.CLOSED, `log: reader of ${this.path} is used up`)
    this.#used = true
    this.#blockStart = this.#start - (this.#start % this.#blockSize)
    this.#pos = this.#start - this.#blockStart
    this.#readAt = this.#blockStart
  }

  // The next whole blocks of the file, or undefined at its end. Reads run ahead of the scan
  // (#readAt ≥ #blockStart), in order.
  async #nextWindow(): Promise<Uint8Array | undefined> {
    const at = this.#readAt
    if (at >= this.#size) return undefined
    const bs = this.#blockSize
    const window = bs * Math.max(1, Math.floor(WINDOW_BYTES / bs))
    const length = Math.min(window, this.#size - at)
    this.#readAt = at + length
    const bytes = await this.#handle.read(at, length)
    return bytes.length === 0 ? undefined : bytes
  }

  // The batches completed in `bytes`, the blocks read at #blockStart; moves #blockStart past them.
  *#scan(bytes: Uint8Array): Generator<LogBatch, void, undefined> {
    const bs = this.#blockSize
    for (let at = 0; at < bytes.length; at += bs, this.#blockStart += bs, this.#pos = 0) {
      const block = bytes.subarray(at, Math.min(at + bs, bytes.length))
      for (;;) {
        const pos = this.#pos
        const chunk = readChunk(block, pos, bs)
        if (chunk.kind === 'end') break
        if (chunk.kind === 'damage') {
          this.#damage(this.#blockStart + pos, block.length - pos, chunk.reason)
          if (this.#tail !== undefined && hasIntactChunkAfter(block, pos, bs)) this.#intactAfterTail()
          break
        }
        const offset = this.#blockStart + pos
        const batch = this.#chunk(chunk.type, chunk.payload, offset, offset + chunk.size)
        this.#pos = pos + chunk.size
        if (batch !== undefined) yield batch
      }
    }
  }

  #end(): void {
    if (this.#pending.pending) this.#dropPending()
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

  // Feeds one intact chunk to record assembly; returns the batch a record completes.
  #chunk(type: ChunkType, payload: Uint8Array, offset: number, end: number): LogBatch | undefined {
    if (this.#tail !== undefined) this.#intactAfterTail()
    const pending = this.#pending
    if (type === ChunkType.FULL || type === ChunkType.FIRST) {
      if (pending.pending) this.#dropPending()
      if (this.#tail !== undefined) this.#intactAfterTail()
      // A whole record is a view of the bytes just read, which nothing writes again.
      if (type === ChunkType.FULL) return this.#record(offset, end, payload)
      pending.start(offset, payload)
      return undefined
    }
    if (!pending.pending) {
      this.#damage(offset, end - offset, 'orphan-fragment')
      return undefined
    }
    pending.add(payload)
    if (type === ChunkType.MIDDLE) return undefined
    const start = pending.offset
    return this.#record(start, end, pending.finish())
  }

  #record(offset: number, end: number, payload: Uint8Array): LogBatch | undefined {
    const count = encodedBatchCount(payload)
    if (count === undefined) {
      this.#damage(offset, end - offset, 'bad-batch')
      return undefined
    }
    this.#lastGood = end
    return new ReadBatch(offset, end, payload, count)
  }

  #dropPending(): void {
    const { offset, framedBytes } = this.#pending
    this.#pending.clear()
    this.#damage(offset, framedBytes, 'incomplete-record')
  }

  // Applies the mode to damage found at `offset`. In 'tolerate-tail' mode damage is held as a
  // possible tail until the end of the file proves it one, or intact data proves otherwise.
  #damage(offset: number, bytes: number, reason: CorruptionReason): void {
    if (this.mode === 'strict') throw corruptionError(this.path, offset, reason)
    if (this.mode === 'skip') {
      if (this.#pending.pending && reason !== 'incomplete-record') this.#dropPending()
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
      this.#tail = pending.pending
        ? { offset: pending.offset, reason: 'incomplete-record' }
        : { offset, reason }
      pending.clear()
      this.#dropped = this.#size - this.#tail.offset
    }
  }

  #intactAfterTail(): never {
    const tail = this.#tail!
    throw corruptionError(this.path, tail.offset, tail.reason)
  }
}
