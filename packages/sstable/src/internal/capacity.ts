/**
 * Checking the byte capacity that a cache or a memory budget is given.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'

/**
 * `value`, or `fallback` when it is undefined, as a byte capacity.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_INVALID_OPTION`, naming `what`, when it is not a
 *   non-negative integer.
 */
export function checkCapacity(what: string, value: unknown, fallback: number): number {
  const capacity = value ?? fallback
  if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity < 0) {
    throw new LsmError(
      ErrorCode.INVALID_OPTION,
      `sstable: ${what} must be a non-negative integer, got ${String(capacity)}`,
    )
  }
  return capacity
}
