/**
 * The cursor over a {@link Memtable} at a fixed snapshot.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import type { TableBuilder } from '@lsmkit/sstable'
import type { Cursor } from './cursor.js'
import type { KeyIndex } from './key-index.js'
import { keyText, type Node, visibleValue } from './memtable-node.js'

// A position in a memtable's index at a fixed snapshot. Nodes with no version in the snapshot (keys
// first written later) are stepped over, so later inserts next to the position stay hidden.
export class MemtableCursor implements Cursor {
  readonly #index: KeyIndex
  readonly #snapshot: number
  #node: Node | null = null
  #value: Uint8Array | undefined = undefined

  constructor(index: KeyIndex, snapshot: number) {
    this.#index = index
    this.#snapshot = snapshot
  }

  get valid(): boolean {
    return this.#node !== null
  }

  get key(): Uint8Array {
    const node = this.#node
    if (node === null) throw notPositioned()
    return node.key
  }

  get value(): Uint8Array | undefined {
    if (this.#node === null) throw notPositioned()
    return this.#value
  }

  get keyView(): Uint8Array {
    return this.key
  }

  addTo(builder: TableBuilder, dropTombstones: boolean): boolean {
    const value = this.value
    if (value === undefined && dropTombstones) return false
    builder.add(this.key, value)
    return true
  }

  seekToFirst(): void {
    this.#settle(this.#index.first, true)
  }

  seekToLast(): void {
    this.#settle(this.#index.last, false)
  }

  seek(key: Uint8Array): void {
    this.#settle(this.#index.findGreaterOrEqual(keyText(key)), true)
  }

  seekForPrev(key: Uint8Array): void {
    this.#settle(this.#index.findLessOrEqual(keyText(key)), false)
  }

  next(): void {
    const node = this.#node
    if (node !== null) this.#settle(node.next, true)
  }

  prev(): void {
    const node = this.#node
    if (node !== null) this.#settle(node.prev, false)
  }

  release(): void {
    this.#node = null
    this.#value = undefined
  }

  // Stops on the first node from `from` on, in the direction given, with a version in the
  // snapshot; unpositions when there is none.
  #settle(from: Node | null, forward: boolean): void {
    let node = from
    while (node !== null) {
      const value = visibleValue(node, this.#snapshot)
      if (value !== null) {
        this.#node = node
        this.#value = value
        return
      }
      node = forward ? node.next : node.prev
    }
    this.#node = null
    this.#value = undefined
  }
}

function notPositioned(): LsmError {
  return new LsmError(ErrorCode.NOT_SUPPORTED, 'engine: the cursor is not positioned on an entry')
}
