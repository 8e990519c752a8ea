/**
 * Checking and converting what callers pass as keys and values.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { MAX_KEY_LENGTH, MAX_VALUE_LENGTH } from '@lsmkit/log'

/** A key or value as callers may give it: bytes, or a string stored as its UTF-8 encoding. */
export type Bytes = Uint8Array | string

const encoder = new TextEncoder()

/**
 * The bytes of a key.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_KEY` for anything but a string or Uint8Array, or a
 *   key longer than 65,535 bytes.
 */
export function toKey(key: unknown): Uint8Array {
  const bytes = typeof key === 'string' ? encoder.encode(key) : key
  if (!(bytes instanceof Uint8Array)) {
    throw new LsmError(
      ErrorCode.INVALID_KEY,
      `engine: a key must be a string or a Uint8Array, not ${describe(key)}`,
    )
  }
  if (bytes.length > MAX_KEY_LENGTH) {
    throw new LsmError(
      ErrorCode.INVALID_KEY,
      `engine: a key is ${bytes.length} bytes; the limit is ${MAX_KEY_LENGTH}`,
    )
  }
  return bytes
}

/**
 * The bytes of a value.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_VALUE` for anything but a string or Uint8Array, an
 *   empty value (length 0 marks a delete in the log) or one longer than 65,535 bytes.
 */
export function toValue(value: unknown): Uint8Array {
  const bytes = typeof value === 'string' ? encoder.encode(value) : value
  if (!(bytes instanceof Uint8Array)) {
    throw new LsmError(
      ErrorCode.INVALID_VALUE,
      `engine: a value must be a string or a Uint8Array, not ${describe(value)}`,
    )
  }
  if (bytes.length === 0) {
    throw new LsmError(
      ErrorCode.INVALID_VALUE,
      'engine: a value may not be empty (length 0 marks a delete); use delete()',
    )
  }
  if (bytes.length > MAX_VALUE_LENGTH) {
    throw new LsmError(
      ErrorCode.INVALID_VALUE,
      `engine: a value is ${bytes.length} bytes; the limit is ${MAX_VALUE_LENGTH}`,
    )
  }
  return bytes
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value
}
