/**
 * LogBuilder: frames batches into block-aligned log bytes. Pure and synchronous: it does no
 * I/O, so the same framing serves the writer, tests and tools that build logs in memory.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { batchEncodedSize, encodeBatchInto, encodedBatchCount, type LogEntryInput } from './batch.js'
import { crc32c, crc32cRange, maskCrc } from './crc.js'
import {
  CHUNK_HEADER_SIZE,
  ChunkType,
  DEFAULT_BLOCK_SIZE,
  LOG_FORMAT_VERSION,
  LOG_HEADER_SIZE,
} from './format.js'
import { checkBlockSize, encodeLogHeader } from './header.js'

/** Options of {@link LogBuilder}. */
export interface LogBuilderOptions {
  /** Block size in bytes, 32 to 65,536. Default 128, the design's block. */
  readonly blockSize?: number
  /**
   * The file offset at which the builder's first byte will land. 0 (the default) starts a new
   * file, so the header is emitted first; a larger value continues an existing log whose
   * header is already written and must be at least the header's size.
   */
  readonly offset?: number
}

// Payloads this long or longer are copied in line with their source's words (see #frame). A
// micro-benchmark of framing payloads out of shared memory: 4 KiB, 1.43-1.54 against 1.77-1.79 ns
// a byte; 600 bytes and less, no difference, the extra move eating what the copy saves.
const ALIGNED_COPY_MIN = 1024

// The CRC of each type byte alone, so a chunk's checksum continues from it over the payload.
const TYPE_CRC = [0, 1, 2, 3, 4].map((t) => crc32c(Uint8Array.of(t)))

/**
 * Frames batches into log bytes: a header for a new file, then each batch as one record cut
 * into chunks that never cross a block boundary.
 *
 * @example
 * ```ts
 * const builder = new LogBuilder({ blockSize: 128 })
 * builder.add([{ key: utf8('a'), value: utf8('1') }, { key: utf8('b') }])
 * const bytes = builder.finish() // a complete log holding one batch
 * ```
 */
export class LogBuilder {
  /** The block size the bytes are laid out in. */
  readonly blockSize: number
  #buffer: Uint8Array
  #length = 0
  // File offset of #buffer[0].
  #base: number
  #finished = false
  #scratch = new Uint8Array(256)

  /** @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` for a bad block size or offset. */
  constructor(options: LogBuilderOptions = {}) {
    this.blockSize = checkBlockSize(options.blockSize ?? DEFAULT_BLOCK_SIZE)
    const offset = options.offset ?? 0
    if (!Number.isSafeInteger(offset) || offset < 0 || (offset > 0 && offset < LOG_HEADER_SIZE)) {
      throw new LsmError(ErrorCode.INVALID_OPTION, `log: offset must be 0 or at least ${LOG_HEADER_SIZE}`)
    }
    this.#base = offset
    this.#buffer = new Uint8Array(Math.max(this.blockSize * 2, 256))
    if (offset === 0) this.#append(encodeLogHeader(this.blockSize, LOG_FORMAT_VERSION))
  }

  /** The file offset just past the last byte produced. */
  get offset(): number {
    return this.#base + this.#length
  }

  /** Bytes produced and not yet taken. */
  get estimatedSize(): number {
    return this.#length
  }

  /**
   * Appends one batch that is already encoded (the layout of {@link encodeBatch}: entries of
   * `key_len u16 | value_len u16 | key | value`, value_len 0 for a delete) as one record: the
   * same bytes {@link LogBuilder.add} would frame for those entries, without encoding them
   * again. For callers that keep their writes encoded, as the engine does.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` when `payload` is not a Uint8Array
   *   holding whole entries and nothing else, and then nothing is framed; `LEVEL_CLOSED` after
   *   {@link LogBuilder.finish}.
   */
  addEncoded(payload: Uint8Array): void {
    this.#checkOpen()
    checkEncoded(payload)
    this.#frame(payload)
  }

  /**
   * Appends one batch as one record. The batch is checked whole before anything is framed, so
   * a bad entry leaves the builder as it was.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_KEY`, `LEVEL_INVALID_VALUE` or `LEVEL_INVALID_OPTION`
   *   for a bad batch (see {@link LogEntryInput}); `LEVEL_CLOSED` after {@link LogBuilder.finish}.
   */
  add(entries: readonly LogEntryInput[]): void {
    this.#checkOpen()
    const size = batchEncodedSize(entries)
    if (this.#scratch.length < size) this.#scratch = new Uint8Array(Math.max(size, this.#scratch.length * 2))
    encodeBatchInto(entries, this.#scratch, 0)
    this.#frame(this.#scratch.subarray(0, size))
  }

  /**
   * Takes the bytes of every block completed so far, leaving the partial last block pending.
   * The result is empty when no block has completed.
   */
  takeFullBlocks(): Uint8Array {
    const end = this.offset - (this.offset % this.blockSize)
    return this.#take(Math.max(0, end - this.#base))
  }

  /** Takes every pending byte, the partial last block included. */
  takeAll(): Uint8Array {
    return this.#take(this.#length)
  }

  /**
   * Hands the pending bytes (only those of completed blocks, with `completeBlocksOnly`) to
   * `sink` as `buffer[0, end)`, where `buffer` is the builder's own memory (longer than the
   * pending bytes: only the range is theirs), then drops them. The buffer is valid only during
   * the call: `sink` must consume or copy the range (a synchronous write does). If `sink`
   * throws, the bytes stay pending. This spares the copy {@link LogBuilder.takeAll} makes, and
   * the view a subarray would (see `FileHandle.append`, which takes a range).
   */
  drainTo(sink: (buffer: Uint8Array, end: number) => void, completeBlocksOnly = false): void {
    const end = this.offset - (this.offset % this.blockSize)
    const count = completeBlocksOnly ? Math.max(0, end - this.#base) : this.#length
    if (count === 0) return
    sink(this.#buffer, count)
    // A flushed writer takes everything, and then there is nothing to move: copyWithin is a
    // call into the runtime even for no bytes.
    if (count < this.#length) this.#buffer.copyWithin(0, count, this.#length)
    this.#length -= count
    this.#base += count
  }

  /**
   * Takes every pending byte and ends the builder.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CLOSED` when already finished.
   */
  finish(): Uint8Array {
    this.#checkOpen()
    this.#finished = true
    return this.takeAll()
  }

  #checkOpen(): void {
    if (this.#finished) throw new LsmError(ErrorCode.CLOSED, 'log: the builder is finished')
  }

  // Cuts one record into chunks, LevelDB-style: a block with room for less than a chunk header
  // is zero-filled, and a block with exactly a header's room gets a chunk with no payload.
  //
  // The payload is copied in once, whole, just after the first header (a long one up to seven
  // bytes later, see below); then each later fragment moves up within the buffer to its place
  // (the last first, so that none lands on bytes not yet moved), opening a gap for its header;
  // the CRCs are taken over ranges of the buffer. A view per fragment, for its CRC and its copy,
  // cost more than the framing itself (docs/guides/performance.md, "Seventeenth round").
  #frame(payload: Uint8Array): void {
    const blockSize = this.blockSize
    const length = payload.length
    const step = blockSize - CHUNK_HEADER_SIZE
    let room = blockSize - (this.offset % blockSize)
    const padding = room < CHUNK_HEADER_SIZE ? room : 0
    if (padding > 0) room = blockSize
    const first = Math.min(length, room - CHUNK_HEADER_SIZE)
    const chunks = 1 + Math.ceil((length - first) / step)
    // Up to seven bytes more: a shifted copy (below) may end past the framed record.
    this.#ensure(padding + length + (chunks + 1) * CHUNK_HEADER_SIZE)
    const b = this.#buffer
    let at = this.#length
    // Fewer than seven bytes: a loop, where fill() would be a call into the runtime.
    for (let end = at + padding; at < end; at++) b[at] = 0
    const start = at + CHUNK_HEADER_SIZE
    // V8 copies out of shared memory (the engine's batches live in a SharedArrayBuffer) a byte
    // at a time unless source and target lie alike within an 8-byte word: 85 µs for 120 KB,
    // against 11 µs word by word. So a large payload lands where it lines up with its source,
    // up to seven bytes late; the later fragments move up to their places as always, and then
    // the first moves down to its own.
    const shift = length >= ALIGNED_COPY_MIN ? (payload.byteOffset - b.byteOffset - start) & 7 : 0
    const copied = start + shift
    b.set(payload, copied)
    for (let j = chunks - 1; j > 0; j--) {
      const from = copied + first + (j - 1) * step
      const end = Math.min(from + step, copied + length)
      b.copyWithin(start + first + (j - 1) * step + j * CHUNK_HEADER_SIZE, from, end)
    }
    if (shift > 0) b.copyWithin(start, copied, copied + first)
    let pos = 0
    for (let j = 0; j < chunks; j++) {
      const fragment = j === 0 ? first : Math.min(step, length - pos)
      const last = j === chunks - 1
      const type =
        j === 0 ? (last ? ChunkType.FULL : ChunkType.FIRST) : last ? ChunkType.LAST : ChunkType.MIDDLE
      const data = at + CHUNK_HEADER_SIZE
      const crc = maskCrc(crc32cRange(b, data, data + fragment, TYPE_CRC[type]!))
      b[at] = crc & 0xff
      b[at + 1] = (crc >>> 8) & 0xff
      b[at + 2] = (crc >>> 16) & 0xff
      b[at + 3] = crc >>> 24
      b[at + 4] = fragment & 0xff
      b[at + 5] = fragment >>> 8
      b[at + 6] = type
      at = data + fragment
      pos += fragment
    }
    this.#length = at
  }

  #append(bytes: Uint8Array): void {
    this.#ensure(bytes.length)
    this.#buffer.set(bytes, this.#length)
    this.#length += bytes.length
  }

  #ensure(extra: number): void {
    if (this.#length + extra <= this.#buffer.length) return
    const grown = new Uint8Array(Math.max(this.#length + extra, this.#buffer.length * 2))
    grown.set(this.#buffer.subarray(0, this.#length))
    this.#buffer = grown
  }

  #take(count: number): Uint8Array {
    const taken = this.#buffer.slice(0, count)
    this.#buffer.copyWithin(0, count, this.#length)
    this.#length -= count
    this.#base += count
    return taken
  }
}

/**
 * Throws unless `payload` is a well-formed encoded batch.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION`.
 */
export function checkEncoded(payload: unknown): void {
  if (!(payload instanceof Uint8Array) || encodedBatchCount(payload) === undefined) {
    throw new LsmError(
      ErrorCode.INVALID_OPTION,
      'log: an encoded batch must be a Uint8Array of whole entries (key_len, value_len, key, value)',
    )
  }
}
