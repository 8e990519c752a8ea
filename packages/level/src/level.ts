/**
 * LsmLevel: lsmkit as an abstract-level database.
 *
 * @module
 */
import { Engine, type EngineOptions, type EngineSnapshot } from '@lsmkit/engine'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { type AbstractDatabaseOptions, AbstractLevel } from 'abstract-level'
import { toLevelError } from './errors.js'
import { engineRange, LsmIterator, type PrivateIteratorOptions } from './iterator.js'
import { MANIFEST } from './manifest.js'
import { LsmSnapshot } from './snapshot.js'
import { decodeValue, encodeValue } from './value-codec.js'

/**
 * Options of {@link LsmLevel}: abstract-level's (`keyEncoding`, `valueEncoding`, `passive`,
 * `createIfMissing`, `errorIfExists`) and every engine option, passed through to
 * `Engine.open` (see `@lsmkit/engine`: `durability`, `memtableSize`, `fs`…).
 */
export type LsmLevelOptions<K = string, V = string> = AbstractDatabaseOptions<K, V> &
  Omit<EngineOptions, 'createIfMissing' | 'errorIfExists'>

/** Operations of `_batch()`, as abstract-level gives them: encoded, one per entry. */
export interface PrivateOperation {
  /** A put or a delete. */
  readonly type: 'put' | 'del'
  /** The encoded key. */
  readonly key: Uint8Array
  /** The encoded value, for a put. */
  readonly value?: Uint8Array
}

/** The options abstract-level gives private reads: an explicit snapshot, if any. */
export interface ReadOptions {
  /** The {@link LsmSnapshot} to read from, when one was given. */
  readonly snapshot?: unknown
}

// The engine options an LsmLevel passes through; the rest of `open()`'s options are
// abstract-level's own.
const ENGINE_OPTIONS = [
  'fs',
  'durability',
  'enableWal',
  'walRecovery',
  'memtableSize',
  'logBlockSize',
  'targetFileSize',
  'blockSize',
  'blockRestartInterval',
  'bloomBitsPerKey',
  'blockCacheSize',
  'tableMemorySize',
  'l0CompactionTrigger',
  'l0SlowdownTrigger',
  'l0StopTrigger',
  'l1MaxBytes',
] as const satisfies readonly (keyof EngineOptions)[]

const CLEAR_CHUNK = 1000

/**
 * An abstract-level database stored by the lsmkit engine in the directory `location`. Works
 * with the level ecosystem: sublevels, encodings, `level-read-stream`, hooks and events.
 *
 * Keys and values are stored as bytes (abstract-level's `'view'` format; other encodings are
 * transcoded by abstract-level). Keys are up to 65,535 bytes and values up to 65,534: each value
 * is stored behind one prefix byte, so that empty values round-trip although the engine
 * reserves length 0 for deletes (see `value-codec.ts`).
 *
 * Reads use snapshots: `get`, `getMany`, `has` and `hasMany` read synchronously, and every
 * iterator reads the database as it was when created. `db.snapshot()` gives explicit ones.
 *
 * Errors carry abstract-level's codes: `LEVEL_INVALID_KEY` / `LEVEL_INVALID_VALUE` for a key or
 * value the engine cannot store, `LEVEL_CORRUPTION`, `LEVEL_IO_ERROR`, and on open
 * `LEVEL_DATABASE_NOT_OPEN` whose `cause` is the engine's error (`LEVEL_LOCKED`…).
 *
 * @example
 * ```ts
 * const db = new LsmLevel('./data', { valueEncoding: 'json' })
 * await db.put('user:1', { name: 'ada' })
 * console.log(await db.get('user:1')) // { name: 'ada' }
 * await db.close()
 * ```
 */
export class LsmLevel<KDefault = string, VDefault = string> extends AbstractLevel<
  Uint8Array,
  KDefault,
  VDefault
> {
  readonly #location: string
  #engine: Engine | undefined

  /** A database in `location`, opened on first use (or by `open()`). */
  constructor(location: string, options?: LsmLevelOptions<KDefault, VDefault>) {
    super(MANIFEST, options as AbstractDatabaseOptions<KDefault, VDefault>)
    if (typeof location !== 'string' || location === '') {
      throw new TypeError("The first argument 'location' must be a non-empty string")
    }
    this.#location = location
  }

  /** The database directory. */
  get location(): string {
    return this.#location
  }

  /** The engine under the adapter, for `stats()`, `flush()` and `compact()`; set while open. */
  get engine(): Engine | undefined {
    return this.#engine
  }

  /** Opens the engine; abstract-level wraps a failure in `LEVEL_DATABASE_NOT_OPEN`. */
  async _open(options: EngineOptions & Record<string, unknown>): Promise<void> {
    const engineOptions: Record<string, unknown> = {
      createIfMissing: options.createIfMissing,
      errorIfExists: options.errorIfExists,
    }
    for (const name of ENGINE_OPTIONS) {
      if (options[name] !== undefined) engineOptions[name] = options[name]
    }
    this.#engine = await Engine.open(this.#location, engineOptions as EngineOptions)
  }

  /** Closes the engine (abstract-level has closed iterators and snapshots first). */
  async _close(): Promise<void> {
    const engine = this.#engine
    this.#engine = undefined
    await engine?.close()
  }

  /** Stores `value` behind its prefix byte. */
  async _put(key: Uint8Array, value: Uint8Array): Promise<void> {
    await this.#open().put(key, encodeValue(value))
  }

  /** Reads from the explicit snapshot if given, else from an implicit one taken now. */
  async _get(key: Uint8Array, options: ReadOptions): Promise<Uint8Array | undefined> {
    return this._getSync(key, options)
  }

  /** The synchronous twin of `_get()`: memtables and the page cache serve it. */
  _getSync(key: Uint8Array, options: ReadOptions): Uint8Array | undefined {
    const stored = this.#read(options, (reader) => reader.getSync(key))
    return stored === undefined ? undefined : decodeValue(stored)
  }

  /** Every value read at one snapshot. */
  async _getMany(keys: Uint8Array[], options: ReadOptions): Promise<(Uint8Array | undefined)[]> {
    return this.#read(options, (reader) =>
      keys.map((key) => {
        const stored = reader.getSync(key)
        return stored === undefined ? undefined : decodeValue(stored)
      }),
    )
  }

  /** True when `key` has a value. */
  async _has(key: Uint8Array, options: ReadOptions): Promise<boolean> {
    return this.#read(options, (reader) => reader.getSync(key) !== undefined)
  }

  /** Whether each key has a value, read at one snapshot. */
  async _hasMany(keys: Uint8Array[], options: ReadOptions): Promise<boolean[]> {
    return this.#read(options, (reader) => keys.map((key) => reader.getSync(key) !== undefined))
  }

  /** Removes `key`. */
  async _del(key: Uint8Array): Promise<void> {
    await this.#open().delete(key)
  }

  /** Applies the operations atomically, values behind their prefix byte. */
  async _batch(operations: readonly PrivateOperation[]): Promise<void> {
    await this.#open().batch(
      operations.map((op) =>
        op.type === 'put'
          ? { type: 'put', key: op.key, value: encodeValue(op.value ?? new Uint8Array(0)) }
          : { type: 'del', key: op.key },
      ),
    )
  }

  /** An iterator over the explicit snapshot if given, else over an implicit one taken now. */
  _iterator(options: PrivateIteratorOptions & ReadOptions): LsmIterator {
    return new LsmIterator(this, options, () =>
      this.#read(options, (reader) => reader.iterator(engineRange(options))),
    )
  }

  /**
   * Deletes the range, reading it at a snapshot (explicit, or taken now) so that writes made
   * after the call are untouched. Not atomic: deletes go in batches of 1,000 keys.
   */
  async _clear(options: PrivateIteratorOptions & ReadOptions): Promise<void> {
    const engine = this.#open()
    const it = this.#read(options, (reader) => reader.iterator(engineRange(options)))
    try {
      for (;;) {
        const entries = await it.nextv(CLEAR_CHUNK)
        if (entries.length === 0) break
        await engine.batch(entries.map(([key]) => ({ type: 'del', key })))
      }
    } finally {
      await it.close()
    }
  }

  /** An explicit snapshot over an engine snapshot taken now. */
  _snapshot(options: object): LsmSnapshot {
    return new LsmSnapshot(options, this.#open().snapshot())
  }

  #open(): Engine {
    const engine = this.#engine
    if (engine === undefined) {
      throw new LsmError(ErrorCode.DATABASE_NOT_OPEN, 'level: the database is not open')
    }
    return engine
  }

  // Runs `read` on the explicit snapshot in `options`, or on the engine (an implicit one).
  #read<T>(options: ReadOptions, read: (reader: Engine | EngineSnapshot) => T): T {
    const snapshot = options.snapshot
    const reader = snapshot instanceof LsmSnapshot ? snapshot.engineSnapshot : this.#open()
    try {
      return read(reader)
    } catch (err) {
      throw toLevelError(err, snapshot instanceof LsmSnapshot ? 'snapshot' : 'database')
    }
  }
}
