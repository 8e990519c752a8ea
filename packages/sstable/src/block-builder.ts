/**
 * BlockBuilder: lays out the contents of a data, index or properties block. Keys are stored
 * as the suffix they do not share with the previous key; every `restartInterval` entries one is
 * stored whole (a restart point), so a reader can binary-search the restart points and decode
 * at most one run of entries.
 *
 * @module
 */
import type { EntryKind } from './format.js'
import { ByteWriter } from './internal/bytes.js'
import { KeyBuffer } from './internal/key-buffer.js'

/** Builds one block's contents; reused from block to block through {@link BlockBuilder.reset}. */
export class BlockBuilder {
  readonly #restartInterval: number
  readonly #out = new ByteWriter(4096)
  #restarts: number[] = [0]
  #sinceRestart = 0
  #count = 0
  readonly #lastKey = new KeyBuffer()

  /** REQUIRES: `restartInterval` is a positive integer. */
  constructor(restartInterval: number) {
    this.#restartInterval = restartInterval
  }

  /** True when no entry has been added since the last reset. */
  get empty(): boolean {
    return this.#count === 0
  }

  /** Size of the contents if the block were finished now. */
  get estimatedSize(): number {
    return this.#out.length + (this.#restarts.length + 1) * 4
  }

  /**
   * Appends an entry, copying its bytes; the value is `value[start, end)`, the whole array by
   * default. REQUIRES: `key` sorts after the previous key of this block; a tombstone comes
   * with an empty value; `0 <= start <= end <= value.length`.
   */
  add(key: Uint8Array, kind: EntryKind, value: Uint8Array, start = 0, end = value.length): void {
    let shared = 0
    if (this.#sinceRestart === this.#restartInterval) {
      this.#restarts.push(this.#out.length)
      this.#sinceRestart = 0
    } else {
      const last = this.#lastKey.buffer
      const n = Math.min(this.#lastKey.length, key.length)
      while (shared < n && last[shared] === key[shared]) shared++
    }
    const out = this.#out
    out.varint(shared)
    out.varint(key.length - shared)
    out.varint(end - start)
    out.u8(kind)
    out.range(key, shared, key.length - shared)
    out.range(value, start, end - start)
    this.#lastKey.set(key)
    this.#sinceRestart++
    this.#count++
  }

  /** Appends the restart array and returns the finished contents, a copy the caller owns. */
  finish(): Uint8Array {
    const out = this.#out
    for (const restart of this.#restarts) out.u32(restart)
    out.u32(this.#restarts.length)
    return out.view().slice()
  }

  /** Forgets every entry, ready for the next block. */
  reset(): void {
    this.#out.reset()
    this.#restarts = [0]
    this.#sinceRestart = 0
    this.#count = 0
    this.#lastKey.clear()
  }
}
