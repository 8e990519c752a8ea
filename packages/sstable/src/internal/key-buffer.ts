/**
 * KeyBuffer: one key held in a reused buffer, so that remembering "the previous key" costs a
 * byte copy per entry rather than an allocation.
 *
 * @module
 */
export class KeyBuffer {
  #buffer = new Uint8Array(64)
  #length = 0

  get length(): number {
    return this.#length
  }

  /** The held key's bytes; valid until the next {@link KeyBuffer.set}. */
  get buffer(): Uint8Array {
    return this.#buffer
  }

  /** Holds `key[0 .. length)`, the whole array by default. */
  set(key: Uint8Array, length = key.length): void {
    if (length > this.#buffer.length) this.#buffer = new Uint8Array(Math.max(length, this.#buffer.length * 2))
    const buffer = this.#buffer
    for (let i = 0; i < length; i++) buffer[i] = key[i]!
    this.#length = length
  }

  /** A copy of the held key. */
  copy(): Uint8Array {
    return this.#buffer.slice(0, this.#length)
  }
}
