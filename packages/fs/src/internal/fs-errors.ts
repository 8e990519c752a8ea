/**
 * Builders for the errors both file systems throw, so that a given failure reads and carries the
 * same fields whichever implementation raised it.
 *
 * @module
 */

import { ErrorCode, LsmError } from '../errors.js'

/** Short explanations of the system codes this package raises itself. */
const REASONS: Readonly<Record<string, string>> = {
  EBADF: 'bad file descriptor',
  EBUSY: 'resource busy',
  EEXIST: 'file already exists',
  EINVAL: 'invalid argument',
  EIO: 'input/output error',
  EISDIR: 'illegal operation on a directory',
  ENOENT: 'no such file or directory',
  ENOSPC: 'no space left on device',
  ENOTDIR: 'not a directory',
  ENOTEMPTY: 'directory not empty',
}

/** Where an I/O error happened: the operation, the file and, for positional I/O, the offset. */
export interface IoErrorSite {
  readonly op: string
  readonly path: string
  readonly offset?: number
  /** Names the second path of a two-path operation (the target of a rename). */
  readonly to?: string
}

function describeSite(site: IoErrorSite): string {
  const where = site.to === undefined ? site.path : `${site.path} -> ${site.to}`
  return site.offset === undefined ? `${site.op} ${where}` : `${site.op} ${where} at offset ${site.offset}`
}

function siteOptions(site: IoErrorSite): { file: string; offset?: number } {
  return site.offset === undefined ? { file: site.path } : { file: site.path, offset: site.offset }
}

/**
 * A `LEVEL_IO_ERROR` carrying `systemCode`. `detail` replaces the standard explanation of the
 * code, e.g. to say that a fault was injected.
 */
export function ioError(site: IoErrorSite, systemCode: string, detail?: string): LsmError {
  const reason = detail ?? REASONS[systemCode] ?? 'I/O error'
  return new LsmError(ErrorCode.IO_ERROR, `fs: ${describeSite(site)} failed: ${systemCode} (${reason})`, {
    ...siteOptions(site),
    systemCode,
  })
}

/** Wraps whatever Node threw into a `LEVEL_IO_ERROR`, keeping it as the `cause`. */
export function fromNodeError(site: IoErrorSite, err: unknown): LsmError {
  if (err instanceof LsmError) return err
  const code = (err as { code?: unknown } | null)?.code
  const systemCode = typeof code === 'string' ? code : undefined
  // Node's own message repeats the path; the table keeps messages alike across implementations.
  const known = systemCode === undefined ? undefined : REASONS[systemCode]
  const reason =
    systemCode !== undefined && known !== undefined
      ? `${systemCode} (${known})`
      : err instanceof Error
        ? err.message
        : String(err)
  return new LsmError(ErrorCode.IO_ERROR, `fs: ${describeSite(site)} failed: ${reason}`, {
    ...siteOptions(site),
    cause: err,
    ...(systemCode === undefined ? {} : { systemCode }),
  })
}

/** The `LEVEL_CLOSED` error for a handle used after `close()`. */
export function closedError(site: IoErrorSite): LsmError {
  return new LsmError(
    ErrorCode.CLOSED,
    `fs: ${describeSite(site)} failed: the handle is closed`,
    siteOptions(site),
  )
}

/** The `LEVEL_LOCKED` error; `holder` says who has the lock when that is known. */
export function lockedError(path: string, holder: string): LsmError {
  return new LsmError(ErrorCode.LOCKED, `fs: lock ${path} failed: held by ${holder}`, { file: path })
}

/**
 * Checks that `[start, end)` is a range of `data`, as {@link FileHandle.append} takes it; a bad
 * one is the caller's bug, so it fails with `LEVEL_INVALID_OPTION`.
 */
export function checkRange(site: IoErrorSite, data: Uint8Array, start: number, end: number): void {
  if (Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= data.length)
    return
  throw new LsmError(
    ErrorCode.INVALID_OPTION,
    `fs: ${describeSite(site)} failed: the range ${String(start)}..${String(end)} is not within the ${data.length} bytes given`,
    siteOptions(site),
  )
}

/**
 * Checks that a position, length or size is a non-negative safe integer. A bad one is the
 * caller's bug, so it fails with `LEVEL_INVALID_OPTION` rather than as I/O.
 */
export function checkByteCount(site: IoErrorSite, name: string, value: number): void {
  if (Number.isSafeInteger(value) && value >= 0) return
  throw new LsmError(
    ErrorCode.INVALID_OPTION,
    `fs: ${describeSite(site)} failed: ${name} must be a non-negative integer, got ${String(value)}`,
    siteOptions(site),
  )
}

const OPEN_MODES: ReadonlySet<string> = new Set(['read', 'append', 'create'])

/** Checks an open mode that the type system could not (a caller in plain JavaScript). */
export function checkOpenMode(path: string, mode: string): void {
  if (OPEN_MODES.has(mode)) return
  throw new LsmError(
    ErrorCode.INVALID_OPTION,
    `fs: open ${path} failed: mode must be 'read', 'append' or 'create', got ${JSON.stringify(mode)}`,
    { file: path },
  )
}

/** The site of a positional read, naming the offset when it is a valid one. */
export function readSite(path: string, position: number): IoErrorSite {
  const valid = Number.isSafeInteger(position) && position >= 0
  return valid ? { op: 'read', path, offset: position } : { op: 'read', path }
}
