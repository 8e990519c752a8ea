/**
 * Entries and batches: the logical content of a log record.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { ENTRY_HEADER_SIZE, MAX_KEY_LENGTH, MAX_VALUE_LENGTH } from './format.js'

/**
 * One operation of a batch, as given to {@link LogWriter.add} or {@link LogBuilder.add}: a put
 * when `value` is present, a delete when it is absent or `undefined`.
 */
export interface LogEntryInput {
  /** The key: 0 to 65,535 bytes. Empty keys are allowed. */
  readonly key: Uint8Array
  /** The value: 1 to 65,535 bytes, or `undefined` for a delete. */
  readonly value?: Uint8Array | undefined
}

/** One operation of a batch read back from a log. `value` is `undefined` for a delete. */
export interface LogEntry {
  /** The key. */
  readonly key: Uint8Array
  /** The value, or `undefined` for a delete. */
  readonly value: Uint8Array | undefined
}

/**
 * Checks every entry of a batch and returns the encoded size, so that nothing is buffered
 * unless the whole batch is valid.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION` when `entries` is not an array,
 *   `LEVEL_INVALID_KEY` for a missing or overlong key, `LEVEL_INVALID_VALUE` for a value that is
 *   not a Uint8Array, is empty (length 0 is reserved for deletes: omit the value to delete) or
 *   is longer than 65,535 bytes.
 */
export function batchEncodedSize(entries: readonly LogEntryInput[]): number {
  if (!Array.isArray(entries)) {
    throw new LsmError(ErrorCode.INVALID_OPTION, 'log: a batch must be an array of entries')
  }
  let size = 0
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i]
    const key = typeof entry === 'object' && entry !== null ? (entry as LogEntryInput).key : undefined
    if (!(key instanceof Uint8Array)) {
      throw new LsmError(ErrorCode.INVALID_KEY, `log: entry ${i} has no Uint8Array key`)
    }
    if (key.length > MAX_KEY_LENGTH) {
      throw new LsmError(
        ErrorCode.INVALID_KEY,
        `log: entry ${i} has a key of ${key.length} bytes (max ${MAX_KEY_LENGTH})`,
      )
    }
    const value = (entry as LogEntryInput).value
    let valueLength = 0
    if (value !== undefined) {
      if (!(value instanceof Uint8Array)) {
        throw new LsmError(ErrorCode.INVALID_VALUE, `log: entry ${i} has a value that is not a Uint8Array`)
      }
      if (value.length === 0) {
        throw new LsmError(
          ErrorCode.INVALID_VALUE,
          `log: entry ${i} has an empty value; length 0 marks a delete, so omit the value to delete`,
        )
      }
      if (value.length > MAX_VALUE_LENGTH) {
        throw new LsmError(
          ErrorCode.INVALID_VALUE,
          `log: entry ${i} has a value of ${value.length} bytes (max ${MAX_VALUE_LENGTH})`,
        )
      }
      valueLength = value.length
    }
    size += ENTRY_HEADER_SIZE + key.length + valueLength
  }
  return size
}

/**
 * Writes the entries of a batch into `out` at `at`; `out` must have room for
 * {@link batchEncodedSize} bytes. Returns the offset after the last byte written.
 * The entries must already have been checked by {@link batchEncodedSize}.
 */
export function encodeBatchInto(entries: readonly LogEntryInput[], out: Uint8Array, at: number): number {
  let pos = at
  for (const { key, value } of entries) {
    const valueLength = value === undefined ? 0 : value.length
    out[pos] = key.length & 0xff
    out[pos + 1] = key.length >>> 8
    out[pos + 2] = valueLength & 0xff
    out[pos + 3] = valueLength >>> 8
    pos += ENTRY_HEADER_SIZE
    out.set(key, pos)
    pos += key.length
    if (value !== undefined) {
      out.set(value, pos)
      pos += valueLength
    }
  }
  return pos
}

/**
 * Encodes a batch into a new buffer.
 *
 * @throws {@link @lsmkit/fs!LsmError} as {@link batchEncodedSize} does.
 */
export function encodeBatch(entries: readonly LogEntryInput[]): Uint8Array {
  const out = new Uint8Array(batchEncodedSize(entries))
  encodeBatchInto(entries, out, 0)
  return out
}

/**
 * The number of entries in `payload` when it is a well-formed encoded batch (the layout
 * {@link encodeBatch} writes: whole entries, back to back, nothing after the last), else
 * `undefined`. Walks the entry headers only; reads no key or value bytes.
 */
export function encodedBatchCount(payload: Uint8Array): number | undefined {
  let count = 0
  let pos = 0
  const length = payload.length
  while (pos < length) {
    if (pos + ENTRY_HEADER_SIZE > length) return undefined
    pos +=
      ENTRY_HEADER_SIZE +
      (payload[pos]! | (payload[pos + 1]! << 8)) +
      (payload[pos + 2]! | (payload[pos + 3]! << 8))
    count++
  }
  return pos === length ? count : undefined
}

/**
 * Decodes a batch. Keys and values are views into `payload`, which must not change afterwards.
 * Returns `undefined` when the bytes do not parse as a sequence of whole entries: the caller
 * knows the file and offset and reports the damage.
 */
export function decodeBatch(payload: Uint8Array): LogEntry[] | undefined {
  const entries: LogEntry[] = []
  let pos = 0
  while (pos < payload.length) {
    if (pos + ENTRY_HEADER_SIZE > payload.length) return undefined
    const keyLength = payload[pos]! | (payload[pos + 1]! << 8)
    const valueLength = payload[pos + 2]! | (payload[pos + 3]! << 8)
    const keyStart = pos + ENTRY_HEADER_SIZE
    const end = keyStart + keyLength + valueLength
    if (end > payload.length) return undefined
    const key = payload.subarray(keyStart, keyStart + keyLength)
    entries.push({ key, value: valueLength === 0 ? undefined : payload.subarray(keyStart + keyLength, end) })
    pos = end
  }
  return entries
}
