/**
 * Joining a record that spans chunks (FIRST, MIDDLE…, LAST) into one payload.
 *
 * @module
 */
import { CHUNK_HEADER_SIZE } from '../format.js'

// Joined records are carved from chunks of this size, so that a record costs a view rather
// than an ArrayBuffer of its own: the allocation, and the garbage it became, cost more than the
// copy (a replay of 64 MiB of 116-byte entries in 128-byte blocks joined 525,000 records).
const JOIN_CHUNK_BYTES = 64 * 1024

/** The parts of one record read so far, and the memory its finished payload is carved from. */
export class RecordJoiner {
  /** File offset of the pending record's first chunk; -1 when none is pending. */
  offset = -1
  #parts: Uint8Array[] = []
  #length = 0
  #chunk = new Uint8Array(0)
  #used = 0

  /** True while a record's first chunk has been read and its last has not. */
  get pending(): boolean {
    return this.offset >= 0
  }

  /** The bytes the pending record's chunks take in the file, headers included. */
  get framedBytes(): number {
    return this.#parts.length * CHUNK_HEADER_SIZE + this.#length
  }

  /** Starts a record at file offset `offset` with its FIRST chunk's payload. */
  start(offset: number, payload: Uint8Array): void {
    this.offset = offset
    this.#parts = [payload]
    this.#length = payload.length
  }

  /** Adds a MIDDLE or LAST chunk's payload. REQUIRES: pending. */
  add(payload: Uint8Array): void {
    this.#parts.push(payload)
    this.#length += payload.length
  }

  /** The pending record's payload, joined into memory no other record shares; ends it. */
  finish(): Uint8Array {
    const joined = this.#carve(this.#length)
    let at = 0
    for (const part of this.#parts) {
      joined.set(part, at)
      at += part.length
    }
    this.clear()
    return joined
  }

  /** Forgets the pending record. */
  clear(): void {
    this.offset = -1
    this.#parts = []
    this.#length = 0
  }

  #carve(length: number): Uint8Array {
    if (length > JOIN_CHUNK_BYTES / 4) return new Uint8Array(length)
    if (this.#used + length > this.#chunk.length) {
      this.#chunk = new Uint8Array(JOIN_CHUNK_BYTES)
      this.#used = 0
    }
    const at = this.#used
    this.#used = at + length
    return this.#chunk.subarray(at, at + length)
  }
}
