import { describe, expect, it } from 'vitest'
import { KeyTable, keyHash } from '../src/internal/key-table.js'
import { Memtable } from '../src/internal/memtable.js'
import { NONE } from '../src/internal/memtable-node.js'
import { text, utf8 } from './support.js'

const hashOf = (key: Uint8Array): number => keyHash(key, 0, key.length)
// The bench's keys: 16 digits, zero-padded, as the texts a memtable's nodes hold.
const benchText = (i: number): string => String(i).padStart(16, '0')
const benchHash = (i: number): number => hashOf(utf8(benchText(i)))

// A table of the even bench keys below 2 * `count`, node i holding key 2i, and its texts.
function tableOf(count: number): { table: KeyTable; texts: string[] } {
  const table = new KeyTable()
  const texts: string[] = []
  for (let i = 0; i < count; i++) {
    texts.push(benchText(2 * i))
    table.add(benchHash(2 * i), i)
  }
  return { table, texts }
}

describe('KeyTable', () => {
  it('finds the node of every key it was given, across every doubling', () => {
    const { table, texts } = tableOf(100_000)
    const wrong: number[] = []
    for (let i = 0; i < 100_000; i++) if (table.find(benchHash(2 * i), texts[i]!, texts) !== i) wrong.push(i)
    expect(wrong).toEqual([])
    expect(table.size).toBe(100_000)
  })

  it('finds no key it was not given', () => {
    const { table, texts } = tableOf(100_000)
    let found = 0
    for (let i = 0; i < 100_000; i++)
      if (table.find(benchHash(2 * i + 1), benchText(2 * i + 1), texts) !== NONE) found++
    expect(found).toBe(0)
  })

  it('tells apart keys whose hashes are equal by their texts', () => {
    const table = new KeyTable()
    const texts = ['a', 'b', 'c']
    for (let node = 0; node < 3; node++) table.add(7, node)
    expect([table.find(7, 'a', texts), table.find(7, 'b', texts), table.find(7, 'c', texts)]).toEqual([
      0, 1, 2,
    ])
    expect(table.find(7, 'd', texts)).toBe(NONE)
  })

  it('keeps probing past the end of its pairs to the start', () => {
    const table = new KeyTable()
    const texts: string[] = []
    // Hashes that all choose the last pair of the empty table's 256 wrap around to the first.
    for (let node = 0; node < 100; node++) {
      texts.push(`k${node}`)
      table.add(255, node)
    }
    expect(texts.map((t) => table.find(255, t, texts))).toEqual(texts.map((_, node) => node))
    expect(table.find(0, 'k0', texts)).toBe(NONE)
  })

  it('hashes a key inside a larger buffer as it hashes the key alone', () => {
    const inside = Uint8Array.of(9, 9, 0x6b, 0x65, 0x79, 9)
    expect(keyHash(inside, 2, 5)).toBe(hashOf(utf8('key')))
    expect(keyHash(inside, 2, 5)).not.toBe(keyHash(inside, 2, 6))
  })

  it('finds nothing while empty', () => {
    const table = new KeyTable()
    expect(table.find(benchHash(1), benchText(1), [])).toBe(NONE)
    expect(table.find(hashOf(new Uint8Array(0)), '', [])).toBe(NONE)
  })
})

describe('Memtable gets through the key table', () => {
  it('finds every key put, deletes included, and no other, after the table has grown', () => {
    const mem = new Memtable(1)
    for (let i = 0; i < 20_000; i++) mem.put(utf8(`k${i}`), i % 7 === 0 ? undefined : utf8(`v${i}`), i + 1)
    for (let i = 0; i < 20_000; i++) {
      const found = mem.get(utf8(`k${i}`))
      expect(found).toBeDefined()
      expect(text(found!.value)).toBe(i % 7 === 0 ? undefined : `v${i}`)
    }
    expect(mem.get(utf8('k20000'))).toBeUndefined()
  })

  it('finds keys added from an encoded batch', () => {
    const mem = new Memtable(1)
    // key_len u16 | value_len u16 | key | value, twice.
    const batch = Uint8Array.of(1, 0, 1, 0, 0x61, 0x31, 1, 0, 0, 0, 0x62)
    mem.applyEncoded(batch, 0)
    expect(text(mem.get(utf8('a'))?.value)).toBe('1')
    expect(mem.get(utf8('b'))).toEqual({ value: undefined })
    expect(mem.get(utf8('c'))).toBeUndefined()
  })
})
