import { ErrorCode, MemoryFileSystem } from '@lsmkit/fs'
import { describe, expect, it } from 'vitest'
import { bytes, expectCode, expectIoError, text, withFile } from './helpers.js'

describe('MemoryFileSystem faults', () => {
  it('callCount counts every call on the file system and its handles', async () => {
    const fs = new MemoryFileSystem()
    const file = await fs.open('/a', 'create')
    file.append(bytes('x'))
    file.size()
    file.readSync(0, 1)
    await file.read(0, 1)
    await file.sync()
    await file.truncate(0)
    await file.close()
    await fs.exists('/a')
    await fs.rename('/a', '/b')
    await fs.list('/')
    await fs.mkdir('/d')
    await fs.syncDir('/')
    await fs.unlink('/b')
    const lock = await fs.lock('/LOCK')
    await lock.release()
    expect(fs.callCount).toBe(16)
  })

  it('the helpers for tests are not counted', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/a', bytes('x'))
    fs.readFileSync('/a')
    fs.durableSize('/a')
    fs.injectFault({ at: 5 })
    fs.clearFaults()
    fs.powerCut()
    expect(fs.callCount).toBe(0)
  })

  it('a fault at call k fails that call and changes nothing', async () => {
    const { fs, file } = await withFile('abc')
    fs.injectFault({ at: fs.callCount + 2 })
    file.append(bytes('d'))
    await expectIoError(() => file.append(bytes('e')), 'EIO')
    file.append(bytes('f'))
    expect(text(fs.readFileSync('/db/a'))).toBe('abcdf')
  })

  it('a faulted rename leaves both names as they were', async () => {
    const { fs } = await withFile('abc')
    fs.injectFault({ at: fs.callCount + 1 })
    await expectIoError(() => fs.rename('/db/a', '/db/b'), 'EIO')
    expect(await fs.list('/db')).toEqual(['a'])
  })

  it('a release that fails frees the lock and leaves its file to the next holder', async () => {
    const fs = new MemoryFileSystem()
    const lock = await fs.lock('/LOCK')
    fs.injectFault({ at: fs.callCount + 1 })
    await expectCode(() => lock.release(), ErrorCode.IO_ERROR)
    expect(await fs.exists('/LOCK')).toBe(true)
    const next = await fs.lock('/LOCK')
    await next.release()
    expect(await fs.exists('/LOCK')).toBe(false)
  })

  it('a fault carries the chosen system code and names the file', async () => {
    const { fs, file } = await withFile('abc')
    fs.injectFault({ at: fs.callCount + 1, code: 'ENOSPC' })
    const err = await expectIoError(() => file.append(bytes('d')), 'ENOSPC')
    expect(err.file).toBe('/db/a')
  })

  it('sticky faults fail every later call', async () => {
    const { fs, file } = await withFile('abc')
    fs.injectFault({ at: fs.callCount + 2, sticky: true })
    await file.sync()
    await expectIoError(() => fs.syncDir('/db'), 'EIO')
    await expectIoError(() => fs.exists('/db/a'), 'EIO')
    await expectIoError(() => file.close(), 'EIO')
  })

  it('clearFaults removes every injected fault', async () => {
    const fs = new MemoryFileSystem()
    fs.injectFault({ at: 1 })
    fs.injectFault({ at: 2, sticky: true })
    fs.clearFaults()
    expect(await fs.exists('/')).toBe(true)
    expect(await fs.exists('/')).toBe(true)
  })

  it('a fault at a call number below 1 is refused', async () => {
    const fs = new MemoryFileSystem()
    await expectCode(() => fs.injectFault({ at: 0 }), ErrorCode.INVALID_OPTION)
  })

  it('a power cut at any call leaves a synced file either absent or complete', async () => {
    const workload = async (fs: MemoryFileSystem): Promise<void> => {
      await fs.mkdir('/db')
      await fs.syncDir('/')
      const file = await fs.open('/db/a', 'create')
      file.append(bytes('complete'))
      await file.sync()
      await fs.syncDir('/db')
      await file.close()
    }
    const clean = new MemoryFileSystem()
    await workload(clean)
    const outcomes = new Set<string | undefined>()
    for (let k = 1; k <= clean.callCount; k++) {
      const fs = new MemoryFileSystem()
      fs.injectFault({ at: k, sticky: true })
      await workload(fs).catch(() => undefined)
      fs.powerCut()
      outcomes.add(text(fs.readFileSync('/db/a')))
    }
    expect([...outcomes].sort()).toEqual(['complete', undefined])
  })

  it('names every call when asked to trace, so a test can tell what call k was', async () => {
    const fs = new MemoryFileSystem({ traceCalls: true })
    await fs.mkdir('/db')
    const file = await fs.open('/db/a', 'create')
    file.append(bytes('x'))
    await file.sync()
    await fs.rename('/db/a', '/db/b')
    expect(fs.calls).toEqual(['mkdir /db', 'open /db/a', 'append /db/a', 'sync /db/a', 'rename /db/a'])
    expect(fs.calls).toHaveLength(fs.callCount)
    expect(new MemoryFileSystem().calls).toEqual([])
  })
})
