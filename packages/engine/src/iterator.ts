/**
 * EngineIterator: a range of the database as it was when the iterator was created.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { compareKeys } from '@lsmkit/sstable'
import { type Bytes, toKey } from './input.js'
import type { Core } from './internal/core.js'
import type { Cursor } from './internal/cursor.js'
import { type ReadView, viewCursor } from './internal/read-view.js'
import type { TableFile } from './internal/table-file.js'

/**
 * The range and order of an iterator. `gte` wins over `gt` and `lte` over `lt` when both are
 * given. Keys compare bytewise (strings by their UTF-8 bytes).
 */
export interface IteratorOptions {
  /** Only keys greater than this. */
  readonly gt?: Bytes
  /** Only keys greater than or equal to this. */
  readonly gte?: Bytes
  /** Only keys less than this. */
  readonly lt?: Bytes
  /** Only keys less than or equal to this. */
  readonly lte?: Bytes
  /** Largest key first. Default `false`. */
  readonly reverse?: boolean
  /** At most this many entries; `-1` or `Infinity` for no limit (the default). */
  readonly limit?: number
}

/**
 * A key and its value, both copies the caller may keep and change. Short ones are carved out of
 * shared 8 KiB buffers, as Node's `Buffer` pool does (and as `get` does), so do not transfer or
 * detach their `buffer`.
 */
export type Entry = [key: Uint8Array, value: Uint8Array]

/**
 * Iterates a snapshot: writes, flushes and compactions after the iterator was created never
 * change what it returns, and the tables it reads are kept until it is closed. Close it when
 * done (`for await` does so, as does leaving the loop early); the database closes any still
 * open when it closes.
 *
 * @example
 * ```ts
 * for await (const [key, value] of db.iterator({ gte: 'user:', lt: 'user;', limit: 10 })) {
 *   console.log(new TextDecoder().decode(key), value.length)
 * }
 * ```
 */
export class EngineIterator implements AsyncIterableIterator<Entry>, AsyncDisposable {
  readonly #core: Core
  readonly #cursor: Cursor
  readonly #tables: TableFile[]
  readonly #reverse: boolean
  readonly #limit: number
  readonly #lower: Uint8Array | undefined
  readonly #lowerInclusive: boolean
  readonly #upper: Uint8Array | undefined
  readonly #upperInclusive: boolean
  readonly #onClose: (it: EngineIterator) => void
  #count = 0
  #positioned = false
  // True while the cursor sits on an entry not yet returned: just after positioning or a seek.
  #fresh = false
  #closed = false

  /** @internal Use `db.iterator()` or `snapshot.iterator()`; `view` is what it reads. */
  constructor(core: Core, view: ReadView, options: IteratorOptions, onClose: (it: EngineIterator) => void) {
    if (typeof options !== 'object' || options === null) {
      throw new LsmError(ErrorCode.INVALID_OPTION, 'engine: iterator options must be an object')
    }
    const limit = options.limit ?? -1
    if (
      typeof limit !== 'number' ||
      !(limit === -1 || limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit >= 0))
    ) {
      throw new LsmError(
        ErrorCode.INVALID_OPTION,
        `engine: limit must be -1, Infinity or a whole number; got ${String(limit)}`,
      )
    }
    if (options.reverse !== undefined && typeof options.reverse !== 'boolean') {
      throw new LsmError(ErrorCode.INVALID_OPTION, 'engine: reverse must be a boolean')
    }
    this.#lowerInclusive = options.gte !== undefined
    this.#lower =
      options.gte !== undefined
        ? toKey(options.gte)
        : options.gt !== undefined
          ? toKey(options.gt)
          : undefined
    this.#upperInclusive = options.lte !== undefined
    this.#upper =
      options.lte !== undefined
        ? toKey(options.lte)
        : options.lt !== undefined
          ? toKey(options.lt)
          : undefined
    this.#reverse = options.reverse ?? false
    this.#limit = limit === -1 ? Number.POSITIVE_INFINITY : limit
    this.#core = core
    this.#onClose = onClose
    // The iterator pins the view's tables itself, so it outlives a snapshot it came from.
    this.#tables = core.pin(view.levels)
    this.#cursor = viewCursor(view)
  }

  /**
   * The next entry.
   *
   * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CLOSED` after close; `LEVEL_CORRUPTION` when a table is
   *   damaged.
   */
  async next(): Promise<IteratorResult<Entry, undefined>> {
    const entry = this.#step()
    if (entry === undefined) {
      await this.close()
      return { done: true, value: undefined }
    }
    return { done: false, value: entry }
  }

  /** Up to `size` next entries; fewer (or none) at the end. */
  async nextv(size: number): Promise<Entry[]> {
    this.#checkOpen()
    if (!Number.isInteger(size) || size < 0) {
      throw new LsmError(
        ErrorCode.INVALID_OPTION,
        `engine: nextv() takes a whole number; got ${String(size)}`,
      )
    }
    const entries: Entry[] = []
    while (entries.length < size) {
      const entry = this.#step()
      if (entry === undefined) break
      entries.push(entry)
    }
    return entries
  }

  /** Every remaining entry; closes the iterator. */
  async all(): Promise<Entry[]> {
    try {
      return await this.nextv(Number.MAX_SAFE_INTEGER)
    } finally {
      await this.close()
    }
  }

  /**
   * Moves to `target`: the next entry is the first at or after it (at or before it when
   * reversed), within the iterator's range.
   */
  seek(target: Bytes): void {
    this.#checkOpen()
    const key = toKey(target)
    this.#positioned = true
    this.#fresh = true
    if (this.#reverse) {
      const bound = this.#upper !== undefined && compareKeys(key, this.#upper) > 0 ? this.#upper : key
      this.#cursor.seekForPrev(bound)
      if (
        !this.#upperInclusive &&
        this.#upper !== undefined &&
        this.#cursor.valid &&
        compareKeys(this.#cursor.key, this.#upper) === 0
      )
        this.#cursor.prev()
    } else {
      const bound = this.#lower !== undefined && compareKeys(key, this.#lower) < 0 ? this.#lower : key
      this.#cursor.seek(bound)
      if (
        !this.#lowerInclusive &&
        this.#lower !== undefined &&
        this.#cursor.valid &&
        compareKeys(this.#cursor.key, this.#lower) === 0
      )
        this.#cursor.next()
    }
  }

  /** Releases the snapshot. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#cursor.release()
    this.#onClose(this)
    await this.#core.unpin(this.#tables)
  }

  /** Closes the iterator; what `break` in a `for await` loop calls. */
  async return(): Promise<IteratorResult<Entry, undefined>> {
    await this.close()
    return { done: true, value: undefined }
  }

  /** Closes the iterator. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  #checkOpen(): void {
    if (this.#closed) throw new LsmError(ErrorCode.CLOSED, 'engine: the iterator is closed')
  }

  // One entry forward (or backward), skipping tombstones, or undefined at the end of the range.
  #step(): Entry | undefined {
    this.#checkOpen()
    if (this.#count >= this.#limit) return undefined
    const cursor = this.#cursor
    if (!this.#positioned) {
      this.#positioned = true
      if (this.#reverse ? this.#upper !== undefined : this.#lower !== undefined) {
        this.seek(this.#reverse ? this.#upper! : this.#lower!)
      } else if (this.#reverse) cursor.seekToLast()
      else cursor.seekToFirst()
    } else if (!this.#fresh && cursor.valid) {
      if (this.#reverse) cursor.prev()
      else cursor.next()
    }
    this.#fresh = false
    while (cursor.valid) {
      // A view: the bound check keeps no key, and `key` would be a copy.
      if (this.#beyondEnd(cursor.keyView)) return undefined
      const value = cursor.value
      if (value !== undefined) {
        this.#count++
        // Both are copies already (see Cursor): a slice() each, which the iterator made before,
        // cost a new ArrayBuffer per key and per value.
        return [cursor.key, value]
      }
      if (this.#reverse) cursor.prev()
      else cursor.next()
    }
    return undefined
  }

  #beyondEnd(key: Uint8Array): boolean {
    if (this.#reverse) {
      if (this.#lower === undefined) return false
      const c = compareKeys(key, this.#lower)
      return this.#lowerInclusive ? c < 0 : c <= 0
    }
    if (this.#upper === undefined) return false
    const c = compareKeys(key, this.#upper)
    return this.#upperInclusive ? c > 0 : c >= 0
  }
}
