import { ErrorCode } from '@lsmkit/fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bytes, expectCode, expectIoError, text } from './helpers.js'
import { implementations, type Workspace } from './workspace.js'

describe.each(implementations)('$name conforms to FileSystem: files and handles', ({ open }) => {
  let ws: Workspace

  beforeEach(async () => {
    ws = await open()
  })

  afterEach(() => ws.cleanup())

  describe('open', () => {
    it("'create' makes a new empty file", async () => {
      const file = await ws.fs.open(ws.at('a'), 'create')
      expect(file.size()).toBe(0)
      expect(file.path).toBe(ws.at('a'))
      await file.close()
      expect(await ws.fs.exists(ws.at('a'))).toBe(true)
    })

    it("'create' fails with EEXIST when the name is taken", async () => {
      await ws.plant('a', 'x')
      await expectIoError(() => ws.fs.open(ws.at('a'), 'create'), 'EEXIST')
      expect(await ws.contentOf('a')).toBe('x')
    })

    it("'append' creates a missing file", async () => {
      const file = await ws.fs.open(ws.at('a'), 'append')
      await file.close()
      expect(await ws.fs.exists(ws.at('a'))).toBe(true)
    })

    it("'append' keeps the content and writes at the end", async () => {
      await ws.plant('a', 'abc')
      const file = await ws.fs.open(ws.at('a'), 'append')
      file.append(bytes('de'))
      expect(text(await file.read(0, 10))).toBe('abcde')
      await file.close()
    })

    it("'read' of a missing file fails with ENOENT", async () => {
      await expectIoError(() => ws.fs.open(ws.at('missing'), 'read'), 'ENOENT')
    })

    it('opening in a missing directory fails with ENOENT', async () => {
      await expectIoError(() => ws.fs.open(ws.at('no/a'), 'append'), 'ENOENT')
      await expectIoError(() => ws.fs.open(ws.at('no/a'), 'create'), 'ENOENT')
    })

    it('opening a directory fails with EISDIR', async () => {
      await ws.fs.mkdir(ws.at('sub'))
      await expectIoError(() => ws.fs.open(ws.at('sub'), 'read'), 'EISDIR')
      await expectIoError(() => ws.fs.open(ws.at('sub'), 'append'), 'EISDIR')
    })

    it('an unknown mode fails with LEVEL_INVALID_OPTION', async () => {
      await expectCode(() => ws.fs.open(ws.at('a'), 'write' as 'read'), ErrorCode.INVALID_OPTION)
    })

    it('errors name the file', async () => {
      const err = await expectIoError(() => ws.fs.open(ws.at('missing'), 'read'), 'ENOENT')
      expect(err.file).toBe(ws.at('missing'))
    })
  })

  describe('handles', () => {
    it('append to a file opened for reading fails with EBADF', async () => {
      await ws.plant('a', 'x')
      const file = await ws.fs.open(ws.at('a'), 'read')
      await expectIoError(() => file.append(bytes('y')), 'EBADF')
      await file.close()
    })

    it('append of a range writes only those bytes', async () => {
      const file = await ws.fs.open(ws.at('a'), 'append')
      file.append(bytes('xxabcyy'), 2, 5)
      file.append(bytes('de'), 2)
      file.append(bytes('fgh'), 0, 2)
      expect(text(await file.read(0, 10))).toBe('abcfg')
      await file.close()
    })

    it.each([
      [-1, 2],
      [2, 1],
      [0, 4],
      [0.5, 2],
    ])(
      'append of the range %s..%s outside the bytes fails with LEVEL_INVALID_OPTION and writes nothing',
      async (start, end) => {
        const file = await ws.fs.open(ws.at('a'), 'append')
        await expectCode(() => file.append(bytes('abc'), start, end), ErrorCode.INVALID_OPTION)
        expect(file.size()).toBe(0)
        await file.close()
      },
    )

    it('read returns the bytes at a position', async () => {
      await ws.plant('a', 'hello world')
      const file = await ws.fs.open(ws.at('a'), 'read')
      expect(text(await file.read(6, 5))).toBe('world')
      await file.close()
    })

    it('read returns fewer bytes only at the end of the file, and none past it', async () => {
      await ws.plant('a', 'hello')
      const file = await ws.fs.open(ws.at('a'), 'read')
      expect(text(await file.read(3, 10))).toBe('lo')
      expect((await file.read(5, 10)).length).toBe(0)
      expect((await file.read(99, 10)).length).toBe(0)
      await file.close()
    })

    it('readSync returns what read returns', async () => {
      await ws.plant('a', 'hello world')
      const file = await ws.fs.open(ws.at('a'), 'read')
      expect(file.readSync(2, 7)).toEqual(await file.read(2, 7))
      expect(text(file.readSync(6, 100))).toBe('world')
      await file.close()
    })

    it('readSync reads into memory it is offered, and returns a view of it', async () => {
      await ws.plant('a', 'hello world')
      const file = await ws.fs.open(ws.at('a'), 'read')
      const into = new Uint8Array(16).fill(0x2a)
      const got = file.readSync(6, 5, into)
      expect(text(got)).toBe('world')
      expect(got.buffer).toBe(into.buffer)
      expect(text(into.subarray(0, 5))).toBe('world')
      expect(text(file.readSync(6, 100, new Uint8Array(100)))).toBe('world')
      await file.close()
    })

    it('readSync leaves offered memory that is too small alone', async () => {
      await ws.plant('a', 'hello world')
      const file = await ws.fs.open(ws.at('a'), 'read')
      const into = new Uint8Array(3).fill(0x2a)
      expect(text(file.readSync(0, 5, into))).toBe('hello')
      expect([...into]).toEqual([0x2a, 0x2a, 0x2a])
      await file.close()
    })

    it('a read of zero bytes returns no bytes', async () => {
      await ws.plant('a', 'hello')
      const file = await ws.fs.open(ws.at('a'), 'read')
      expect((await file.read(1, 0)).length).toBe(0)
      await file.close()
    })

    it('a negative position fails with LEVEL_INVALID_OPTION', async () => {
      await ws.plant('a', 'hello')
      const file = await ws.fs.open(ws.at('a'), 'read')
      await expectCode(() => file.read(-1, 1), ErrorCode.INVALID_OPTION)
      await expectCode(() => file.readSync(0, -1), ErrorCode.INVALID_OPTION)
      await file.close()
    })

    it('size counts appended bytes before any sync', async () => {
      const file = await ws.fs.open(ws.at('a'), 'create')
      file.append(bytes('abc'))
      file.append(bytes('de'))
      expect(file.size()).toBe(5)
      await file.close()
    })

    it('a synced file reads back what was appended', async () => {
      const file = await ws.fs.open(ws.at('a'), 'create')
      file.append(bytes('abc'))
      await file.sync()
      await file.close()
      expect(await ws.contentOf('a')).toBe('abc')
    })

    it('truncate cuts the file', async () => {
      await ws.plant('a', 'hello')
      const file = await ws.fs.open(ws.at('a'), 'append')
      await file.truncate(2)
      expect(file.size()).toBe(2)
      file.append(bytes('y'))
      await file.close()
      expect(await ws.contentOf('a')).toBe('hey')
    })

    it('truncate extends the file with zeros', async () => {
      await ws.plant('a', 'hi')
      const file = await ws.fs.open(ws.at('a'), 'append')
      await file.truncate(4)
      expect(await file.read(0, 4)).toEqual(new Uint8Array([104, 105, 0, 0]))
      await file.close()
    })

    it('truncate of a file opened for reading fails with EINVAL', async () => {
      await ws.plant('a', 'hello')
      const file = await ws.fs.open(ws.at('a'), 'read')
      await expectIoError(() => file.truncate(1), 'EINVAL')
      await file.close()
    })

    it('a handle used after close fails with LEVEL_CLOSED', async () => {
      const file = await ws.fs.open(ws.at('a'), 'create')
      await file.close()
      await expectCode(() => file.size(), ErrorCode.CLOSED)
      await expectCode(() => file.read(0, 1), ErrorCode.CLOSED)
      await expectCode(() => file.readSync(0, 1), ErrorCode.CLOSED)
      await expectCode(() => file.append(bytes('x')), ErrorCode.CLOSED)
      await expectCode(() => file.sync(), ErrorCode.CLOSED)
      await expectCode(() => file.truncate(0), ErrorCode.CLOSED)
    })

    it('closing twice is harmless', async () => {
      const file = await ws.fs.open(ws.at('a'), 'create')
      await file.close()
      await file.close()
    })

    it('an unlinked file stays readable through a handle opened before', async () => {
      await ws.plant('a', 'kept')
      const file = await ws.fs.open(ws.at('a'), 'read')
      await ws.fs.unlink(ws.at('a'))
      expect(text(await file.read(0, 4))).toBe('kept')
      await file.close()
    })
  })
})
