import { Engine } from '@lsmkit/engine'
import { describe, expect, it } from 'vitest'
import { memory, text } from './support.js'

describe('regressions', () => {
  it('keeps a table readable after a trivial move takes it down a level', async () => {
    // The bug: a table moved down unchanged was also dropped as a compaction input, so its
    // reader was closed while the new level still listed it.
    const { options } = memory({
      memtableSize: 4096,
      l0CompactionTrigger: 2,
      l1MaxBytes: 4096,
      targetFileSize: 4096,
    })
    const db = await Engine.open('/db', options)
    const value = 'v'.repeat(100)
    for (let i = 0; i < 600; i++) await db.put(`key${String(i).padStart(5, '0')}`, value)
    await db.flush()
    // Let background compactions (including trivial moves down from L1) run to the end.
    for (let round = 0; round < 50 && db.stats().compactions < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(
      db
        .stats()
        .levels.slice(2)
        .some((level) => level.files > 0),
    ).toBe(true)
    for (let i = 0; i < 600; i++) expect(text(await db.get(`key${String(i).padStart(5, '0')}`))).toBe(value)
    await db.close()
  })

  it('refuses nextv(0) on a closed iterator, as every other call', async () => {
    const { options } = memory()
    await using db = await Engine.open('/db', options)
    const it = db.iterator()
    await it.close()
    await expect(it.nextv(0)).rejects.toMatchObject({ code: 'LEVEL_CLOSED' })
  })
})
