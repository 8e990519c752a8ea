/**
 * MergeCursor: one ordered view over several sources (memtables, level-0 tables, levels), in
 * the manner of LevelDB's `MergingIterator`. Unlike LevelDB's, whose internal keys are unique,
 * the children here may hold the same user key: the newest child's entry wins and the others
 * are stepped over with it.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { compareKeys } from '@lsmkit/sstable'
import type { Cursor } from './cursor.js'

/**
 * A cursor over the union of its children's keys. For each key it shows the entry of the
 * newest child holding it (children are given newest first); older children's entries for the
 * same key are shadowed. Deletes show as value `undefined`: hiding them is the caller's call.
 *
 * Both directions work, and so does turning around: on a switch, every other child is
 * re-sought to the current key, as LevelDB does, so a switch costs one seek per child. A step
 * in the same direction costs one move of each child on the current key and a linear scan of
 * the children: meant for the few sources of an LSM tree (≤ ~20), not for hundreds.
 *
 * The merge takes over its children: do not move them yourself while it is in use. It starts
 * unpositioned; `next` and `prev` on an invalid merge leave it invalid.
 *
 * @example
 * ```ts
 * const merged = new MergeCursor([memtable.cursor(seq), ...tables.map((t) => t.cursor())])
 * for (merged.seek(from); merged.valid; merged.next()) {
 *   if (merged.value !== undefined) emit(merged.key, merged.value)
 * }
 * ```
 */
export class MergeCursor implements Cursor {
  readonly #children: readonly Cursor[]
  // The children other than the current one that sit on the current key: the shadowed
  // duplicates, recorded by the scan that chose the current child so a step moves them
  // without comparing keys again.
  readonly #ties: Int32Array
  #tieCount = 0
  #current = -1
  #forward = true
  // Each child's current key (undefined when it is not valid) as a view of the child's memory,
  // read once per move of that child, which is as long as such a view stays valid. The scan
  // that picks the current child compares every child's key on every step; it needs no copies.
  readonly #heads: (Uint8Array | undefined)[]

  /** A merge of `children`, newest first. The array is copied; the cursors are not. */
  constructor(children: readonly Cursor[]) {
    this.#children = children.slice()
    this.#ties = new Int32Array(children.length)
    this.#heads = children.map(() => undefined)
  }

  /** True when on an entry. */
  get valid(): boolean {
    return this.#current >= 0
  }

  /** The current key. @throws {@link @lsmkit/fs!LsmError} `LEVEL_NOT_SUPPORTED` when not valid. */
  get key(): Uint8Array {
    return this.#currentChild().key
  }

  /** The current value from the newest child with the key; `undefined` for a delete. */
  get value(): Uint8Array | undefined {
    return this.#currentChild().value
  }

  /** The current key, valid until the cursor moves; see {@link Cursor.keyView}. */
  get keyView(): Uint8Array {
    this.#currentChild()
    return this.#heads[this.#current]!
  }

  /** Moves to the smallest key of any child. */
  seekToFirst(): void {
    const children = this.#children
    for (let i = 0; i < children.length; i++) children[i]!.seekToFirst()
    this.#refreshAll()
    this.#findSmallest()
  }

  /** Moves to the largest key of any child. */
  seekToLast(): void {
    const children = this.#children
    for (let i = 0; i < children.length; i++) children[i]!.seekToLast()
    this.#refreshAll()
    this.#findLargest()
  }

  /** Moves to the first key ≥ `key` in any child. */
  seek(key: Uint8Array): void {
    const children = this.#children
    for (let i = 0; i < children.length; i++) children[i]!.seek(key)
    this.#refreshAll()
    this.#findSmallest()
  }

  /** Moves to the last key ≤ `key` in any child. */
  seekForPrev(key: Uint8Array): void {
    const children = this.#children
    for (let i = 0; i < children.length; i++) children[i]!.seekForPrev(key)
    this.#refreshAll()
    this.#findLargest()
  }

  /** Moves to the next key; invalid past the last. */
  next(): void {
    const current = this.#current
    if (current < 0) return
    const children = this.#children
    const child = children[current]!
    if (!this.#forward) {
      // Going backwards, the others sit at or before the key, some well before it; each must
      // be on its first entry after it. `key` is the current child's, which has not moved yet.
      const key = child.key
      for (let i = 0; i < children.length; i++) {
        if (i === current) continue
        const other = children[i]!
        other.seek(key)
        if (other.valid && compareKeys(other.key, key) === 0) other.next()
        this.#refresh(i)
      }
      this.#tieCount = 0
    }
    const ties = this.#ties
    for (let t = 0; t < this.#tieCount; t++) {
      children[ties[t]!]!.next()
      this.#refresh(ties[t]!)
    }
    child.next()
    this.#refresh(current)
    this.#findSmallest()
  }

  /** Moves to the previous key; invalid before the first. */
  prev(): void {
    const current = this.#current
    if (current < 0) return
    const children = this.#children
    const child = children[current]!
    if (this.#forward) {
      // Mirror of next: each other child goes to its last entry before the key. Off the end
      // (nothing ≥ key), that is its last entry.
      const key = child.key
      for (let i = 0; i < children.length; i++) {
        if (i === current) continue
        const other = children[i]!
        other.seek(key)
        if (other.valid) other.prev()
        else other.seekToLast()
        this.#refresh(i)
      }
      this.#tieCount = 0
    }
    const ties = this.#ties
    for (let t = 0; t < this.#tieCount; t++) {
      children[ties[t]!]!.prev()
      this.#refresh(ties[t]!)
    }
    child.prev()
    this.#refresh(current)
    this.#findLargest()
  }

  // Current becomes the child on the smallest key, the newest on a tie (the first in order,
  // as only a strictly smaller key displaces it); the other children on that key are ties.
  #findSmallest(): void {
    const heads = this.#heads
    const ties = this.#ties
    let current = -1
    let smallest: Uint8Array | undefined
    let tieCount = 0
    for (let i = 0; i < heads.length; i++) {
      const key = heads[i]
      if (key === undefined) continue
      const c = smallest === undefined ? -1 : compareKeys(key, smallest)
      if (c < 0) {
        current = i
        smallest = key
        tieCount = 0
      } else if (c === 0) ties[tieCount++] = i
    }
    this.#current = current
    this.#tieCount = tieCount
    this.#forward = true
  }

  // Mirror of #findSmallest.
  #findLargest(): void {
    const heads = this.#heads
    const ties = this.#ties
    let current = -1
    let largest: Uint8Array | undefined
    let tieCount = 0
    for (let i = 0; i < heads.length; i++) {
      const key = heads[i]
      if (key === undefined) continue
      const c = largest === undefined ? 1 : compareKeys(key, largest)
      if (c > 0) {
        current = i
        largest = key
        tieCount = 0
      } else if (c === 0) ties[tieCount++] = i
    }
    this.#current = current
    this.#tieCount = tieCount
    this.#forward = false
  }

  /** Releases every child. */
  release(): void {
    for (const child of this.#children) child.release()
    this.#heads.fill(undefined)
    this.#current = -1
    this.#tieCount = 0
  }

  #refresh(i: number): void {
    const child = this.#children[i]!
    this.#heads[i] = child.valid ? child.keyView : undefined
  }

  #refreshAll(): void {
    for (let i = 0; i < this.#children.length; i++) this.#refresh(i)
  }

  #currentChild(): Cursor {
    const current = this.#current
    if (current < 0) {
      throw new LsmError(ErrorCode.NOT_SUPPORTED, 'engine: the cursor is not positioned on an entry')
    }
    return this.#children[current]!
  }
}
