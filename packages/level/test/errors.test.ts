import { ErrorCode, LsmError } from '@lsmkit/fs'
import { LevelError, toLevelError } from '@lsmkit/level'
import { describe, expect, it } from 'vitest'

describe('toLevelError', () => {
  it('passes engine errors whose codes abstract-level shares through unchanged', () => {
    const err = new LsmError(ErrorCode.CORRUPTION, 'sstable: bad block')
    expect(toLevelError(err, 'database')).toBe(err)
  })

  it('turns LEVEL_CLOSED into the not-open code of the resource, with the cause', () => {
    const err = new LsmError(ErrorCode.CLOSED, 'engine: the snapshot is closed')
    const mapped = toLevelError(err, 'snapshot')
    expect(mapped).toBeInstanceOf(LevelError)
    expect(mapped).toMatchObject({ code: 'LEVEL_SNAPSHOT_NOT_OPEN', cause: err })
    expect(toLevelError(err, 'iterator')).toMatchObject({ code: 'LEVEL_ITERATOR_NOT_OPEN' })
  })
})
