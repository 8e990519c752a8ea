import { ErrorCode, MemoryFileSystem } from '@lsmkit/fs'
import { TableReader, writeTable } from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { build, lsmErrorOf, utf8 } from './helpers.js'

const table = build([
  { key: utf8('a'), value: utf8('1') },
  { key: utf8('b'), value: undefined },
])

describe('writeTable', () => {
  it('leaves a table that survives a power cut once its directory is synced', async () => {
    const fs = new MemoryFileSystem()
    await fs.mkdir('/db')
    await fs.syncDir('/')
    await writeTable('/db/000001.sst', table, { fs })
    await fs.syncDir('/db')
    fs.powerCut()
    expect(fs.readFileSync('/db/000001.sst')).toEqual(table)
    const reader = await TableReader.open('/db/000001.sst', { fs })
    expect(reader.get(utf8('a'))).toEqual({ key: utf8('a'), value: utf8('1') })
    await reader.close()
  })

  it('never overwrites an existing file', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/000001.sst', Uint8Array.of(1, 2, 3), { durable: true })
    const err = await lsmErrorOf(() => writeTable('/000001.sst', table, { fs }))
    expect(err.code).toBe(ErrorCode.IO_ERROR)
    expect(err.systemCode).toBe('EEXIST')
    expect(fs.readFileSync('/000001.sst')).toEqual(Uint8Array.of(1, 2, 3))
  })
})
