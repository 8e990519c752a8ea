/**
 * Finding a lookup's data block among the index's separators, by numbers before strings.
 *
 * A binary search over the separators' texts reads one heap string per step, each somewhere
 * else in memory, and a table's lookup waits on those reads more than it computes. All of a
 * table's separators share the prefix of its first and last, so the six bytes after that prefix
 * tell nearly all of them apart: those bytes, as one number per separator in a Float64Array,
 * make a search that reads one small contiguous array and compares numbers, and looks at a
 * string only where two numbers tie (see `docs/guides/performance.md`, "Twelfth round").
 *
 * Why the numbers order as the strings do: a text's number is its six bytes after the prefix,
 * zero-padded past its end, big-endian. If one text's number is below another's, they first
 * differ at a byte where the first has a smaller byte, or has ended while the other goes on:
 * either way the first text sorts below. Equal numbers decide nothing, so those compare as
 * strings. This holds between texts that share the prefix; a target that does not is searched
 * by strings alone.
 *
 * @module
 */

const WIDTH = 6

/** The index of the first of a table's separator texts that is at least a target text. */
export class SeparatorSearch {
  readonly #texts: readonly string[]
  readonly #prefix: string
  readonly #numbers: Float64Array

  /** REQUIRES: `texts` is strictly increasing and not modified afterwards. */
  constructor(texts: readonly string[]) {
    this.#texts = texts
    const first = texts[0] ?? ''
    const last = texts[texts.length - 1] ?? ''
    let shared = 0
    while (
      shared < first.length &&
      shared < last.length &&
      first.charCodeAt(shared) === last.charCodeAt(shared)
    )
      shared++
    this.#prefix = first.slice(0, shared)
    this.#numbers = new Float64Array(texts.length)
    for (let i = 0; i < texts.length; i++) this.#numbers[i] = numberAfter(texts[i]!, shared)
  }

  /** The first `i` with `texts[i] >= text`, or the number of texts when there is none. */
  find(text: string): number {
    const texts = this.#texts
    let lo = 0
    let hi = texts.length
    if (!text.startsWith(this.#prefix)) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (texts[mid]! < text) lo = mid + 1
        else hi = mid
      }
      return lo
    }
    const numbers = this.#numbers
    const target = numberAfter(text, this.#prefix.length)
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const n = numbers[mid]!
      if (n < target || (n === target && texts[mid]! < text)) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

// The WIDTH characters of `text` from `at`, zero-padded, as one big-endian number below 2^48
// (every character is a byte: see keyText).
function numberAfter(text: string, at: number): number {
  let n = 0
  for (let i = at; i < at + WIDTH; i++) n = n * 256 + (i < text.length ? text.charCodeAt(i) : 0)
  return n
}
