/**
 * The state a manifest persists, and the rules a state must satisfy before it is written.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { MAX_LEVELS } from './format.js'

/**
 * The engine's persisted state: which logs are still needed, which file number comes next, and
 * which SSTs make up each level.
 *
 * A valid state (what {@link encodeManifest} accepts and {@link decodeManifest} returns):
 * - every number is an integer from 0 to `Number.MAX_SAFE_INTEGER`;
 * - `logNumber <= nextFileNumber`;
 * - `levels` has 1 to {@link MAX_LEVELS} entries; trailing empty levels are kept as given;
 * - every SST id is below `nextFileNumber` and appears once across all levels.
 *
 * The order of ids within a level is kept exactly and not checked: it is the engine's meaning
 * (L0 newest first, deeper levels in key order), which the manifest cannot verify.
 */
export interface ManifestState {
  /** The smallest log file still needed for recovery; logs numbered below it may be deleted. */
  logNumber: number
  /** The next unused file number: every SST id is below it, and `logNumber` is at most it. */
  nextFileNumber: number
  /** `levels[0]` is L0, newest first; `levels[i]` lists level i's SST ids in order. */
  levels: number[][]
}

function isFileNumber(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function invalid(detail: string): LsmError {
  return new LsmError(ErrorCode.INVALID_OPTION, `manifest: invalid state: ${detail}`)
}

/**
 * Throws unless `state` is a valid {@link ManifestState}. Checks types too, because a state
 * built by JavaScript code or read from elsewhere reaches here unchecked.
 *
 * @throws {LsmError} `LEVEL_INVALID_OPTION` naming the first rule broken.
 */
export function checkManifestState(state: ManifestState): void {
  if (typeof state !== 'object' || state === null) throw invalid('not an object')
  const { logNumber, nextFileNumber, levels } = state
  if (!isFileNumber(nextFileNumber)) {
    throw invalid(`nextFileNumber (${String(nextFileNumber)}) is not a safe non-negative integer`)
  }
  if (!isFileNumber(logNumber)) {
    throw invalid(`logNumber (${String(logNumber)}) is not a safe non-negative integer`)
  }
  if (logNumber > nextFileNumber) {
    throw invalid(`logNumber (${logNumber}) is above nextFileNumber (${nextFileNumber})`)
  }
  if (!Array.isArray(levels) || levels.length < 1 || levels.length > MAX_LEVELS) {
    throw invalid(`levels must be an array of 1 to ${MAX_LEVELS} arrays`)
  }
  const seen = new Set<number>()
  // Indexed loops rather than forEach, so that holes in a sparse array are caught, not skipped.
  for (let level = 0; level < levels.length; level++) {
    const ids = levels[level]
    if (!Array.isArray(ids)) throw invalid(`levels[${level}] is not an array`)
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]
      const where = `levels[${level}][${i}] (${String(id)})`
      if (!isFileNumber(id)) throw invalid(`${where} is not a safe non-negative integer`)
      if (id >= nextFileNumber) throw invalid(`${where} is not below nextFileNumber (${nextFileNumber})`)
      if (seen.has(id)) throw invalid(`${where} appears more than once`)
      seen.add(id)
    }
  }
}
