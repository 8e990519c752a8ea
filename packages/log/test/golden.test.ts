import { readFileSync } from 'node:fs'
import { MemoryFileSystem } from '@lsmkit/fs'
import { LogBuilder, readLog } from '@lsmkit/log'
import { describe, expect, it } from 'vitest'
import { collect, normalizeAll, utf8 } from './helpers.js'

// The worked example of docs/formats/log.md.
const golden = new Uint8Array(readFileSync(new URL('./testdata/example.wal', import.meta.url)))
const batches = [
  [{ key: utf8('a'), value: utf8('1') }, { key: utf8('b') }],
  [{ key: utf8('key'), value: utf8('value') }],
]

describe('the documented example log', () => {
  it('is exactly what the builder produces', () => {
    const builder = new LogBuilder({ blockSize: 32 })
    for (const batch of batches) builder.add(batch)
    expect(builder.finish()).toEqual(golden)
  })

  it('reads back as its two batches', async () => {
    const fs = new MemoryFileSystem()
    fs.writeFileSync('/example.wal', golden, { durable: true })
    const { read, error } = await collect(readLog('/example.wal', { fs, mode: 'strict' }))
    expect(error).toBeUndefined()
    expect(normalizeAll(read)).toEqual(normalizeAll(batches))
  })
})
