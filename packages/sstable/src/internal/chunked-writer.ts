/**
 * An append-only byte sink for a table being built, kept as fixed-size chunks.
 *
 * A table grows to megabytes block by block. In one growing array, each doubling copied all
 * that came before (about twice the table's size in all), and a table cut just past a power of
 * two left half its last array unused; the finished table was then copied out once more. Here
 * each byte is copied once into a chunk and once into the finished table.
 *
 * @module
 */

const CHUNK_SIZE = 256 * 1024

/** Bytes appended in order, handed out whole by {@link ChunkedWriter.concat}. */
export class ChunkedWriter {
  readonly #full: Uint8Array[] = []
  #chunk = new Uint8Array(CHUNK_SIZE)
  #used = 0
  #length = 0

  /** Bytes appended so far. */
  get length(): number {
    return this.#length
  }

  /** Appends a copy of `data`. */
  bytes(data: Uint8Array): void {
    let from = 0
    while (from < data.length) {
      if (this.#used === CHUNK_SIZE) {
        this.#full.push(this.#chunk)
        this.#chunk = new Uint8Array(CHUNK_SIZE)
        this.#used = 0
      }
      const n = Math.min(data.length - from, CHUNK_SIZE - this.#used)
      this.#chunk.set(from === 0 && n === data.length ? data : data.subarray(from, from + n), this.#used)
      this.#used += n
      from += n
    }
    this.#length += data.length
  }

  /** Every byte appended, in one new array of exactly {@link ChunkedWriter.length} bytes. */
  concat(): Uint8Array {
    const out = new Uint8Array(this.#length)
    let at = 0
    for (const chunk of this.#full) {
      out.set(chunk, at)
      at += chunk.length
    }
    out.set(this.#chunk.subarray(0, this.#used), at)
    return out
  }
}
