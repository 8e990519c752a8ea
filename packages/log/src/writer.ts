/**
 * LogWriter: a {@link LogBuilder} bound to a file. Bytes wait in memory until their block is
 * complete; {@link LogWriter.flush} hands the partial block to the operating system and
 * {@link LogWriter.sync} makes everything durable.
 *
 * @module
 */
import { dirname } from 'node:path'
import { ErrorCode, type FileHandle, type FileSystem, isLsmError, LsmError, NodeFileSystem } from '@lsmkit/fs'
import { batchEncodedSize, type LogEntryInput } from './batch.js'
import { checkEncoded, LogBuilder } from './builder.js'
import { DEFAULT_BLOCK_SIZE } from './format.js'
import { checkBlockSize } from './header.js'
import { LogReader } from './reader.js'

/** Options of {@link LogWriter.create} and {@link LogWriter.openForAppend}. */
export interface LogWriterOptions {
  /**
   * Block size in bytes, 32 to 65,536. Default 128, the design's block. When appending to an
   * existing log, the file's own block size is used, and a different value here is an error.
   */
  readonly blockSize?: number
  /** The file system. Default: the real one ({@link NodeFileSystem}). */
  readonly fs?: FileSystem
}

/**
 * Appends batches to a log file.
 *
 * Durability, from weakest to strongest:
 * - after {@link LogWriter.add} returns, the batch's complete blocks are in the operating
 *   system; its last partial block is still in this process's memory;
 * - after {@link LogWriter.flush}, every byte is in the operating system: a crash of this
 *   process loses nothing, a power cut may;
 * - after {@link LogWriter.sync} resolves, every batch added before the call survives a power
 *   cut.
 *
 * A writer is for one caller at a time: `add` and `flush` are synchronous, and `sync` may run
 * while more batches are added (they are covered by the next sync). After any I/O error the
 * writer is failed: every later call throws that `LEVEL_IO_ERROR`, because bytes already handed
 * to the operating system may be lost or half-written and only reopening can tell.
 *
 * @example
 * ```ts
 * const writer = await LogWriter.create('/tmp/journal.wal')
 * writer.add([{ key: utf8('user:1'), value: utf8('ada') }])
 * writer.add([{ key: utf8('user:1') }]) // a delete
 * await writer.sync()
 * await writer.close()
 * ```
 */
export class LogWriter {
  /** The file being written. */
  readonly path: string
  /** How many bytes a torn tail had when the log was reopened (0 for a new log). */
  readonly droppedTailBytes: number
  #fs: FileSystem
  #handle: FileHandle
  #builder: LogBuilder
  #dirSynced = false
  #failure: LsmError | undefined
  #closed = false

  private constructor(
    path: string,
    fs: FileSystem,
    handle: FileHandle,
    builder: LogBuilder,
    dropped: number,
  ) {
    this.path = path
    this.#fs = fs
    this.#handle = handle
    this.#builder = builder
    this.droppedTailBytes = dropped
  }

  /**
   * Creates a new log at `path` and writes its header to the operating system.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_IO_ERROR` (`systemCode` `'EEXIST'`) when the file exists:
   *   a log is never overwritten; `LEVEL_IO_ERROR` for other I/O failures;
   *   `LEVEL_INVALID_OPTION` for a bad block size.
   */
  static async create(path: string, options: LogWriterOptions = {}): Promise<LogWriter> {
    const builder = new LogBuilder({ blockSize: checkBlockSize(options.blockSize ?? DEFAULT_BLOCK_SIZE) })
    const fs = options.fs ?? new NodeFileSystem()
    const handle = await fs.open(path, 'create')
    const writer = new LogWriter(path, fs, handle, builder, 0)
    try {
      writer.flush()
    } catch (err) {
      await handle.close()
      throw err
    }
    return writer
  }

  /**
   * Opens the log at `path` to append to it, creating it when missing. The log is read first:
   * a torn tail (a crash in mid-write) is cut off so that new batches follow the last intact
   * one; {@link LogWriter.droppedTailBytes} says how much was cut.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when the log is damaged other than at its
   *   tail: nothing is truncated then; `LEVEL_INVALID_OPTION` when `blockSize` differs from the
   *   file's; `LEVEL_NOT_SUPPORTED` for a newer format; `LEVEL_IO_ERROR` for I/O failures.
   */
  static async openForAppend(path: string, options: LogWriterOptions = {}): Promise<LogWriter> {
    const fs = options.fs ?? new NodeFileSystem()
    if (options.blockSize !== undefined) checkBlockSize(options.blockSize)
    if (!(await fs.exists(path))) return LogWriter.create(path, options)
    const reader = await LogReader.open(path, { fs, mode: 'tolerate-tail' })
    try {
      for await (const _ of reader.batches());
    } finally {
      await reader.close()
    }
    const headerIntact = reader.lastGoodOffset > 0
    if (headerIntact && options.blockSize !== undefined && options.blockSize !== reader.blockSize) {
      throw new LsmError(
        ErrorCode.INVALID_OPTION,
        `log: ${path} has block size ${reader.blockSize}, not the ${options.blockSize} asked for`,
      )
    }
    const resumeAt = reader.droppedBytes > 0 ? reader.lastGoodOffset : reader.size
    const blockSize = headerIntact ? reader.blockSize : (options.blockSize ?? DEFAULT_BLOCK_SIZE)
    const handle = await fs.open(path, 'append')
    try {
      if (resumeAt < handle.size()) await handle.truncate(resumeAt)
      const builder = new LogBuilder({ blockSize, offset: resumeAt })
      const writer = new LogWriter(path, fs, handle, builder, reader.droppedBytes)
      writer.flush()
      return writer
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /** The block size the log is laid out in. */
  get blockSize(): number {
    return this.#builder.blockSize
  }

  /** The log's size in bytes, counting bytes still buffered in memory. */
  get size(): number {
    return this.#builder.offset
  }

  /** Bytes buffered in memory, not yet handed to the operating system. */
  get bufferedBytes(): number {
    return this.#builder.estimatedSize
  }

  /**
   * Appends one batch, atomically: a reader returns it whole or not at all. Blocks it
   * completes are handed to the operating system at once; the rest waits for the next block,
   * {@link LogWriter.flush} or {@link LogWriter.sync}.
   *
   * With `{ flush: true }` the whole batch, partial block included, is handed over in the same
   * single write: the same as `add` then {@link LogWriter.flush}, at half the system calls.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_KEY`, `LEVEL_INVALID_VALUE` or
   *   `LEVEL_INVALID_OPTION` for a bad batch, and then nothing is written; `LEVEL_IO_ERROR` when
   *   the write fails (the writer is then failed); `LEVEL_CLOSED` after close.
   */
  add(entries: readonly LogEntryInput[], options?: { readonly flush?: boolean }): void {
    this.addAll([entries], options)
  }

  /**
   * Appends several batches, each atomic on its own, handing their bytes to the operating
   * system in one write: what a group commit needs. Every batch is checked before any is
   * framed, so a bad one leaves the log as it was.
   *
   * @throws {@link @lsmkit/fs!LsmError} as {@link LogWriter.add} does.
   */
  addAll(batches: readonly (readonly LogEntryInput[])[], options?: { readonly flush?: boolean }): void {
    this.#checkUsable()
    if (!Array.isArray(batches)) {
      throw new LsmError(ErrorCode.INVALID_OPTION, 'log: addAll() takes an array of batches')
    }
    for (const entries of batches) batchEncodedSize(entries)
    for (const entries of batches) this.#builder.add(entries)
    this.#builder.drainTo(this.#write, options?.flush !== true)
  }

  /**
   * Appends batches that are already encoded (see {@link LogBuilder.addEncoded}), each atomic
   * on its own, in one write as {@link LogWriter.addAll} does. Every payload is checked before
   * any is framed, so a bad one leaves the log as it was.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` when `payloads` is not an array of
   *   well-formed encoded batches; otherwise as {@link LogWriter.add} does.
   */
  addEncodedAll(payloads: readonly Uint8Array[], options?: { readonly flush?: boolean }): void {
    this.#checkUsable()
    if (!Array.isArray(payloads)) {
      throw new LsmError(ErrorCode.INVALID_OPTION, 'log: addEncodedAll() takes an array of encoded batches')
    }
    for (const payload of payloads) checkEncoded(payload)
    for (const payload of payloads) this.#builder.addEncoded(payload)
    this.#builder.drainTo(this.#write, options?.flush !== true)
  }

  /**
   * Hands every buffered byte to the operating system. Synchronous; does not fsync.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_IO_ERROR` when the write fails; `LEVEL_CLOSED` after close.
   */
  flush(): void {
    this.#checkUsable()
    this.#builder.drainTo(this.#write)
  }

  /**
   * Flushes and fsyncs: every batch added before the call is durable when the promise
   * resolves. The first sync of a writer also syncs the log's directory, so that the file's
   * name survives a power cut too. The only method that fsyncs.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_IO_ERROR` when the write or the fsync fails;
   *   `LEVEL_CLOSED` after close.
   */
  async sync(): Promise<void> {
    this.flush()
    try {
      await this.#handle.sync()
      if (!this.#dirSynced) {
        await this.#fs.syncDir(dirname(this.path))
        this.#dirSynced = true
      }
    } catch (err) {
      throw this.#fail(err)
    }
  }

  /**
   * Flushes and releases the file. Does not fsync: call {@link LogWriter.sync} first when the
   * tail must survive a power cut. Closing twice is harmless.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_IO_ERROR` when the final flush fails (the file is released
   *   all the same).
   */
  async close(): Promise<void> {
    if (this.#closed) return
    let failure: unknown
    if (this.#failure === undefined) {
      try {
        this.flush()
      } catch (err) {
        failure = err
      }
    }
    this.#closed = true
    await this.#handle.close()
    if (failure !== undefined) throw failure
  }

  #checkUsable(): void {
    if (this.#closed) throw new LsmError(ErrorCode.CLOSED, `log: writer of ${this.path} is closed`)
    if (this.#failure !== undefined) throw this.#failure
  }

  // An arrow function, so it can be handed to LogBuilder.drainTo as it is.
  readonly #write = (buffer: Uint8Array, end: number): void => {
    try {
      this.#handle.append(buffer, 0, end)
    } catch (err) {
      throw this.#fail(err)
    }
  }

  #fail(err: unknown): LsmError {
    this.#failure ??= isLsmError(err)
      ? err
      : new LsmError(ErrorCode.IO_ERROR, `log: write to ${this.path} failed`, { cause: err, file: this.path })
    return this.#failure
  }
}
