import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyIndex, LEAF_CAPACITY } from '../src/internal/key-index.js'
import { NONE, Nodes } from '../src/internal/memtable-node.js'

// Texts from a small alphabet, so keys share prefixes and are prefixes of each other.
const textArb = fc.string({
  unit: fc.constantFrom('a', 'b', 'c', '\u0000', '\u00ff'),
  maxLength: 8,
  size: 'max',
})
// From one leaf's worth of distinct keys up to enough to split leaves many times over, each
// third one written twice.
const manyTexts = fc
  .uniqueArray(textArb, { minLength: LEAF_CAPACITY, maxLength: 6 * LEAF_CAPACITY })
  .map((texts) => [...texts, ...texts.filter((_, i) => i % 3 === 0)])

// A failing run is reported as found: shrinking hundreds of keys, one run per step, takes
// minutes and would still leave more than a leaf's worth of them.
const RUNS = { numRuns: 100, endOnFailure: true }

// Adds a node for `text` at `seq` and links it, as the memtable does for a key it does not hold.
function insert(
  index: KeyIndex,
  text: string,
  seq: number,
  buffer: ArrayBufferLike | null = null,
  at = 0,
  length = 0,
): number {
  const node = index.nodes.add(text, seq, buffer, at, length, false)
  index.insert(node, text)
  return node
}

// An index of `texts`, each key linked at its first write (the memtable's map skips the rest).
function build(texts: readonly string[]): KeyIndex {
  const index = new KeyIndex(new Nodes())
  const held = new Set<string>()
  for (const [i, text] of texts.entries()) {
    if (held.has(text)) continue
    held.add(text)
    insert(index, text, i + 1)
  }
  return index
}

function forward(index: KeyIndex): string[] {
  const out: string[] = []
  const { nodes } = index
  for (let node = index.first; node !== NONE; node = nodes.next[node]!) out.push(nodes.texts[node]!)
  return out
}

function backward(index: KeyIndex): string[] {
  const out: string[] = []
  const { nodes } = index
  for (let node = index.last; node !== NONE; node = nodes.prev[node]!) out.push(nodes.texts[node]!)
  return out
}

const distinctSorted = (texts: readonly string[]) => [...new Set(texts)].sort()

// The key of `node`, or undefined for NONE.
const textOf = (index: KeyIndex, node: number): string | undefined =>
  node === NONE ? undefined : index.nodes.texts[node]

describe('KeyIndex', () => {
  it('links every distinct key once, in order both ways, whatever the insertion order', () => {
    fc.assert(
      fc.property(manyTexts, (texts) => {
        const index = build(texts)
        const sorted = distinctSorted(texts)
        expect(forward(index)).toEqual(sorted)
        expect(backward(index)).toEqual([...sorted].reverse())
      }),
      RUNS,
    )
  })

  it('finds the key, the first key at or after, and the last key at or before any probe', () => {
    fc.assert(
      fc.property(manyTexts, fc.array(textArb, { maxLength: 50 }), (texts, probes) => {
        const index = build(texts)
        const sorted = distinctSorted(texts)
        // Every key held is probed too, each fifth one with a neighbour just above it.
        const held = texts.filter((_, i) => i % 5 === 0).flatMap((t) => [t, `${t}\u0000`])
        for (const probe of [...probes, ...held]) {
          expect(textOf(index, index.find(probe))).toBe(sorted.includes(probe) ? probe : undefined)
          expect(textOf(index, index.findGreaterOrEqual(probe))).toBe(sorted.find((t) => t >= probe))
          expect(textOf(index, index.findLessOrEqual(probe))).toBe(sorted.findLast((t) => t <= probe))
        }
      }),
      RUNS,
    )
  })

  it('links a key at the place of its order and leaves its node carrying the seq and value given', () => {
    const index = build(['b', 'd'])
    // The value lies inside a larger buffer, as values inside encoded writes do.
    const buffer = Uint8Array.of(1, 2, 3, 7, 8, 9)
    const node = insert(index, 'c', 5, buffer.buffer, 3, 2)
    expect(forward(index)).toEqual(['b', 'c', 'd'])
    expect(index.nodes.seq[node]).toBe(5)
    expect(index.nodes.value(node)).toEqual(buffer.subarray(3, 5))
  })

  it('keeps order when every key goes in front of all others, as a descending load does', () => {
    const texts = Array.from({ length: 5 * LEAF_CAPACITY }, (_, i) => String(100_000 - i).padStart(6, '0'))
    const index = build(texts)
    expect(forward(index)).toEqual(distinctSorted(texts))
    expect(textOf(index, index.findGreaterOrEqual('0'))).toBe(texts.at(-1))
    expect(textOf(index, index.findLessOrEqual('999999'))).toBe(texts[0])
  })

  it('keeps a node held from before leaf splits linked to its current neighbours', () => {
    const index = build(['m'])
    const held = index.find('m')
    // Both neighbours of 'm' change many times while the leaves around it split.
    for (let i = 0; i < 4 * LEAF_CAPACITY; i++) {
      const gap = String(i).padStart(4, '0')
      insert(index, `l${gap}`, i + 2)
      insert(index, `n${gap}`, i + 2)
    }
    expect(textOf(index, index.nodes.prev[held]!)).toBe(`l${String(4 * LEAF_CAPACITY - 1).padStart(4, '0')}`)
    expect(textOf(index, index.nodes.next[held]!)).toBe('n0000')
  })

  it("keeps every node's links, seq and value as the node columns grow", () => {
    const index = new KeyIndex(new Nodes())
    const bytes = new Uint8Array(5000)
    // Past several doublings of the columns, in an order that links nodes far apart.
    const order = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000)
    for (const i of order) {
      bytes[i] = i % 251
      insert(index, String(i).padStart(5, '0'), i + 1, bytes.buffer, i, 1)
    }
    const keys = Array.from({ length: 5000 }, (_, i) => String(i).padStart(5, '0'))
    expect(forward(index)).toEqual(keys)
    expect(backward(index)).toEqual([...keys].reverse())
    for (let i = 0; i < 5000; i += 97) {
      const node = index.find(keys[i]!)
      expect(index.nodes.seq[node]).toBe(i + 1)
      expect([...index.nodes.value(node)!]).toEqual([i % 251])
    }
  })

  it('an empty index finds nothing and has no first or last node', () => {
    const index = new KeyIndex(new Nodes())
    expect(index.first).toBe(NONE)
    expect(index.last).toBe(NONE)
    expect(index.find('')).toBe(NONE)
    expect(index.findGreaterOrEqual('')).toBe(NONE)
    expect(index.findLessOrEqual('\u00ff')).toBe(NONE)
  })
})
