import { ErrorCode } from '@lsmkit/fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expectCode, expectIoError } from './helpers.js'
import { implementations, type Workspace } from './workspace.js'

describe.each(implementations)('$name conforms to FileSystem: names and locks', ({ open }) => {
  let ws: Workspace

  beforeEach(async () => {
    ws = await open()
  })

  afterEach(() => ws.cleanup())

  describe('names', () => {
    it('rename moves a file', async () => {
      await ws.plant('a', 'x')
      await ws.fs.rename(ws.at('a'), ws.at('b'))
      expect(await ws.fs.exists(ws.at('a'))).toBe(false)
      expect(await ws.contentOf('b')).toBe('x')
    })

    it('rename replaces an existing file', async () => {
      await ws.plant('a', 'new')
      await ws.plant('b', 'old')
      await ws.fs.rename(ws.at('a'), ws.at('b'))
      expect(await ws.fs.list(ws.dir)).toEqual(['b'])
      expect(await ws.contentOf('b')).toBe('new')
    })

    it('rename of a missing file fails with ENOENT', async () => {
      await expectIoError(() => ws.fs.rename(ws.at('missing'), ws.at('b')), 'ENOENT')
    })

    it('rename into a missing directory fails with ENOENT', async () => {
      await ws.plant('a', 'x')
      await expectIoError(() => ws.fs.rename(ws.at('a'), ws.at('no/b')), 'ENOENT')
      expect(await ws.fs.exists(ws.at('a'))).toBe(true)
    })

    it('rename moves a directory with its contents', async () => {
      await ws.fs.mkdir(ws.at('d'))
      await ws.fs.open(ws.at('d/f'), 'create').then((file) => file.close())
      await ws.fs.rename(ws.at('d'), ws.at('e'))
      expect(await ws.fs.list(ws.at('e'))).toEqual(['f'])
    })

    it('rename of a directory onto a non-empty directory fails with ENOTEMPTY', async () => {
      await ws.fs.mkdir(ws.at('d'))
      await ws.fs.mkdir(ws.at('e/f'))
      await expectIoError(() => ws.fs.rename(ws.at('d'), ws.at('e')), 'ENOTEMPTY')
    })

    it('rename of a directory into itself fails with EINVAL', async () => {
      await ws.fs.mkdir(ws.at('d'))
      await expectIoError(() => ws.fs.rename(ws.at('d'), ws.at('d/e')), 'EINVAL')
    })

    it('unlink removes a file', async () => {
      await ws.plant('a', 'x')
      await ws.fs.unlink(ws.at('a'))
      expect(await ws.fs.exists(ws.at('a'))).toBe(false)
    })

    it('unlink of a missing file fails with ENOENT', async () => {
      await expectIoError(() => ws.fs.unlink(ws.at('missing')), 'ENOENT')
    })

    it('unlink of a directory fails with EISDIR', async () => {
      await ws.fs.mkdir(ws.at('d'))
      await expectIoError(() => ws.fs.unlink(ws.at('d')), 'EISDIR')
    })

    it('list returns the sorted names of files and directories', async () => {
      await ws.plant('b', '')
      await ws.plant('a', '')
      await ws.plant('C', '')
      await ws.fs.mkdir(ws.at('d'))
      expect(await ws.fs.list(ws.dir)).toEqual(['C', 'a', 'b', 'd'])
    })

    it('list of a missing directory fails with ENOENT', async () => {
      await expectIoError(() => ws.fs.list(ws.at('missing')), 'ENOENT')
    })

    it('list of a file fails with ENOTDIR', async () => {
      await ws.plant('a', '')
      await expectIoError(() => ws.fs.list(ws.at('a')), 'ENOTDIR')
    })

    it('mkdir creates missing parents', async () => {
      await ws.fs.mkdir(ws.at('x/y/z'))
      expect(await ws.fs.list(ws.at('x/y'))).toEqual(['z'])
    })

    it('mkdir of an existing directory is harmless', async () => {
      await ws.fs.mkdir(ws.at('x'))
      await ws.plant('x/f', '')
      await ws.fs.mkdir(ws.at('x'))
      expect(await ws.fs.list(ws.at('x'))).toEqual(['f'])
    })

    it('mkdir over a file fails with EEXIST', async () => {
      await ws.plant('a', '')
      await expectIoError(() => ws.fs.mkdir(ws.at('a')), 'EEXIST')
    })

    it('exists tells files and directories from missing names', async () => {
      await ws.plant('a', '')
      expect(await ws.fs.exists(ws.at('a'))).toBe(true)
      expect(await ws.fs.exists(ws.dir)).toBe(true)
      expect(await ws.fs.exists(ws.at('missing'))).toBe(false)
      expect(await ws.fs.exists(ws.at('a/below-a-file'))).toBe(false)
    })

    it('syncDir of a directory succeeds', async () => {
      await ws.plant('a', '')
      await ws.fs.syncDir(ws.dir)
      expect(await ws.fs.list(ws.dir)).toEqual(['a'])
    })

    it('syncDir of a missing directory fails with ENOENT', async () => {
      await expectIoError(() => ws.fs.syncDir(ws.at('missing')), 'ENOENT')
    })
  })

  describe('lock', () => {
    it('the lock cannot be taken twice', async () => {
      const lock = await ws.fs.lock(ws.at('LOCK'))
      await expectCode(() => ws.fs.lock(ws.at('LOCK')), ErrorCode.LOCKED)
      await lock.release()
    })

    it('a released lock can be taken again', async () => {
      const first = await ws.fs.lock(ws.at('LOCK'))
      await first.release()
      const second = await ws.fs.lock(ws.at('LOCK'))
      expect(second.path).toBe(ws.at('LOCK'))
      await second.release()
    })

    it('the lock file exists while held and is removed on release', async () => {
      const lock = await ws.fs.lock(ws.at('LOCK'))
      expect(await ws.fs.list(ws.dir)).toEqual(['LOCK'])
      await lock.release()
      expect(await ws.fs.list(ws.dir)).toEqual([])
    })

    it('releasing twice is harmless', async () => {
      const lock = await ws.fs.lock(ws.at('LOCK'))
      await lock.release()
      await lock.release()
    })

    it('a lock in a missing directory fails with ENOENT', async () => {
      await expectIoError(() => ws.fs.lock(ws.at('no/LOCK')), 'ENOENT')
    })
  })
})
