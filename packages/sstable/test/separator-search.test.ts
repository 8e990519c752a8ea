import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SeparatorSearch } from '../src/internal/separator-search.js'

// The plain answer: the first text not below the target.
function lowerBound(texts: readonly string[], target: string): number {
  const i = texts.findIndex((t) => t >= target)
  return i < 0 ? texts.length : i
}

// Texts of bytes 0 to 3 after a common prefix, so that many share the prefix, tie in their
// numbers, are prefixes of each other, or end in zero bytes that padding could confuse.
const byteText = (maxLength: number) =>
  fc
    .array(fc.integer({ min: 0, max: 3 }), { maxLength })
    .map((codes) => String.fromCharCode(...codes.map((c) => (c === 3 ? 0xff : c))))

describe('SeparatorSearch', () => {
  it('finds the first text at least the target, as a plain search does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 'k', '00000000'),
        fc.uniqueArray(byteText(9), { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.boolean(), byteText(10)), { maxLength: 40 }),
        (prefix, tails, probes) => {
          const texts = tails.map((t) => prefix + t).sort()
          const search = new SeparatorSearch(texts)
          const targets = [...texts, ...probes.map(([shares, t]) => (shares ? prefix + t : t))]
          for (const target of targets) expect(search.find(target)).toBe(lowerBound(texts, target))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('tells apart texts that differ only beyond the six bytes its numbers hold', () => {
    // No common prefix here, so the first two tie on their first six bytes.
    const search = new SeparatorSearch(['a000000x', 'a000000y', 'b'])
    expect(search.find('a000000x')).toBe(0)
    expect(search.find('a000000xx')).toBe(1)
    expect(search.find('a000000y')).toBe(1)
    expect(search.find('a000000z')).toBe(2)
  })

  it('answers for no texts at all', () => {
    expect(new SeparatorSearch([]).find('a')).toBe(0)
  })
})
