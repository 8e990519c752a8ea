import { ErrorCode } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { Block } from '../src/block.js'
import { blockGet } from '../src/internal/block-get.js'
import { expectCode, utf8 } from './helpers.js'

const PUT = 1
const TOMBSTONE = 2
const at = { file: 'test.sst', offset: 0, what: 'data block' }

// A block of one restart run from raw entries: [shared, unshared, length, kind, ...key delta,
// ...value]. The lookup trusts nothing in them, as a block whose checksum held may still have
// been written wrong.
function rawBlock(...entries: number[][]): Block {
  const bytes = entries.flat()
  return new Block(Uint8Array.from([...bytes, 0, 0, 0, 0, 1, 0, 0, 0]), at)
}

const a = 0x61
const b = 0x62

describe('blockGet on malformed entries', () => {
  it('finds the value of a well-formed entry, the baseline the cases below break', () => {
    const block = rawBlock([0, 1, 1, PUT, a, 7], [1, 1, 1, PUT, b, 8])
    expect(blockGet(block, utf8('ab'))?.value).toEqual(Uint8Array.of(8))
  })

  it('reports an entry that runs past the end of its block as corruption', async () => {
    const block = rawBlock([0, 1, 1, PUT, a, 7], [1, 1, 9, PUT, b, 8])
    await expectCode(() => blockGet(block, utf8('ab')), ErrorCode.CORRUPTION)
  })

  it('reports an entry that shares more than its predecessor holds as corruption', async () => {
    const block = rawBlock([0, 1, 1, PUT, a, 7], [2, 1, 1, PUT, b, 8])
    await expectCode(() => blockGet(block, utf8('aab')), ErrorCode.CORRUPTION)
  })

  it('reports a restart entry that shares a prefix as corruption', async () => {
    const block = rawBlock([1, 1, 1, PUT, a, 7])
    await expectCode(() => blockGet(block, utf8('aa')), ErrorCode.CORRUPTION)
  })

  it('reports an entry of an unknown kind as corruption', async () => {
    const block = rawBlock([0, 1, 1, 3, a, 7])
    await expectCode(() => blockGet(block, utf8('a')), ErrorCode.CORRUPTION)
  })

  it('reports a tombstone with a value as corruption', async () => {
    const block = rawBlock([0, 1, 1, TOMBSTONE, a, 7])
    await expectCode(() => blockGet(block, utf8('a')), ErrorCode.CORRUPTION)
  })
})
