/**
 * A flush's walk over a memtable: the newest version of every key, in key order, added to a
 * table builder without an object per entry.
 *
 * Why not the memtable's cursor: a cursor hands out a new key array and a new value view per
 * entry, and a flush of a 4 MiB memtable made about 36,000 of each (plus the generator's
 * result objects) while its nodes were still alive, which kept young-generation collections
 * frequent during bulk loads. Here keys are written into scratch arrays, one per key length,
 * and values are passed to the builder as a range of the buffer holding them.
 *
 * @module
 */
import type { TableBuilder } from '@lsmkit/sstable'
import { NONE, type Nodes } from './memtable-node.js'

// Keys up to this long get a scratch array of their length; longer ones (rare) a new array each.
const SCRATCH_KEY_LENGTH = 256

/** See the module comment. Single use: it walks forwards once. */
export class NewestEntries {
  readonly #nodes: Nodes
  #node: number
  readonly #keys: (Uint8Array | undefined)[] = []
  // The last value buffer seen and a view of all of it, which consecutive entries share.
  #buffer: ArrayBufferLike | null = null
  #bytes: Uint8Array = new Uint8Array(0)

  /** A walk over `nodes` from `first` (the memtable's first node) onwards. */
  constructor(nodes: Nodes, first: number) {
    this.#nodes = nodes
    this.#node = first
  }

  /** True once every entry has been added. */
  get done(): boolean {
    return this.#node === NONE
  }

  /**
   * Adds the next entries, at most `limit` of them, to `builder`.
   *
   * @throws {@link @lsmkit/fs!LsmError} as `TableBuilder.add` does.
   */
  addTo(builder: TableBuilder, limit: number): void {
    const nodes = this.#nodes
    let node = this.#node
    let added = 0
    while (node !== NONE && added < limit) {
      const key = this.#scratchKey(node)
      const buffer = nodes.valueBuffer(node)
      if (buffer === null) builder.add(key, undefined)
      else {
        if (buffer !== this.#buffer) {
          this.#buffer = buffer
          this.#bytes = new Uint8Array(buffer)
        }
        const at = nodes.valueAt(node)
        builder.add(key, this.#bytes, at, at + nodes.valueLength(node))
      }
      node = nodes.next[node]!
      added++
    }
    this.#node = node
  }

  #scratchKey(node: number): Uint8Array {
    const nodes = this.#nodes
    const length = nodes.texts[node]!.length
    if (length > SCRATCH_KEY_LENGTH) return nodes.key(node)
    let key = this.#keys[length]
    if (key === undefined) {
      key = new Uint8Array(length)
      this.#keys[length] = key
    }
    nodes.copyKey(node, key)
    return key
  }
}
