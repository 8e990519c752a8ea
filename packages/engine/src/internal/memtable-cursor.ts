/**
 * The cursor over a {@link Memtable} at a fixed snapshot.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import type { Cursor } from './cursor.js'
import type { KeyIndex } from './key-index.js'
import { keyText, NONE, type Nodes, visibleValue } from './memtable-node.js'
import { copyForCaller } from './slab.js'

// A position in a memtable's index at a fixed snapshot. Nodes with no version in the snapshot (keys
// first written later) are stepped over, so later inserts next to the position stay hidden.
export class MemtableCursor implements Cursor {
  readonly #index: KeyIndex
  readonly #nodes: Nodes
  readonly #snapshot: number
  #node = NONE
  #value: Uint8Array | undefined = undefined
  #scratch = new Uint8Array(64)
  #views: Uint8Array[] = []

  constructor(index: KeyIndex, snapshot: number) {
    this.#index = index
    this.#nodes = index.nodes
    this.#snapshot = snapshot
  }

  get valid(): boolean {
    return this.#node !== NONE
  }

  get key(): Uint8Array {
    const node = this.#node
    if (node === NONE) throw notPositioned()
    return this.#nodes.key(node)
  }

  // A copy, as a table cursor's is: the memtable's bytes are its own.
  get value(): Uint8Array | undefined {
    if (this.#node === NONE) throw notPositioned()
    const value = this.#value
    return value === undefined ? undefined : copyForCaller(value)
  }

  // One array, rewritten on each read, where `key` makes a new one: a merge reads every child's
  // key view after each of its moves. A view per key length is kept, so that keys of one length
  // (the usual case) cost no allocation at all.
  get keyView(): Uint8Array {
    const node = this.#node
    if (node === NONE) throw notPositioned()
    const length = this.#nodes.texts[node]!.length
    if (length > this.#scratch.length) {
      this.#scratch = new Uint8Array(Math.max(length, 2 * this.#scratch.length))
      this.#views = []
    }
    this.#nodes.copyKey(node, this.#scratch)
    let view = this.#views[length]
    if (view === undefined) {
      view = this.#scratch.subarray(0, length)
      this.#views[length] = view
    }
    return view
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
    if (node !== NONE) this.#settle(this.#nodes.next[node]!, true)
  }

  prev(): void {
    const node = this.#node
    if (node !== NONE) this.#settle(this.#nodes.prev[node]!, false)
  }

  release(): void {
    this.#node = NONE
    this.#value = undefined
  }

  // Stops on the first node from `from` on, in the direction given, with a version in the
  // snapshot; unpositions when there is none.
  #settle(from: number, forward: boolean): void {
    const nodes = this.#nodes
    let node = from
    while (node !== NONE) {
      const value = visibleValue(nodes, node, this.#snapshot)
      if (value !== null) {
        this.#node = node
        this.#value = value
        return
      }
      node = forward ? nodes.next[node]! : nodes.prev[node]!
    }
    this.#node = NONE
    this.#value = undefined
  }
}

function notPositioned(): LsmError {
  return new LsmError(ErrorCode.NOT_SUPPORTED, 'engine: the cursor is not positioned on an entry')
}
