/**
 * The log file header: the 16 bytes at offset 0 that make a log self-describing.
 *
 * @module
 */
import { ErrorCode, type FileHandle, LsmError } from '@lsmkit/fs'
import { type CorruptionInfo, type CorruptionMode, corruptionError } from './corruption.js'
import { crc32c, maskCrc } from './crc.js'
import { LOG_FORMAT_VERSIONS, LOG_HEADER_SIZE, LOG_MAGIC, MAX_BLOCK_SIZE, MIN_BLOCK_SIZE } from './format.js'

/** What a log's file header records. */
export interface LogHeader {
  /** The format version the file was written with. */
  readonly version: number
  /** The block size the file is laid out in. */
  readonly blockSize: number
}

/** Encodes a file header for `blockSize` in the current format version. */
export function encodeLogHeader(blockSize: number, version: number): Uint8Array {
  const out = new Uint8Array(LOG_HEADER_SIZE)
  const view = new DataView(out.buffer)
  view.setUint32(0, LOG_MAGIC, true)
  out[4] = version
  view.setUint32(8, blockSize, true)
  view.setUint32(12, maskCrc(crc32c(out.subarray(0, 12))), true)
  return out
}

/**
 * Decodes a file header, or says why it is not one: `'magic'`, `'checksum'`, `'version'`
 * (a version this code does not know) or `'block-size'` (out of range).
 */
export function decodeLogHeader(
  bytes: Uint8Array,
): LogHeader | 'magic' | 'checksum' | 'version' | 'block-size' {
  const view = new DataView(bytes.buffer, bytes.byteOffset, LOG_HEADER_SIZE)
  if (view.getUint32(0, true) !== LOG_MAGIC) return 'magic'
  if (view.getUint32(12, true) !== maskCrc(crc32c(bytes.subarray(0, 12)))) return 'checksum'
  const version = bytes[4]!
  if (!LOG_FORMAT_VERSIONS.some((v) => v.version === version)) return 'version'
  if (bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) return 'version'
  const blockSize = view.getUint32(8, true)
  if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) return 'block-size'
  return { version, blockSize }
}

/**
 * Checks a block size given as an option.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` unless it is an integer from
 *   {@link MIN_BLOCK_SIZE} to {@link MAX_BLOCK_SIZE}.
 */
export function checkBlockSize(blockSize: unknown): number {
  if (
    typeof blockSize !== 'number' ||
    !Number.isInteger(blockSize) ||
    blockSize < MIN_BLOCK_SIZE ||
    blockSize > MAX_BLOCK_SIZE
  ) {
    throw new LsmError(
      ErrorCode.INVALID_OPTION,
      `log: blockSize must be an integer from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}, got ${String(blockSize)}`,
    )
  }
  return blockSize
}

/** Where a reader of a log starts, by what the log's header says. */
export interface LogStart {
  /** The header's block size; `undefined` when the header is damaged. */
  readonly blockSize: number | undefined
  /** Where chunks start: past the header, or at the end when nothing can be read. */
  readonly start: number
  /** The reader's first last-good offset: past a good header, else 0. */
  readonly lastGood: number
  /** The bytes of a damaged header dropped. */
  readonly dropped: number
}

/**
 * Reads and judges the header of the log `path`, open on `handle`, as `mode` says to treat a
 * damaged one. A damaged header has no intact chunk to vouch for anything after it, so only a
 * file that ends within the header is a torn tail; `'skip'` mode reads on past it.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_NOT_SUPPORTED` for an unknown format version;
 *   `LEVEL_CORRUPTION` for a damaged header that `mode` does not tolerate.
 */
export async function readLogStart(
  handle: FileHandle,
  path: string,
  mode: CorruptionMode,
  onCorruption: ((info: CorruptionInfo) => void) | undefined,
): Promise<LogStart> {
  const size = handle.size()
  if (size === 0) return { blockSize: undefined, start: 0, lastGood: 0, dropped: 0 }
  const bytes = await handle.read(0, LOG_HEADER_SIZE)
  const header = bytes.length === LOG_HEADER_SIZE ? decodeLogHeader(bytes) : 'short'
  if (header === 'version') {
    const message = `log: ${path} was written by an unknown format version`
    throw new LsmError(ErrorCode.NOT_SUPPORTED, message, { file: path, offset: 0 })
  }
  if (typeof header === 'object') {
    return { blockSize: header.blockSize, start: LOG_HEADER_SIZE, lastGood: LOG_HEADER_SIZE, dropped: 0 }
  }
  if (mode === 'strict' || (mode === 'tolerate-tail' && size > LOG_HEADER_SIZE)) {
    throw corruptionError(path, 0, 'bad-header')
  }
  const dropped = Math.min(size, LOG_HEADER_SIZE)
  onCorruption?.({ file: path, offset: 0, bytes: dropped, reason: 'bad-header', tail: mode !== 'skip' })
  return { blockSize: undefined, start: mode === 'skip' ? LOG_HEADER_SIZE : size, lastGood: 0, dropped }
}
