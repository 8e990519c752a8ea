/**
 * Copies of small byte arrays carved from shared chunks.
 *
 * The engine copies every key and value it is given (a caller may reuse its buffers), and a
 * fresh `Uint8Array` per copy costs an ArrayBuffer allocation each: for 16-byte keys and
 * 100-byte values that allocation, and the garbage it becomes, cost more than the copy. Carving
 * copies out of 64 KiB chunks makes each one a view. A chunk lives as long as any copy in it,
 * which suits memtables: their entries are dropped together when the memtable is.
 *
 * @module
 */

/**
 * Copies handed to callers (values a get finds in a memtable, the entries an iterator yields),
 * carved from 8 KiB chunks as Node's `Buffer` pool carves its small buffers: a copy's `buffer`
 * is shared, and a kept copy keeps its chunk alive.
 */
export function copyForCaller(bytes: Uint8Array): Uint8Array {
  return callerCopies.copy(bytes)
}

/** Hands out copies of byte arrays, carved from shared chunks where they are small. */
export class Slab {
  readonly #chunkBytes: number
  // Larger arrays get an allocation of their own, so one of them never pins a chunk's worth
  // of small neighbours (nor wastes the end of a chunk).
  readonly #largestCarved: number
  readonly #shared: boolean
  #chunk: ArrayBufferLike
  #used = 0

  /**
   * Chunks of `chunkBytes` (default 64 KiB, for memtables). Copies handed to callers use
   * smaller chunks, as Node's 8 KiB `Buffer` pool does, so one kept value pins little. With
   * `shared`, the memory is a `SharedArrayBuffer`'s, which worker threads can read.
   */
  constructor(chunkBytes = 64 * 1024, shared = false) {
    this.#chunkBytes = chunkBytes
    this.#largestCarved = chunkBytes / 16
    this.#shared = shared
    this.#chunk = this.#memory(chunkBytes)
  }

  /** A copy of `bytes` that shares no memory with it. */
  copy(bytes: Uint8Array): Uint8Array {
    const out = this.carve(bytes.length)
    out.set(bytes)
    return out
  }

  /** `length` bytes of memory that nothing else shares, to be filled by the caller. */
  carve(length: number): Uint8Array {
    if (length > this.#largestCarved) return new Uint8Array(this.#memory(length))
    if (this.#used + length > this.#chunkBytes) {
      this.#chunk = this.#memory(this.#chunkBytes)
      this.#used = 0
    }
    const at = this.#used
    this.#used = at + length
    // The constructor on the chunk's memory: subarray() looks up a species constructor and
    // calls it, about 80 ns a view here against 20-40.
    return new Uint8Array(this.#chunk, at, length)
  }

  // Shared memory (a SharedArrayBuffer), when asked for, lets a worker thread read the copies
  // in place: the memtable's writes, which the flush thread builds tables from.
  #memory(length: number): ArrayBufferLike {
    return this.#shared ? new SharedArrayBuffer(length) : new ArrayBuffer(length)
  }
}

const callerCopies = new Slab(8 * 1024)
