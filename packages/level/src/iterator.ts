/**
 * LsmIterator: abstract-level's iterator over an {@link EngineIterator}.
 *
 * @module
 */
import type { EngineIterator, Entry, IteratorOptions } from '@lsmkit/engine'
import { AbstractIterator } from 'abstract-level'
import { toLevelError } from './errors.js'
import { decodeValue } from './value-codec.js'

/** The options abstract-level gives `db._iterator()`: encoded range, order, limit, flags. */
export interface PrivateIteratorOptions {
  /** Only keys greater than this. */
  readonly gt?: Uint8Array
  /** Only keys greater than or equal to this. */
  readonly gte?: Uint8Array
  /** Only keys less than this. */
  readonly lt?: Uint8Array
  /** Only keys less than or equal to this. */
  readonly lte?: Uint8Array
  /** Largest key first. */
  readonly reverse: boolean
  /** At most this many entries; -1 for no limit. */
  readonly limit: number
  /** Whether keys are wanted (else `undefined` is handed over in their place). */
  readonly keys?: boolean
  /** Whether values are wanted. */
  readonly values?: boolean
}

/** An entry as abstract-level's private iterator API hands it over: encoded key and value. */
export type LevelEntry = [key: Uint8Array | undefined, value: Uint8Array | undefined]

/**
 * The engine iterator's options for abstract-level's: the range, order and limit (-1 for none,
 * as both use). The engine counts the limit too, so `_all()` can hand over in one call.
 */
export function engineRange(options: PrivateIteratorOptions): IteratorOptions {
  const range: { -readonly [K in keyof IteratorOptions]: IteratorOptions[K] } = {
    reverse: options.reverse,
    limit: options.limit,
  }
  if (options.gt !== undefined) range.gt = options.gt
  if (options.gte !== undefined) range.gte = options.gte
  if (options.lt !== undefined) range.lt = options.lt
  if (options.lte !== undefined) range.lte = options.lte
  return range
}

/**
 * An iterator of `[key, value]` as `Uint8Array`s (abstract-level decodes them to the caller's
 * encodings). Reads the implicit snapshot the engine iterator takes when created, or the
 * explicit snapshot it was given. Seeking works in both directions and after the end.
 */
export class LsmIterator extends AbstractIterator<object, Uint8Array, Uint8Array> {
  readonly #it: EngineIterator | undefined
  readonly #failure: unknown
  readonly #keys: boolean
  readonly #values: boolean

  /**
   * @internal Use `db.iterator()`. `open` makes the engine iterator, now (it takes the
   * snapshot). If it fails, the error is thrown by the first read instead: abstract-level has
   * registered this iterator with the database by then, and an iterator that failed to
   * construct could not be closed by `db.close()`.
   */
  constructor(db: object, options: PrivateIteratorOptions, open: () => EngineIterator) {
    // The private options are the public ones encoded; abstract-level types only the public.
    super(db, options as never)
    let it: EngineIterator | undefined
    try {
      it = open()
    } catch (err) {
      this.#failure = err
    }
    this.#it = it
    this.#keys = options.keys !== false
    this.#values = options.values !== false
  }

  /** The next entry, or `undefined` at the end. */
  async _next(): Promise<LevelEntry | undefined> {
    const [entry] = await this.#nextv(1)
    return entry
  }

  /** Up to `size` next entries; an empty array at the end. */
  async _nextv(size: number): Promise<LevelEntry[]> {
    return this.#nextv(size)
  }

  /** Every remaining entry (within the limit). */
  async _all(): Promise<LevelEntry[]> {
    return this.#nextv(Number.MAX_SAFE_INTEGER)
  }

  /** Moves so that the next entry is the first at or after `target` (before, reversed). */
  _seek(target: Uint8Array): void {
    try {
      this.#engineIterator().seek(target)
    } catch (err) {
      throw toLevelError(err, 'iterator')
    }
  }

  /** Closes the engine iterator, releasing its tables. */
  async _close(): Promise<void> {
    await this.#it?.close()
  }

  #engineIterator(): EngineIterator {
    if (this.#it === undefined) throw this.#failure
    return this.#it
  }

  // nextv, never next: the engine closes an iterator whose next() reaches the end, and
  // abstract-level allows a seek after the end.
  async #nextv(size: number): Promise<LevelEntry[]> {
    let entries: Entry[]
    try {
      entries = await this.#engineIterator().nextv(size)
    } catch (err) {
      throw toLevelError(err, 'iterator')
    }
    const keys = this.#keys
    const values = this.#values
    return entries.map(([key, value]) => [keys ? key : undefined, values ? decodeValue(value) : undefined])
  }
}
