/**
 * Where a command writes: stdout for results, stderr for diagnostics. Commands take an
 * {@link Io} so that they can be run in-process with other streams.
 *
 * @module
 */

/** The output streams of a command. */
export interface Io {
  /** Results: values, tables, reports. */
  readonly stdout: NodeJS.WriteStream
  /** Diagnostics: errors, "not found". */
  readonly stderr: NodeJS.WriteStream
}

/** The process's own streams. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr }
}
