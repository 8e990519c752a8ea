import { Engine, type EngineOptions, fileName, TABLE_SUFFIX } from '@lsmkit/engine'
import { expect } from 'vitest'
import { isTable, observed } from './support.js'

/**
 * Opens a database (on an observed in-memory file system, `l0CompactionTrigger: 2`) whose L0
 * holds two tables, `a = 1, c = 3` and `b = 2`, while the compaction they trigger is held at its
 * first output. The ranges overlap, so the compaction must merge them rather than move them.
 * Returns the release of that compaction and the `db.flush()` that waits for it (it resolves
 * once the background is idle, so after the compaction).
 */
export async function heldCompaction(options: EngineOptions = {}) {
  const { fs, options: all } = observed({ l0CompactionTrigger: 2, ...options })
  const db = await Engine.open('/db', all)
  await db.put('a', '1')
  await db.put('c', '3')
  await db.flush()
  await db.put('b', '2')
  const flushed = fileName(db.stats().memtables[0]!.id, TABLE_SUFFIX)
  const hold = fs.holdOpen((path) => isTable(path) && !path.endsWith(flushed))
  const flushing = db.flush()
  await hold.reached
  expect(db.stats().levels[0]?.files).toBe(2)
  return { db, release: hold.release, flushing }
}
