/**
 * The one way this package reports damaged bytes.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'

/** Where a piece of a table lives, so that an error can name it. */
export interface Location {
  /** The table's path. */
  readonly file: string
  /** Offset of the block (or footer) in the file. */
  readonly offset: number
  /** What lives there, for the message: `'data block'`, `'footer'`… */
  readonly what: string
}

/** A `LEVEL_CORRUPTION` error naming the file, the block and its offset. */
export function corruption(at: Location, reason: string): LsmError {
  return new LsmError(
    ErrorCode.CORRUPTION,
    `sstable: ${reason} in ${at.what} of ${at.file} at offset ${at.offset}`,
    { file: at.file, offset: at.offset },
  )
}
