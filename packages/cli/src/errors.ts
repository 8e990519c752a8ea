/**
 * How the command line reports failure: one line on stderr, `lsmkit: <message>`, with the
 * error's code in brackets when it has one; the stack only with `--debug`.
 *
 * @module
 */
import { isLsmError } from '@lsmkit/fs'

/** Exit status of a command that failed: a database error, damage found, a missing key. */
export const EXIT_FAILURE = 1

/** Exit status of a command given wrong arguments. */
export const EXIT_USAGE = 2

/** A mistake in the arguments (a bad number, an unknown shell command): exits with {@link EXIT_USAGE}. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** The one-line description of `err`: its message, and its code in brackets for an `LsmError`. */
export function describeError(err: unknown): string {
  if (isLsmError(err)) return `${err.message} [${err.code}]`
  if (err instanceof Error) return err.message
  return String(err)
}

/**
 * Prints `err` on `stderr` as `lsmkit: <description>`, followed by its stack when `debug` is
 * set, and returns the exit status it calls for.
 */
export function reportError(
  err: unknown,
  debug: boolean,
  stderr: NodeJS.WritableStream = process.stderr,
): number {
  stderr.write(`lsmkit: ${describeError(err)}\n`)
  if (debug && err instanceof Error && err.stack !== undefined) stderr.write(`${err.stack}\n`)
  return err instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE
}

/**
 * Parses a whole number given on the command line.
 *
 * @throws {@link UsageError} naming `what` when `text` is not a whole number of at least `min`.
 */
export function parseCount(text: string, what: string, min = 0): number {
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${what} must be a whole number of at least ${min}; got '${text}'`)
  }
  return value
}
