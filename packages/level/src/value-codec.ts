/**
 * How the adapter stores values: the engine reserves value length 0 to mark a delete, while
 * abstract-level databases must store empty values. Every value is therefore stored behind one
 * prefix byte, so the empty value becomes one byte long:
 *
 * ```text
 * stored value = +------+------------------------+
 *                | 0x01 | the caller's value ... |   1 + n bytes, n = 0 to 65,534
 *                +------+------------------------+
 * ''      -> 01
 * 'abc'   -> 01 61 62 63
 * ```
 *
 * Cost: one byte per stored value, one copy per write (the engine copies once more, as it does
 * for every write) and none per read (the prefix is cut off with a `subarray` of the engine's
 * fresh copy). Values may be at most 65,534 bytes, one less than the engine's limit.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'

/**
 * The prefix byte of every stored value: version 1 of the value format. On disk: never
 * renumber it. A future format takes a new value and keeps this one readable.
 */
export const VALUE_FORMAT_V1 = 0x01

/** The largest value the adapter accepts: the engine's 65,535 bytes less the prefix byte. */
export const MAX_LEVEL_VALUE_LENGTH = 65_534

/**
 * The stored form of `value`: {@link VALUE_FORMAT_V1} followed by its bytes (a new array).
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_VALUE` for a value longer than
 *   {@link MAX_LEVEL_VALUE_LENGTH}.
 */
export function encodeValue(value: Uint8Array): Uint8Array {
  if (value.length > MAX_LEVEL_VALUE_LENGTH) {
    throw new LsmError(
      ErrorCode.INVALID_VALUE,
      `level: a value is ${value.length} bytes; the limit is ${MAX_LEVEL_VALUE_LENGTH}`,
    )
  }
  const stored = new Uint8Array(value.length + 1)
  stored[0] = VALUE_FORMAT_V1
  stored.set(value, 1)
  return stored
}

/**
 * The caller's value inside `stored`: a view of `stored` past the prefix, no copy.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when `stored` does not start with
 *   {@link VALUE_FORMAT_V1}: a database written through the engine directly, not the adapter.
 */
export function decodeValue(stored: Uint8Array): Uint8Array {
  if (stored[0] !== VALUE_FORMAT_V1) {
    throw new LsmError(
      ErrorCode.CORRUPTION,
      `level: a stored value starts with ${String(stored[0])}, not the value format byte ${VALUE_FORMAT_V1}; was the database written by Engine directly?`,
    )
  }
  return stored.subarray(1)
}
