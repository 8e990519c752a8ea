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

const CHUNK_BYTES = 64 * 1024
// Larger arrays get an allocation of their own, so one of them never pins a chunk's worth of
// small neighbours (nor wastes the end of a chunk).
const LARGEST_CARVED = 4 * 1024

/** Hands out copies of byte arrays, carved from shared chunks where they are small. */
export class Slab {
  #chunk = new Uint8Array(CHUNK_BYTES)
  #used = 0

  /** A copy of `bytes` that shares no memory with it. */
  copy(bytes: Uint8Array): Uint8Array {
    const length = bytes.length
    if (length > LARGEST_CARVED) return bytes.slice()
    if (this.#used + length > CHUNK_BYTES) {
      this.#chunk = new Uint8Array(CHUNK_BYTES)
      this.#used = 0
    }
    const at = this.#used
    const out = this.#chunk.subarray(at, at + length)
    out.set(bytes)
    this.#used = at + length
    return out
  }
}
