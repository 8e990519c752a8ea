/**
 * The cursor every source of entries offers the engine: memtables, tables, levels, and the
 * merge of them all. Synchronous: memtables are in memory and tables are read with `readSync`
 * from the page cache, so a cursor step never waits on the thread pool.
 *
 * @module
 */

/**
 * A position over entries sorted by key (bytewise). `value` is `undefined` for a tombstone.
 * `key` and `value` may only be read while `valid`.
 */
export interface Cursor {
  /** True when the cursor is on an entry. */
  readonly valid: boolean
  /** The current entry's key: a new copy on each read, which the reader owns. */
  readonly key: Uint8Array
  /**
   * The current entry's value, `undefined` for a tombstone (a delete): a new copy on each read,
   * which the reader owns.
   */
  readonly value: Uint8Array | undefined
  /**
   * The current entry's key, perhaps as a view of the cursor's own memory: valid only until the
   * cursor moves. For comparing keys without copying them; read {@link Cursor.key} to keep one.
   */
  readonly keyView: Uint8Array
  /** Moves to the first entry. */
  seekToFirst(): void
  /** Moves to the last entry. */
  seekToLast(): void
  /** Moves to the first entry whose key is ≥ `key`. */
  seek(key: Uint8Array): void
  /** Moves to the last entry whose key is ≤ `key`. */
  seekForPrev(key: Uint8Array): void
  /** Moves to the next entry; invalid past the last. */
  next(): void
  /** Moves to the previous entry; invalid before the first. */
  prev(): void
  /**
   * Unpositions the cursor and lets go of what it holds (a table cursor's current block, whose
   * memory the block cache may then reuse). A later seek positions it again.
   */
  release(): void
}
