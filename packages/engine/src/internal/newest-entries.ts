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
import type { Node } from './memtable-node.js'

// Keys up to this long get a scratch array of their length; longer ones (rare) a new array each.
const SCRATCH_KEY_LENGTH = 256

/** See the module comment. Single use: it walks forwards once. */
export class NewestEntries {
  #node: Node | null
  readonly #keys: (Uint8Array | undefined)[] = []
  // The last value buffer seen and a view of all of it, which consecutive entries share.
  #buffer: ArrayBufferLike | null = null
  #bytes: Uint8Array = new Uint8Array(0)

  /** A walk from `first` (the memtable's first node) onwards. */
  constructor(first: Node | null) {
    this.#node = first
  }

  /** True once every entry has been added. */
  get done(): boolean {
    return this.#node === null
  }

  /**
   * Adds the next entries, at most `limit` of them, to `builder`.
   *
   * @throws {@link @lsmkit/fs!LsmError} as `TableBuilder.add` does.
   */
  addTo(builder: TableBuilder, limit: number): void {
    let node = this.#node
    let added = 0
    while (node !== null && added < limit) {
      const key = this.#scratchKey(node)
      const buffer = node.valueBuffer
      if (buffer === null) builder.add(key, undefined)
      else {
        if (buffer !== this.#buffer) {
          this.#buffer = buffer
          this.#bytes = new Uint8Array(buffer)
        }
        const at = node.valueAt
        builder.add(key, this.#bytes, at, at + node.valueLength)
      }
      node = node.next
      added++
    }
    this.#node = node
  }

  #scratchKey(node: Node): Uint8Array {
    const length = node.text.length
    if (length > SCRATCH_KEY_LENGTH) return node.key
    let key = this.#keys[length]
    if (key === undefined) {
      key = new Uint8Array(length)
      this.#keys[length] = key
    }
    node.copyKey(key)
    return key
  }
}
