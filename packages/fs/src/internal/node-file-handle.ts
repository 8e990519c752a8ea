/**
 * The `FileHandle` of `NodeFileSystem`: a real file, with synchronous appends and reads on its
 * descriptor so that a writer can frame records without awaiting each one.
 *
 * @module
 */

import { fstatSync, readSync, writeSync } from 'node:fs'
import type { FileHandle as NodeHandle } from 'node:fs/promises'
import type { FileHandle } from '../file-system.js'
import {
  checkByteCount,
  checkRange,
  closedError,
  fromNodeError,
  type IoErrorSite,
  ioError,
  readSite,
} from './fs-errors.js'

export class NodeFileHandle implements FileHandle {
  readonly path: string
  #handle: NodeHandle | undefined

  constructor(path: string, handle: NodeHandle) {
    this.path = path
    this.#handle = handle
  }

  size(): number {
    const site = { op: 'size', path: this.path }
    const handle = this.#live(site)
    try {
      return fstatSync(handle.fd).size
    } catch (err) {
      throw fromNodeError(site, err)
    }
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    const site = this.#checkRead(position, length)
    const handle = this.#live(site)
    const buffer = new Uint8Array(length)
    let filled = 0
    try {
      // A read may return less than asked for before the end of the file; only a read of zero
      // bytes means the end, and the contract promises short results only there.
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
    } catch (err) {
      throw fromNodeError(site, err)
    }
    return filled === length ? buffer : buffer.slice(0, filled)
  }

  readSync(position: number, length: number, into?: Uint8Array): Uint8Array {
    const site = this.#checkRead(position, length)
    const handle = this.#live(site)
    const buffer =
      into !== undefined && into.length >= length ? into.subarray(0, length) : new Uint8Array(length)
    let filled = 0
    try {
      while (filled < length) {
        const bytesRead = readSync(handle.fd, buffer, filled, length - filled, position + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
    } catch (err) {
      throw fromNodeError(site, err)
    }
    return filled === length || into !== undefined ? buffer.subarray(0, filled) : buffer.slice(0, filled)
  }

  append(data: Uint8Array, start = 0, end = data.length): void {
    const site = { op: 'append', path: this.path }
    checkRange(site, data, start, end)
    const handle = this.#live(site)
    let written = start
    try {
      // No position is passed: the file is opened with O_APPEND, so every write lands at the end.
      while (written < end) {
        const n = writeSync(handle.fd, data, written, end - written)
        // A regular file reports a full disk as an error, so a zero-byte write would loop forever.
        if (n === 0) throw ioError(site, 'EIO', 'the system accepted no bytes')
        written += n
      }
    } catch (err) {
      throw fromNodeError(site, err)
    }
  }

  async sync(): Promise<void> {
    const site = { op: 'sync', path: this.path }
    const handle = this.#live(site)
    try {
      await handle.datasync()
    } catch (err) {
      throw fromNodeError(site, err)
    }
  }

  async truncate(size: number): Promise<void> {
    const site = { op: 'truncate', path: this.path }
    checkByteCount(site, 'size', size)
    const handle = this.#live(site)
    try {
      await handle.truncate(size)
    } catch (err) {
      throw fromNodeError(site, err)
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle
    if (handle === undefined) return
    // Forget the descriptor first: once close starts, the number may be reused by another open.
    this.#handle = undefined
    try {
      await handle.close()
    } catch (err) {
      throw fromNodeError({ op: 'close', path: this.path }, err)
    }
  }

  #checkRead(position: number, length: number): IoErrorSite {
    const site = readSite(this.path, position)
    checkByteCount(site, 'position', position)
    checkByteCount(site, 'length', length)
    return site
  }

  #live(site: IoErrorSite): NodeHandle {
    if (this.#handle === undefined) throw closedError(site)
    return this.#handle
  }
}
