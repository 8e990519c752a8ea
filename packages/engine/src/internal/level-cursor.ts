/**
 * LevelCursor: one cursor over a whole level of tables, in the manner of LevelDB's
 * concatenating (two-level) iterator over a level's file list. A level's tables do not
 * overlap, so a key is in at most one of them and a binary search over their key ranges
 * finds it without opening any other.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { compareKeys } from '@lsmkit/sstable'
import type { Cursor } from './cursor.js'

/**
 * What a level cursor needs of a table: its key range and a way to read it. A `TableReader`
 * from `@lsmkit/sstable` fits.
 */
export interface LevelFile {
  /** The table's smallest key. */
  readonly smallestKey: Uint8Array
  /** The table's largest key. */
  readonly largestKey: Uint8Array
  /** A new, unpositioned cursor over the table, which keeps what it reads cached unless told not to. */
  cursor(options?: { readonly fillCache?: boolean }): Cursor
}

/**
 * A cursor over the concatenation of a level's tables. REQUIRES: `files` sorted by key, their
 * ranges disjoint (each file's largest key below the next file's smallest), each file
 * non-empty with its range exact.
 *
 * A file's cursor is opened only when the position enters that file, and only the current
 * one is kept: a point seek opens one file, a scan opens each file once. Seeks cost a binary
 * search over the files (O(log files)) plus the file's own seek; next and prev cost the file
 * cursor's step, plus a file open at a boundary.
 *
 * It starts unpositioned; `next` and `prev` on an invalid cursor leave it invalid.
 */
export class LevelCursor implements Cursor {
  readonly #files: readonly LevelFile[]
  #index = -1
  #cursor: Cursor | undefined
  readonly #fillCache: boolean

  /**
   * A cursor over `files`. The array is copied; the files are not. With `fillCache` false
   * (a compaction's one pass), the files' cursors keep nothing they read in the block cache.
   */
  constructor(files: readonly LevelFile[], fillCache = true) {
    this.#files = files.slice()
    this.#fillCache = fillCache
  }

  /** True when on an entry. */
  get valid(): boolean {
    return this.#cursor?.valid === true
  }

  /** The current key. @throws {@link @lsmkit/fs!LsmError} `LEVEL_NOT_SUPPORTED` when not valid. */
  get key(): Uint8Array {
    return this.#current().key
  }

  /** The current value; `undefined` for a delete. */
  get value(): Uint8Array | undefined {
    return this.#current().value
  }

  /** The current key, valid until the cursor moves; see {@link Cursor.keyView}. */
  get keyView(): Uint8Array {
    return this.#current().keyView
  }

  /** Moves to the level's first entry. */
  seekToFirst(): void {
    this.#enter(0)?.seekToFirst()
    this.#skipForward()
  }

  /** Moves to the level's last entry. */
  seekToLast(): void {
    this.#enter(this.#files.length - 1)?.seekToLast()
    this.#skipBackward()
  }

  /** Moves to the first entry with key ≥ `key`: in the first file whose largest key is ≥ it. */
  seek(key: Uint8Array): void {
    const files = this.#files
    let lo = 0
    let hi = files.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareKeys(files[mid]!.largestKey, key) < 0) lo = mid + 1
      else hi = mid
    }
    this.#enter(lo)?.seek(key)
    this.#skipForward()
  }

  /** Moves to the last entry with key ≤ `key`: in the last file whose smallest key is ≤ it. */
  seekForPrev(key: Uint8Array): void {
    const files = this.#files
    let lo = 0
    let hi = files.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareKeys(files[mid]!.smallestKey, key) <= 0) lo = mid + 1
      else hi = mid
    }
    this.#enter(lo - 1)?.seekForPrev(key)
    this.#skipBackward()
  }

  /** Moves to the next entry, into the next file at a boundary; invalid past the last. */
  next(): void {
    const cursor = this.#cursor
    if (cursor === undefined || !cursor.valid) return
    cursor.next()
    this.#skipForward()
  }

  /** Moves to the previous entry, into the previous file at a boundary; invalid before the first. */
  prev(): void {
    const cursor = this.#cursor
    if (cursor === undefined || !cursor.valid) return
    cursor.prev()
    this.#skipBackward()
  }

  // Positions on file `i`, or unpositions when there is none. Re-entering the current file
  // keeps its cursor, which saves an open when a seek lands in the same file again.
  #enter(i: number): Cursor | undefined {
    if (i < 0 || i >= this.#files.length) {
      this.#index = -1
      this.#cursor = undefined
      return undefined
    }
    if (i !== this.#index || this.#cursor === undefined) {
      // Drop the old position first, so a file that fails to open leaves this invalid; the
      // old file's cursor lets go of its block.
      this.#index = -1
      this.#cursor?.release()
      this.#cursor = undefined
      this.#cursor = this.#files[i]!.cursor({ fillCache: this.#fillCache })
      this.#index = i
    }
    return this.#cursor
  }

  // Off a file's end, on to the next file's first entry. A loop, not one step, so an empty
  // file (which the REQUIRES rules out) still cannot strand the cursor.
  #skipForward(): void {
    while (this.#cursor !== undefined && !this.#cursor.valid && this.#index + 1 < this.#files.length) {
      this.#enter(this.#index + 1)?.seekToFirst()
    }
  }

  #skipBackward(): void {
    while (this.#cursor !== undefined && !this.#cursor.valid && this.#index > 0) {
      this.#enter(this.#index - 1)?.seekToLast()
    }
  }

  /** Releases the current file's cursor. */
  release(): void {
    this.#cursor?.release()
    this.#cursor = undefined
    this.#index = -1
  }

  #current(): Cursor {
    const cursor = this.#cursor
    if (cursor === undefined || !cursor.valid) {
      throw new LsmError(ErrorCode.NOT_SUPPORTED, 'engine: the cursor is not positioned on an entry')
    }
    return cursor
  }
}
