/**
 * Mapping engine errors to abstract-level's error codes.
 *
 * The engine's codes are abstract-level's names already (`LEVEL_CORRUPTION`, `LEVEL_IO_ERROR`,
 * `LEVEL_LOCKED`, `LEVEL_DATABASE_NOT_OPEN`, `LEVEL_INVALID_KEY`, `LEVEL_INVALID_VALUE`,
 * `LEVEL_NOT_SUPPORTED`), so those errors pass through unchanged. The one code abstract-level
 * does not know, `LEVEL_CLOSED` (a resource used after close), becomes the code of the resource
 * concerned. Errors from `open()` are wrapped by abstract-level itself in
 * `LEVEL_DATABASE_NOT_OPEN`, with the engine's error as `cause` (so a held lock shows as
 * `err.cause.code === 'LEVEL_LOCKED'`, as with classic-level).
 *
 * @module
 */
import { ErrorCode, isLsmError } from '@lsmkit/fs'

/** The resource an operation used, which decides the code of a "used after close" error. */
export type Resource = 'database' | 'iterator' | 'snapshot'

const NOT_OPEN: Record<Resource, string> = {
  database: 'LEVEL_DATABASE_NOT_OPEN',
  iterator: 'LEVEL_ITERATOR_NOT_OPEN',
  snapshot: 'LEVEL_SNAPSHOT_NOT_OPEN',
}

/**
 * An error carrying one of abstract-level's codes, made by the adapter where the engine's code
 * has no abstract-level twin. The engine's error is its `cause`.
 */
export class LevelError extends Error {
  /** The abstract-level code; check this, never the message. */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LevelError'
    this.code = code
  }
}

/** `err` with an abstract-level code: the engine's error itself, or a {@link LevelError}. */
export function toLevelError(err: unknown, resource: Resource): unknown {
  if (isLsmError(err, ErrorCode.CLOSED)) {
    return new LevelError(NOT_OPEN[resource], `level: the ${resource} is not open`, { cause: err })
  }
  return err
}
