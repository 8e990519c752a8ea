import { ErrorCode } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { BlockType, TABLE_FORMAT_VERSION } from '../src/format.js'
import { blockContents, checkBlock, encodeTrailer } from '../src/internal/trailer.js'
import { expectCode } from './helpers.js'

const at = { file: 'test.sst', offset: 0, what: 'data block' }
const contents = Uint8Array.of(1, 2, 3, 4, 5)
const block = Uint8Array.from([...contents, ...encodeTrailer(contents, BlockType.DATA, TABLE_FORMAT_VERSION)])

describe('blockContents, for blocks held from their build', () => {
  it('returns the contents that checkBlock returns', () => {
    expect(blockContents(block, BlockType.DATA, at)).toEqual(
      checkBlock(block, BlockType.DATA, at, TABLE_FORMAT_VERSION),
    )
  })

  it('refuses a block of another type as corruption', async () => {
    await expectCode(() => blockContents(block, BlockType.INDEX, at), ErrorCode.CORRUPTION)
  })

  it('refuses a block shorter than a trailer as corruption', async () => {
    await expectCode(() => blockContents(block.subarray(0, 3), BlockType.DATA, at), ErrorCode.CORRUPTION)
  })
})
