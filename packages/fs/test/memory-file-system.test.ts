import { ErrorCode, MemoryFileSystem } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { bytes, expectCode, expectIoError, text, withFile } from './helpers.js'

describe('MemoryFileSystem process crashes', () => {
  it('a process crash keeps every byte written, synced or not', async () => {
    const { fs, file } = await withFile('synced')
    await file.sync()
    await fs.syncDir('/db')
    file.append(bytes(' kept'))
    fs.processCrash()
    expect(text(fs.readFileSync('/db/a'))).toBe('synced kept')
  })

  it('bytes kept by a process crash but never synced are lost in a later power cut', async () => {
    const { fs, file } = await withFile('synced')
    await file.sync()
    await fs.syncDir('/db')
    file.append(bytes(' unsynced'))
    fs.processCrash()
    fs.powerCut()
    expect(text(fs.readFileSync('/db/a'))).toBe('synced')
  })

  it('a process crash releases every lock and kills every handle opened before it', async () => {
    const { fs, file } = await withFile('data')
    await fs.lock('/db/LOCK')
    fs.processCrash()
    const again = await fs.lock('/db/LOCK')
    await again.release()
    await expectIoError(() => file.append(bytes('x')), 'EIO')
  })
})

describe('MemoryFileSystem power cuts', () => {
  it('a power cut drops bytes appended after the last sync', async () => {
    const { fs, file } = await withFile('synced')
    await file.sync()
    await fs.syncDir('/db')
    file.append(bytes(' lost'))
    fs.powerCut()
    expect(text(fs.readFileSync('/db/a'))).toBe('synced')
  })

  it('a file created but whose directory was never synced vanishes in a power cut', async () => {
    const { fs, file } = await withFile('data')
    await file.sync()
    fs.powerCut()
    expect(fs.readFileSync('/db/a')).toBeUndefined()
    expect(await fs.list('/db')).toEqual([])
  })

  it('a file whose name is durable but whose content was never synced is empty after a power cut', async () => {
    const { fs } = await withFile('data')
    await fs.syncDir('/db')
    fs.powerCut()
    expect(fs.readFileSync('/db/a')).toEqual(new Uint8Array(0))
  })

  it('a directory made but whose parent was never synced vanishes in a power cut', async () => {
    const fs = new MemoryFileSystem()
    await fs.mkdir('/db')
    await fs.syncDir('/db')
    fs.powerCut()
    expect(await fs.exists('/db')).toBe(false)
  })

  it('names synced in a directory whose own name is not durable are lost with it', async () => {
    const fs = new MemoryFileSystem()
    await fs.mkdir('/db')
    fs.writeFileSync('/db/a', bytes('x'))
    await fs.syncDir('/db')
    fs.powerCut()
    expect(await fs.list('/')).toEqual([])
  })

  it('rename is undone by a power cut before syncDir', async () => {
    const { fs, file } = await withFile('data')
    await file.sync()
    await fs.syncDir('/db')
    await fs.rename('/db/a', '/db/b')
    fs.powerCut()
    expect(await fs.list('/db')).toEqual(['a'])
    expect(text(fs.readFileSync('/db/a'))).toBe('data')
  })

  it('rename survives a power cut after syncDir', async () => {
    const { fs, file } = await withFile('data')
    await file.sync()
    await fs.rename('/db/a', '/db/b')
    await fs.syncDir('/db')
    fs.powerCut()
    expect(await fs.list('/db')).toEqual(['b'])
    expect(text(fs.readFileSync('/db/b'))).toBe('data')
  })

  it('a rename across directories synced only at its target leaves both names', async () => {
    const { fs, file } = await withFile('data')
    await file.sync()
    await fs.mkdir('/other')
    await fs.syncDir('/')
    await fs.syncDir('/db')
    await fs.rename('/db/a', '/other/a')
    await fs.syncDir('/other')
    fs.powerCut()
    expect(text(fs.readFileSync('/db/a'))).toBe('data')
    expect(text(fs.readFileSync('/other/a'))).toBe('data')
  })

  it('unlink is undone by a power cut before syncDir', async () => {
    const { fs } = await withFile('data')
    await fs.syncDir('/db')
    await fs.unlink('/db/a')
    fs.powerCut()
    expect(await fs.list('/db')).toEqual(['a'])
  })

  it('truncate is undone by a power cut before sync', async () => {
    const { fs, file } = await withFile('hello')
    await file.sync()
    await fs.syncDir('/db')
    await file.truncate(1)
    fs.powerCut()
    expect(text(fs.readFileSync('/db/a'))).toBe('hello')
  })

  it('keepUnsynced keeps a prefix of the unsynced tail', async () => {
    const { fs, file } = await withFile('head')
    await file.sync()
    await fs.syncDir('/db')
    file.append(bytes('tail'))
    const offers: [string, number][] = []
    fs.powerCut({
      keepUnsynced: (path, unsyncedBytes) => {
        offers.push([path, unsyncedBytes])
        return 2
      },
    })
    expect(offers).toEqual([['/db/a', 4]])
    expect(text(fs.readFileSync('/db/a'))).toBe('headta')
  })

  it('keepUnsynced cannot keep more than the unsynced tail', async () => {
    const { fs } = await withFile('tail')
    await fs.syncDir('/db')
    fs.powerCut({ keepUnsynced: () => 1000 })
    expect(text(fs.readFileSync('/db/a'))).toBe('tail')
  })

  it('keepUnsynced is not offered a file changed other than by appending', async () => {
    const { fs, file } = await withFile('hello')
    await file.sync()
    await fs.syncDir('/db')
    await file.truncate(1)
    file.append(bytes('ELLO, WORLD'))
    let offered = false
    fs.powerCut({
      keepUnsynced: () => {
        offered = true
        return 100
      },
    })
    expect(offered).toBe(false)
    expect(text(fs.readFileSync('/db/a'))).toBe('hello')
  })

  it('bytes kept by a power cut are durable', async () => {
    const { fs } = await withFile('tail')
    await fs.syncDir('/db')
    fs.powerCut({ keepUnsynced: () => 2 })
    fs.powerCut()
    expect(text(fs.readFileSync('/db/a'))).toBe('ta')
  })

  it('handles opened before a power cut are dead', async () => {
    const { fs, file } = await withFile('data')
    fs.powerCut()
    await expectIoError(() => file.size(), 'EIO')
    await expectIoError(() => file.read(0, 1), 'EIO')
    await expectIoError(() => file.readSync(0, 1), 'EIO')
    await expectIoError(() => file.append(bytes('x')), 'EIO')
    await expectIoError(() => file.sync(), 'EIO')
    await expectIoError(() => file.truncate(0), 'EIO')
    await expectIoError(() => file.close(), 'EIO')
  })

  it('a handle closed before a power cut can still be closed again', async () => {
    const { fs, file } = await withFile('data')
    await file.close()
    fs.powerCut()
    await file.close()
  })

  it('a power cut releases every lock', async () => {
    const fs = new MemoryFileSystem()
    await fs.lock('/LOCK')
    fs.powerCut()
    const lock = await fs.lock('/LOCK')
    await lock.release()
  })

  it('a release from before a power cut does not free the next holder', async () => {
    const fs = new MemoryFileSystem()
    const stale = await fs.lock('/LOCK')
    fs.powerCut()
    const current = await fs.lock('/LOCK')
    await stale.release()
    await expectCode(() => fs.lock('/LOCK'), ErrorCode.LOCKED)
    await current.release()
  })

  it('a power cut clears injected faults', async () => {
    const fs = new MemoryFileSystem()
    fs.injectFault({ at: 1, sticky: true })
    fs.powerCut()
    expect(await fs.exists('/')).toBe(true)
  })
})

describe('MemoryFileSystem helpers', () => {
  it('readFileSync returns the current bytes, unsynced ones included', async () => {
    const { fs } = await withFile('abc')
    expect(text(fs.readFileSync('/db/a'))).toBe('abc')
    expect(fs.readFileSync('/db/missing')).toBeUndefined()
    expect(fs.readFileSync('/db')).toBeUndefined()
  })

  it('durableSize reports the size as of the last sync', async () => {
    const { fs, file } = await withFile('abc')
    expect(fs.durableSize('/db/a')).toBe(0)
    await file.sync()
    file.append(bytes('de'))
    expect(fs.durableSize('/db/a')).toBe(3)
    expect(fs.durableSize('/db/missing')).toBeUndefined()
  })

  it('a durable writeFileSync survives a power cut, parents included', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/x/y/a', bytes('planted'), { durable: true })
    fs.powerCut()
    expect(text(fs.readFileSync('/x/y/a'))).toBe('planted')
  })

  it('a writeFileSync that is not durable is undone by a power cut', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/a', bytes('old'), { durable: true })
    fs.writeFileSync('/a', bytes('new'))
    fs.powerCut()
    expect(text(fs.readFileSync('/a'))).toBe('old')
  })

  it('writeFileSync damages a file under its open handles', async () => {
    const { fs, file } = await withFile('abc')
    fs.writeFileSync('/db/a', bytes('xbc'))
    expect(text(await file.read(0, 3))).toBe('xbc')
  })

  it('writeFileSync onto a directory fails with EISDIR', async () => {
    const fs = new MemoryFileSystem()
    await expectIoError(() => fs.writeFileSync('/', bytes('x')), 'EISDIR')
  })

  it('relative paths resolve against the root', async () => {
    const fs = new MemoryFileSystem()
    await fs.mkdir('db')
    const file = await fs.open('db/../db/a', 'create')
    await file.close()
    expect(await fs.list('/db')).toEqual(['a'])
  })

  it('a leftover lock file does not block a new lock', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/LOCK', bytes('12345\n'), { durable: true })
    const lock = await fs.lock('/LOCK')
    await lock.release()
    expect(await fs.exists('/LOCK')).toBe(false)
  })
})
