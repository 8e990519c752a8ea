/**
 * The ordered index under {@link Memtable}: every node in key order on a doubly linked list,
 * which cursors walk, and above it a shallow B+-tree of leaves (sorted arrays of up to
 * {@link LEAF_CAPACITY} keys), which searches use.
 *
 * Why not LevelDB's skip list, which this replaced: in JavaScript each skip-list step reads a
 * node, its array of links and its key string, three objects scattered over the heap, and a
 * search takes about twenty steps. A memtable of 31,000 of the bench's keys in random order
 * took 5.6–6.3 µs per put that way; a binary search over leaf arrays reads one string per
 * step, about fifteen of them (see `docs/guides/performance.md`, "Fourth round"). Nodes also
 * lose their per-node array of links, one object fewer for every key to survive collections.
 *
 * Nodes are never removed, and a node's links change only to let a new neighbour in, so a
 * cursor's node stays valid and in order however the index grows.
 *
 * @module
 */
import { Node } from './memtable-node.js'

/**
 * Most keys a leaf holds before it splits. Searches cost about log2(keys) comparisons either
 * way; a larger leaf moves more array slots per insert, a smaller one makes the array of leaf
 * boundaries longer. 64 to 256 measured alike; 128 sits in the middle.
 */
export const LEAF_CAPACITY = 128

/** Keys in order, each with its node; see the module comment. */
export class KeyIndex {
  /** The node of the smallest key, or null when empty. */
  first: Node | null = null
  /** The node of the largest key, or null when empty. */
  last: Node | null = null
  // Leaf i holds texts[i] (sorted) and nodes[i] (the same order). `lows[i]` is the smallest
  // key leaf i may hold: its first key, except leaf 0's, which is '' so that every key finds
  // a leaf. Only the last leaf may be empty, and only while the whole index is.
  readonly #texts: string[][] = [[]]
  readonly #nodes: Node[][] = [[]]
  readonly #lows: string[] = ['']

  /** The node whose key is `text`, or undefined. */
  find(text: string): Node | undefined {
    const leaf = this.#leafOf(text)
    const texts = this.#texts[leaf]!
    const i = lowerBound(texts, text)
    return i < texts.length && texts[i] === text ? this.#nodes[leaf]![i] : undefined
  }

  /** The node of the first key ≥ `text`, or null. */
  findGreaterOrEqual(text: string): Node | null {
    const leaf = this.#leafOf(text)
    const texts = this.#texts[leaf]!
    const i = lowerBound(texts, text)
    if (i < texts.length) return this.#nodes[leaf]![i]!
    // Past the leaf's end: the next key, if any, is the next leaf's first, one link away. (Only
    // an empty index has an empty leaf.)
    return i === 0 ? null : this.#nodes[leaf]![i - 1]!.next
  }

  /** The node of the last key ≤ `text`, or null. */
  findLessOrEqual(text: string): Node | null {
    const leaf = this.#leafOf(text)
    const texts = this.#texts[leaf]!
    const i = lowerBound(texts, text)
    if (i < texts.length && texts[i] === text) return this.#nodes[leaf]![i]!
    // A leaf past the first starts with its low bound, which is ≤ `text`, so only in leaf 0
    // (low bound '') can no key lie below `text`.
    return i > 0 ? this.#nodes[leaf]![i - 1]! : null
  }

  /**
   * The node of `text` when the key is held; otherwise links in a new node for it, whose
   * value is `buffer[at .. at + length)` (a delete when `buffer` is null) at `seq`, and returns
   * null. Keys above the last one, as an in-order load writes them, need one comparison and
   * no search.
   */
  findOrInsert(
    text: string,
    seq: number,
    buffer: ArrayBufferLike | null,
    at: number,
    length: number,
  ): Node | null {
    const last = this.last
    let leaf: number
    let slot: number
    if (last === null || last.text < text) {
      leaf = this.#texts.length - 1
      slot = this.#texts[leaf]!.length
    } else {
      leaf = this.#leafOf(text)
      const texts = this.#texts[leaf]!
      slot = lowerBound(texts, text)
      if (slot < texts.length && texts[slot] === text) return this.#nodes[leaf]![slot]!
    }
    this.#link(new Node(text, seq, buffer, at, length), leaf, slot)
    return null
  }

  // Puts `node` at slot `at` of leaf `leaf` (where a search for its key ended) and on the list.
  #link(node: Node, leaf: number, at: number): void {
    const texts = this.#texts[leaf]!
    const nodes = this.#nodes[leaf]!
    const before = at > 0 ? nodes[at - 1]! : leaf > 0 ? this.#nodes[leaf - 1]!.at(-1)! : null
    const after = before === null ? this.first : before.next
    node.prev = before
    node.next = after
    if (before === null) this.first = node
    else before.next = node
    if (after === null) this.last = node
    else after.prev = node
    if (at === texts.length) {
      texts.push(node.text)
      nodes.push(node)
    } else {
      texts.splice(at, 0, node.text)
      nodes.splice(at, 0, node)
    }
    // No low bound changes: a key below leaf i's first key searches into leaf i - 1, so only
    // leaf 0, whose bound is '', ever takes a key at its front.
    if (texts.length > LEAF_CAPACITY) this.#split(leaf, at === texts.length - 1)
  }

  // Splits an overfull leaf. An append at the end of the last leaf starts a new leaf with just
  // that key, so in-order loads leave full leaves behind; any other split halves the leaf.
  #split(leaf: number, appended: boolean): void {
    const texts = this.#texts[leaf]!
    const cut = appended && leaf === this.#texts.length - 1 ? texts.length - 1 : texts.length >>> 1
    const upperTexts = texts.splice(cut)
    const upperNodes = this.#nodes[leaf]!.splice(cut)
    this.#texts.splice(leaf + 1, 0, upperTexts)
    this.#nodes.splice(leaf + 1, 0, upperNodes)
    this.#lows.splice(leaf + 1, 0, upperTexts[0]!)
  }

  // The leaf whose range holds `text`: the last one whose low bound is ≤ `text`.
  #leafOf(text: string): number {
    const lows = this.#lows
    let lo = 0
    let hi = lows.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (lows[mid]! <= text) lo = mid
      else hi = mid - 1
    }
    return lo
  }
}

// The first slot of `texts` (sorted) whose key is ≥ `text`; texts.length when none is.
function lowerBound(texts: readonly string[], text: string): number {
  let lo = 0
  let hi = texts.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (texts[mid]! < text) lo = mid + 1
    else hi = mid
  }
  return lo
}
