import { ErrorCode, isCorruption, isLsmError, isNotFound, LsmError } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { withPackageCopy } from './helpers.js'

describe('LsmError', () => {
  it('carries its code, file, offset, system code and cause', () => {
    const cause = new Error('underlying')
    const err = new LsmError(ErrorCode.IO_ERROR, 'fs: read failed', {
      cause,
      file: '/x.wal',
      offset: 7,
      systemCode: 'EIO',
    })
    expect(err.code).toBe('LEVEL_IO_ERROR')
    expect(err.file).toBe('/x.wal')
    expect(err.offset).toBe(7)
    expect(err.systemCode).toBe('EIO')
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('LsmError')
  })

  it('is recognised by its code and by the corruption check', () => {
    const err = new LsmError(ErrorCode.CORRUPTION, 'log: bad')
    expect(isLsmError(err)).toBe(true)
    expect(isLsmError(err, ErrorCode.LOCKED)).toBe(false)
    expect(isCorruption(err)).toBe(true)
    expect(isCorruption(new Error('plain'))).toBe(false)
  })

  it('tells a missing file from other I/O errors', () => {
    expect(isNotFound(new LsmError(ErrorCode.IO_ERROR, 'x', { systemCode: 'ENOENT' }))).toBe(true)
    expect(isNotFound(new LsmError(ErrorCode.IO_ERROR, 'x', { systemCode: 'EIO' }))).toBe(false)
  })

  it('keeps every code stable', () => {
    expect(Object.values(ErrorCode).sort()).toEqual([
      'LEVEL_CLOSED',
      'LEVEL_CORRUPTION',
      'LEVEL_DATABASE_NOT_OPEN',
      'LEVEL_INVALID_KEY',
      'LEVEL_INVALID_OPTION',
      'LEVEL_INVALID_VALUE',
      'LEVEL_IO_ERROR',
      'LEVEL_LOCKED',
      'LEVEL_NOT_SUPPORTED',
    ])
  })

  it('is recognised when raised by another copy of the package loaded in the same process', async () => {
    await withPackageCopy(async (copy) => {
      expect(copy.LsmError).not.toBe(LsmError)
      const err = new copy.LsmError(ErrorCode.CORRUPTION, 'sstable: bad block')
      expect(err instanceof LsmError).toBe(true)
      expect(isLsmError(err, ErrorCode.CORRUPTION)).toBe(true)
      expect(isCorruption(err)).toBe(true)
      expect(new LsmError(ErrorCode.IO_ERROR, 'fs: x') instanceof copy.LsmError).toBe(true)
    })
  })

  it('is not claimed by a plain Error, nor by an object that only has a code', () => {
    expect(new Error('x') instanceof LsmError).toBe(false)
    expect({ code: ErrorCode.CORRUPTION } instanceof LsmError).toBe(false)
    expect(isCorruption(Object.assign(new Error('x'), { code: ErrorCode.CORRUPTION }))).toBe(false)
  })

  it('leaves the ordinary instanceof to subclasses', () => {
    class Special extends LsmError {}
    expect(new Special(ErrorCode.CLOSED, 'x') instanceof Special).toBe(true)
    expect(new Special(ErrorCode.CLOSED, 'x') instanceof LsmError).toBe(true)
    expect(new LsmError(ErrorCode.CLOSED, 'x') instanceof Special).toBe(false)
  })
})
