/**
 * What tells one running process from another that had the same pid: the kernel's boot id and
 * the process's start time, as Linux publishes them under `/proc`. The lock-file protocol
 * (node-lock.ts) records both beside the holder's pid, because a pid alone is reused:
 *
 * - after a reboot, a service started in the same order gets the same pid as before;
 * - a container that restarts runs its process as pid 1 again, every time;
 * - on a busy machine, a pid comes round again after a few tens of thousands of processes.
 *
 * Without the two facts, a lock left by a killed process looked held for as long as its pid
 * belonged to anyone, including the restarted process itself, which then could not open its
 * own database. Where `/proc` is missing (macOS, say), both facts are unknown and the protocol
 * falls back to the pid alone.
 *
 * @module
 */
import { readFileSync } from 'node:fs'

/** A process's boot id and start time (clock ticks since boot), each `''` when unknown. */
export interface ProcessIdentity {
  readonly boot: string
  readonly start: string
}

// The boot id is the same for the whole life of the process, so it is read once.
let ownBoot: string | undefined

/** The boot id of the running kernel, or `''` where `/proc` does not publish it. */
export function bootId(): string {
  ownBoot ??= readOrEmpty('/proc/sys/kernel/random/boot_id').trim()
  return ownBoot
}

/** When process `pid` started, in clock ticks since boot, or `''` when unknown (or no such process). */
export function startTimeOf(pid: number): string {
  return parseStartTime(readOrEmpty(`/proc/${pid}/stat`))
}

/** The identity of the running process. */
export function ownIdentity(): ProcessIdentity {
  return { boot: bootId(), start: startTimeOf(process.pid) }
}

/**
 * The start time in a `/proc/<pid>/stat` line, `''` if it has none. The line's 22nd field is
 * the start time; the 2nd, the command name in parentheses, may itself hold spaces and
 * parentheses, so fields are counted from the last `)`.
 */
export function parseStartTime(stat: string): string {
  const close = stat.lastIndexOf(')')
  if (close < 0) return ''
  // After ") " come the fields from the 3rd (state) on: the 22nd is the 20th of these.
  const start = stat.slice(close + 2).split(' ')[19] ?? ''
  return /^\d+$/.test(start) ? start : ''
}

/** `identity` as the lock file's third line records it. */
export function formatIdentity(identity: ProcessIdentity): string {
  return `boot=${identity.boot} start=${identity.start}`
}

/**
 * The identity in a lock file's third line; unknown parts (and every part of a line from an
 * older lock file, which had none) are `''`.
 */
export function parseIdentity(line: string | undefined): ProcessIdentity {
  const match = /^boot=(\S*) start=(\d*)$/.exec(line ?? '')
  return { boot: match?.[1] ?? '', start: match?.[2] ?? '' }
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    // Not Linux, or the process is gone: the fact is unknown, which the caller handles.
    return ''
  }
}
