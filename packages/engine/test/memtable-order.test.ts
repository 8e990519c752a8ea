import { TableBuilder } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { buildFlush } from '../src/internal/flush-job.js'
import { Memtable } from '../src/internal/memtable.js'
import { hex, scan, utf8 } from './cursor-model.js'

// A memtable puts keys written out of order in order only when something needs the order: a
// cursor links them into its index, and a flush hands them to the build thread to sort.
describe('Memtable key order', () => {
  it('a cursor made after later writes sees them in order, while an earlier cursor still does not', () => {
    const mem = new Memtable(1)
    mem.put(utf8('b'), utf8('b'), 1)
    mem.put(utf8('d'), utf8('d'), 2)
    const early = mem.cursor()
    for (const [k, seq] of [
      ['e', 3],
      ['a', 4],
      ['c', 5],
    ] as const)
      mem.put(utf8(k), utf8(k), seq)
    // Making this cursor links the three new keys among the ones the early cursor walks.
    const late = mem.cursor()
    expect(scan(late).map((e) => hex(e.key))).toEqual(['a', 'b', 'c', 'd', 'e'].map((k) => hex(utf8(k))))
    expect(scan(early).map((e) => hex(e.key))).toEqual([hex(utf8('b')), hex(utf8('d'))])
  })

  it('a flush packed before any cursor leaves keys written out of order for the build thread to sort', () => {
    const mem = new Memtable(1)
    let seq = 0
    for (let i = 0; i < 500; i++) mem.put(utf8(`key${(i * 7919) % 1000}`), utf8(`v${i}`), ++seq)
    mem.put(utf8('key7919'), undefined, ++seq)
    const job = mem.packNewest({ blockSize: 256 })
    expect(job.sorted).toBe(false)
    const direct = new TableBuilder({ blockSize: 256 })
    for (const { key, value } of mem.entries()) direct.add(key, value)
    expect(buildFlush(job)).toEqual(direct.finish().bytes)
  })

  it('a flush of keys written in order, or all ordered by a cursor, is packed in key order', () => {
    const inOrder = new Memtable(1)
    for (let i = 0; i < 300; i++) inOrder.put(utf8(`key${String(i).padStart(3, '0')}`), utf8('v'), i + 1)
    expect(inOrder.packNewest({}).sorted).toBe(true)
    const cursorMade = new Memtable(2)
    for (let i = 0; i < 300; i++) cursorMade.put(utf8(`key${(i * 7) % 300}`), utf8('v'), i + 1)
    cursorMade.cursor()
    expect(cursorMade.packNewest({}).sorted).toBe(true)
    // A key written out of order after the cursor waits again, and the flush goes as written.
    cursorMade.put(utf8('key0x'), utf8('later'), 301)
    const job = cursorMade.packNewest({})
    expect(job.sorted).toBe(false)
    const direct = new TableBuilder({})
    for (const { key, value } of cursorMade.entries()) direct.add(key, value)
    expect(buildFlush(job)).toEqual(direct.finish().bytes)
  })

  it('keeps finding, ordering and flushing every key written out of order and again', () => {
    const mem = new Memtable(1)
    const order = Array.from({ length: 40 }, (_, i) => (i * 17) % 40)
    let seq = 0
    for (const i of order) mem.put(utf8(`k${String(i).padStart(2, '0')}`), utf8(`v${i}`), ++seq)
    mem.put(utf8('k07'), utf8('again'), ++seq)
    for (let i = 0; i < 40; i++) {
      const found = mem.get(utf8(`k${String(i).padStart(2, '0')}`))
      expect(found?.value && hex(found.value)).toBe(hex(utf8(i === 7 ? 'again' : `v${i}`)))
    }
    expect(mem.keyCount).toBe(40)
    const direct = new TableBuilder({})
    const keys: string[] = []
    for (const { key, value } of mem.entries()) {
      keys.push(hex(key))
      direct.add(key, value)
    }
    expect(keys).toEqual(Array.from({ length: 40 }, (_, i) => hex(utf8(`k${String(i).padStart(2, '0')}`))))
    expect(buildFlush(mem.packNewest({}))).toEqual(direct.finish().bytes)
  })
})
