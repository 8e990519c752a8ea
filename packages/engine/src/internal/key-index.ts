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
import { NONE, type Nodes } from './memtable-node.js'

/**
 * Most keys a leaf holds before it splits. Searches cost about log2(keys) comparisons either
 * way; a larger leaf moves more array slots per insert, a smaller one makes the array of leaf
 * boundaries longer. 64 to 256 measured alike; 128 sits in the middle.
 */
export const LEAF_CAPACITY = 128

/** Keys in order, each with its node; see the module comment. */
export class KeyIndex {
  /** The nodes the index orders. */
  readonly nodes: Nodes
  /** The node of the smallest key, or {@link NONE} when empty. */
  first = NONE
  /** The node of the largest key, or {@link NONE} when empty. */
  last = NONE
  // Leaf i holds texts[i] (sorted) and ids[i], their nodes, in the same order. `lows[i]` is the
  // smallest key leaf i may hold: its first key, except leaf 0's, which is '' so that every key
  // finds a leaf. Only the last leaf may be empty, and only while the whole index is.
  readonly #texts: string[][] = [[]]
  readonly #ids: number[][] = [[]]
  readonly #lows: string[] = ['']

  /** An empty index over `nodes`, which it adds to. */
  constructor(nodes: Nodes) {
    this.nodes = nodes
  }

  /** The node whose key is `text`, or {@link NONE}. */
  find(text: string): number {
    const leaf = this.#leafOf(text)
    const texts = this.#texts[leaf]!
    const i = lowerBound(texts, text)
    return i < texts.length && texts[i] === text ? this.#ids[leaf]![i]! : NONE
  }

  /** The node of the first key ≥ `text`, or {@link NONE}. */
  findGreaterOrEqual(text: string): number {
    const leaf = this.#leafOf(text)
    const texts = this.#texts[leaf]!
    const i = lowerBound(texts, text)
    if (i < texts.length) return this.#ids[leaf]![i]!
    // Past the leaf's end: the next key, if any, is the next leaf's first, one link away. (Only
    // an empty index has an empty leaf.)
    return i === 0 ? NONE : this.nodes.next[this.#ids[leaf]![i - 1]!]!
  }

  /** The node of the last key ≤ `text`, or {@link NONE}. */
  findLessOrEqual(text: string): number {
    const leaf = this.#leafOf(text)
    const texts = this.#texts[leaf]!
    const i = lowerBound(texts, text)
    if (i < texts.length && texts[i] === text) return this.#ids[leaf]![i]!
    // A leaf past the first starts with its low bound, which is ≤ `text`, so only in leaf 0
    // (low bound '') can no key lie below `text`.
    return i > 0 ? this.#ids[leaf]![i - 1]! : NONE
  }

  /** True when `text` sorts above every key held, so that {@link KeyIndex.append} may take it. */
  isAboveLast(text: string): boolean {
    const last = this.last
    return last === NONE || this.nodes.texts[last]! < text
  }

  /**
   * Links in `node`, already added to the nodes, whose key is `text`. REQUIRES: the index does
   * not hold `text` (the memtable finds a key before it adds one).
   */
  insert(node: number, text: string): void {
    if (this.isAboveLast(text)) this.append(node, text)
    else {
      const leaf = this.#leafOf(text)
      this.#link(node, text, leaf, lowerBound(this.#texts[leaf]!, text))
    }
  }

  /**
   * Links in `node` at the end: no search, as an in-order load needs. REQUIRES: {@link
   * KeyIndex.isAboveLast} of `text`.
   */
  append(node: number, text: string): void {
    const leaf = this.#texts.length - 1
    this.#link(node, text, leaf, this.#texts[leaf]!.length)
  }

  // Puts `node` (key `text`) at slot `at` of leaf `leaf` (where a search for its key ended) and
  // on the list.
  #link(node: number, text: string, leaf: number, at: number): void {
    const texts = this.#texts[leaf]!
    const ids = this.#ids[leaf]!
    const { next, prev } = this.nodes
    const before = at > 0 ? ids[at - 1]! : leaf > 0 ? this.#ids[leaf - 1]!.at(-1)! : NONE
    const after = before === NONE ? this.first : next[before]!
    prev[node] = before
    next[node] = after
    if (before === NONE) this.first = node
    else next[before] = node
    if (after === NONE) this.last = node
    else prev[after] = node
    if (at === texts.length) {
      texts.push(text)
      ids.push(node)
    } else {
      texts.splice(at, 0, text)
      ids.splice(at, 0, node)
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
    const upperIds = this.#ids[leaf]!.splice(cut)
    this.#texts.splice(leaf + 1, 0, upperTexts)
    this.#ids.splice(leaf + 1, 0, upperIds)
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
