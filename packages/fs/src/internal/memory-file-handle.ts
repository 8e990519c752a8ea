/**
 * The `FileHandle` and `FileLock` of `MemoryFileSystem`.
 *
 * @module
 */

import type { FileHandle, FileLock } from '../file-system.js'
import { checkByteCount, checkRange, closedError, type IoErrorSite, ioError, readSite } from './fs-errors.js'
import type { FileNode } from './memory-tree.js'

/** What handles and locks need from the file system that made them. */
export interface MemoryHost {
  /** Counts a call and throws the fault planned for it, if any. */
  enter(site: IoErrorSite): void
  /** Bumped by every power cut; a handle from an older generation is dead. */
  generation(): number
}

export class MemoryFileHandle implements FileHandle {
  readonly path: string
  readonly #host: MemoryHost
  readonly #file: FileNode
  readonly #writable: boolean
  readonly #generation: number
  #closed = false

  constructor(host: MemoryHost, path: string, file: FileNode, writable: boolean) {
    this.path = path
    this.#host = host
    this.#file = file
    this.#writable = writable
    this.#generation = host.generation()
  }

  size(): number {
    this.#enter({ op: 'size', path: this.path })
    return this.#file.size
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    return this.readSync(position, length)
  }

  readSync(position: number, length: number, into?: Uint8Array): Uint8Array {
    const site = readSite(this.path, position)
    this.#enter(site)
    checkByteCount(site, 'position', position)
    checkByteCount(site, 'length', length)
    const bytes = this.#file.read(position, length)
    if (into === undefined || into.length < length) return bytes
    into.set(bytes)
    return into.subarray(0, bytes.length)
  }

  append(data: Uint8Array, start = 0, end = data.length): void {
    const site = { op: 'append', path: this.path }
    this.#enter(site)
    checkRange(site, data, start, end)
    if (!this.#writable) throw ioError(site, 'EBADF', 'the file is open for reading only')
    this.#file.append(data, start, end)
  }

  async sync(): Promise<void> {
    this.#enter({ op: 'sync', path: this.path })
    this.#file.sync()
  }

  async truncate(size: number): Promise<void> {
    const site = { op: 'truncate', path: this.path }
    this.#enter(site)
    checkByteCount(site, 'size', size)
    // Linux answers EINVAL, not EBADF, to ftruncate on a read-only descriptor.
    if (!this.#writable) throw ioError(site, 'EINVAL', 'the file is open for reading only')
    this.#file.resize(size)
  }

  async close(): Promise<void> {
    const site = { op: 'close', path: this.path }
    this.#host.enter(site)
    if (this.#closed) return
    this.#checkAlive(site)
    this.#closed = true
  }

  #enter(site: IoErrorSite): void {
    this.#host.enter(site)
    if (this.#closed) throw closedError(site)
    this.#checkAlive(site)
  }

  #checkAlive(site: IoErrorSite): void {
    if (this.#generation !== this.#host.generation()) {
      throw ioError(site, 'EIO', 'the handle was opened before a power cut')
    }
  }
}

export class MemoryFileLock implements FileLock {
  readonly path: string
  readonly #host: MemoryHost
  readonly #free: () => void
  readonly #removeFile: () => void
  readonly #generation: number
  #released = false

  /**
   * `free` frees the lock in its file system and `removeFile` deletes its lock file; neither is
   * called after a power cut.
   */
  constructor(host: MemoryHost, path: string, free: () => void, removeFile: () => void) {
    this.path = path
    this.#host = host
    this.#free = free
    this.#removeFile = removeFile
    this.#generation = host.generation()
  }

  async release(): Promise<void> {
    // A power cut already released it, and the name may now belong to a new holder.
    const mine = !this.#released && this.#generation === this.#host.generation()
    this.#released = true
    // As NodeFileSystem's does, a release that fails still frees the lock: only deleting the
    // lock file failed, and the next holder takes a leftover file over.
    if (mine) this.#free()
    this.#host.enter({ op: 'release', path: this.path })
    if (mine) this.#removeFile()
  }
}
