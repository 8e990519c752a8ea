/**
 * The one error class of lsmkit.
 *
 * Every failure a user can meet is an {@link LsmError} with a stable `code`. Codes reuse
 * abstract-level's names where one fits, so adapters pass them through unchanged. Codes never
 * change; messages may, so tests and callers check `code`, never `message`.
 *
 * @module
 */

/**
 * Every error code lsmkit can produce. Stable: a code is never renamed or reused.
 */
export const ErrorCode = {
  /** Stored bytes failed a check: a checksum, a length, a magic number, a parse. */
  CORRUPTION: 'LEVEL_CORRUPTION',
  /** The operating system (or the in-memory file system) reported an I/O failure. */
  IO_ERROR: 'LEVEL_IO_ERROR',
  /** Another handle, in this process or another, holds the lock. */
  LOCKED: 'LEVEL_LOCKED',
  /** The database is not open: not yet opened, closing, or closed. */
  DATABASE_NOT_OPEN: 'LEVEL_DATABASE_NOT_OPEN',
  /** A key is not of an accepted type, or is too long. */
  INVALID_KEY: 'LEVEL_INVALID_KEY',
  /** A value is not of an accepted type, is too long, or is empty where empty is reserved. */
  INVALID_VALUE: 'LEVEL_INVALID_VALUE',
  /** The operation or option is not supported. */
  NOT_SUPPORTED: 'LEVEL_NOT_SUPPORTED',
  /** An option or argument other than a key or value is out of range or of the wrong type. */
  INVALID_OPTION: 'LEVEL_INVALID_OPTION',
  /** A writer, reader or file handle was used after `close()`. */
  CLOSED: 'LEVEL_CLOSED',
} as const

/** The union of every {@link ErrorCode} value. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** Optional details attached to an {@link LsmError}. */
export interface LsmErrorOptions {
  /** The underlying error, kept as the ES2022 `cause`. */
  cause?: unknown
  /** The file the error concerns, when there is one. */
  file?: string
  /** The byte offset in `file` the error concerns, when there is one. */
  offset?: number
  /** The operating system's error code (`'EIO'`, `'ENOSPC'`, `'ENOENT'`…) behind an I/O error. */
  systemCode?: string
}

// Marks LsmError's prototype under a registry symbol, which every copy of this module loaded
// in one process shares (two installed versions of @lsmkit/fs, say): an error raised by one
// copy's class is then an LsmError to the other's `instanceof` and `isCorruption` too.
// Without it, a corruption raised by one copy went unrecognised by an engine holding the other.
const BRAND = Symbol.for('lsmkit.LsmError')

/**
 * An error with a stable {@link ErrorCode}.
 *
 * `instanceof LsmError` holds for errors of any copy of this package loaded in the process,
 * so that packages depending on different versions of `@lsmkit/fs` still recognise each
 * other's errors.
 *
 * Messages start with the package that raised them and name the file and offset where that
 * applies, e.g. `log: checksum mismatch in /db/000012.wal at offset 4096`.
 *
 * @example
 * ```ts
 * try {
 *   for await (const batch of readLog(path, { mode: 'strict' })) use(batch)
 * } catch (err) {
 *   if (isCorruption(err)) console.error(`damaged: ${err.file} at ${err.offset}`)
 *   else throw err
 * }
 * ```
 */
export class LsmError extends Error {
  /** The stable code; check this, never the message. */
  readonly code: ErrorCode
  /** The file the error concerns, if any. */
  readonly file: string | undefined
  /** The byte offset in {@link LsmError.file} the error concerns, if any. */
  readonly offset: number | undefined
  /** The operating system's error code behind an I/O error, if any. */
  readonly systemCode: string | undefined

  constructor(code: ErrorCode, message: string, options: LsmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LsmError'
    this.code = code
    this.file = options.file
    this.offset = options.offset
    this.systemCode = options.systemCode
  }

  /** True for an LsmError of any copy of this package (see the class comment). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep the ordinary check: only LsmError itself answers by brand.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof, LsmError or a subclass
    if (this !== LsmError) return Function.prototype[Symbol.hasInstance].call(this, value)
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  }
}

Object.defineProperty(LsmError.prototype, BRAND, { value: true })

/** True when `err` is an {@link LsmError}, and when `code` is given, one with that code. */
export function isLsmError(err: unknown, code?: ErrorCode): err is LsmError {
  return err instanceof LsmError && (code === undefined || err.code === code)
}

/** True when `err` reports damaged stored data (`LEVEL_CORRUPTION`). */
export function isCorruption(err: unknown): err is LsmError {
  return isLsmError(err, ErrorCode.CORRUPTION)
}

/** True when `err` reports an I/O failure (`LEVEL_IO_ERROR`). */
export function isIoError(err: unknown): err is LsmError {
  return isLsmError(err, ErrorCode.IO_ERROR)
}

/** True when `err` is an I/O error because a file or directory does not exist (`ENOENT`). */
export function isNotFound(err: unknown): err is LsmError {
  return isIoError(err) && err.systemCode === 'ENOENT'
}
