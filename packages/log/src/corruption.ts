/**
 * How a log reader treats damage, and what it reports about it.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'

/**
 * What a reader does with damaged bytes.
 * - `'tolerate-tail'` (default): damage with no intact chunk after it (a torn or truncated
 *   tail, as a crash leaves) ends the log without an error, and {@link LogReader.lastGoodOffset}
 *   says where a writer may truncate. Damage with intact data after it throws
 *   `LEVEL_CORRUPTION`: intact later batches are never dropped silently.
 * - `'strict'`: any damage, the tail included, throws `LEVEL_CORRUPTION`.
 * - `'skip'`: damaged chunks are dropped and reported through `onCorruption`; reading goes on
 *   at the next block. A fragment of one record is never joined with a fragment of another.
 */
export type CorruptionMode = 'tolerate-tail' | 'strict' | 'skip'

/**
 * Why bytes were dropped.
 * - `'bad-header'`: the file header is short, or fails its magic number or checksum.
 * - `'truncated'`: the file ends inside a chunk.
 * - `'bad-length'`: a chunk's length runs past the end of its block.
 * - `'checksum'`: a chunk's CRC does not match its type and payload.
 * - `'unknown-type'`: a chunk with a good CRC has a type this code does not know.
 * - `'bad-padding'`: the zero fill at the end of a block is not zero.
 * - `'orphan-fragment'`: a MIDDLE or LAST chunk with no FIRST before it.
 * - `'incomplete-record'`: a FIRST (and MIDDLEs) whose record never ends.
 * - `'bad-batch'`: a whole, checksummed record does not parse as entries.
 */
export type CorruptionReason =
  | 'bad-header'
  | 'truncated'
  | 'bad-length'
  | 'checksum'
  | 'unknown-type'
  | 'bad-padding'
  | 'orphan-fragment'
  | 'incomplete-record'
  | 'bad-batch'

/** One stretch of dropped bytes, as given to `onCorruption`. */
export interface CorruptionInfo {
  /** The log file. */
  readonly file: string
  /** File offset of the first dropped byte. */
  readonly offset: number
  /** How many bytes were dropped from `offset` on. */
  readonly bytes: number
  /** Why. */
  readonly reason: CorruptionReason
  /** True when this is the torn tail that `'tolerate-tail'` drops without an error. */
  readonly tail: boolean
}

const DESCRIPTION: Record<CorruptionReason, string> = {
  'bad-header': 'bad file header',
  truncated: 'truncated chunk',
  'bad-length': 'chunk length past the end of its block',
  checksum: 'checksum mismatch',
  'unknown-type': 'unknown chunk type',
  'bad-padding': 'non-zero block padding',
  'orphan-fragment': 'fragment without a first chunk',
  'incomplete-record': 'record that never ends',
  'bad-batch': 'record that does not parse as a batch',
}

/** The `LEVEL_CORRUPTION` error for damage at `offset` of `file`. */
export function corruptionError(file: string, offset: number, reason: CorruptionReason): LsmError {
  return new LsmError(ErrorCode.CORRUPTION, `log: ${DESCRIPTION[reason]} in ${file} at offset ${offset}`, {
    file,
    offset,
  })
}

/**
 * Checks a corruption mode given as an option.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` for anything but the three modes.
 */
export function checkMode(mode: unknown): CorruptionMode {
  if (mode === 'tolerate-tail' || mode === 'strict' || mode === 'skip') return mode
  throw new LsmError(
    ErrorCode.INVALID_OPTION,
    `log: mode must be 'tolerate-tail', 'strict' or 'skip', got ${String(mode)}`,
  )
}
