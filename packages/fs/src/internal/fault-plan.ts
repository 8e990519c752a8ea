/**
 * The call counter and injected faults of `MemoryFileSystem`.
 *
 * @module
 */

import { ErrorCode, LsmError } from '../errors.js'
import { type IoErrorSite, ioError } from './fs-errors.js'

/** One planned failure; see `FaultOptions` for the meaning of each field. */
export interface Fault {
  readonly at: number
  readonly code: 'EIO' | 'ENOSPC'
  readonly sticky: boolean
}

export class FaultPlan {
  #count = 0
  #faults: Fault[] = []
  /** `op path` of every call, in order, when tracing; see `MemoryFileSystemOptions`. */
  readonly trace: string[] | undefined

  constructor(trace: boolean) {
    this.trace = trace ? [] : undefined
  }

  get count(): number {
    return this.#count
  }

  add(fault: Fault): void {
    if (!Number.isSafeInteger(fault.at) || fault.at < 1) {
      throw new LsmError(
        ErrorCode.INVALID_OPTION,
        `fs: injectFault failed: at must be a positive integer, got ${String(fault.at)}`,
      )
    }
    this.#faults.push(fault)
  }

  clear(): void {
    this.#faults = []
  }

  /**
   * Counts one call and throws if a fault is planned for it. Called before the call does
   * anything, so a failed call leaves no trace but its number.
   */
  enter(site: IoErrorSite): void {
    const call = ++this.#count
    this.trace?.push(`${site.op} ${site.path}`)
    for (const fault of this.#faults) {
      if (call === fault.at) throw ioError(site, fault.code, `injected fault at call ${call}`)
      if (fault.sticky && call > fault.at) {
        throw ioError(site, fault.code, `injected fault, sticky since call ${fault.at}`)
      }
    }
  }
}
