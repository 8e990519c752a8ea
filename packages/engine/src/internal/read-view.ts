/**
 * A read view: what one read sees. The live database is a view at the newest sequence number;
 * an iterator or an explicit snapshot holds a view frozen when it was made.
 *
 * @module
 */
import { keyText } from '@lsmkit/sstable'
import type { Core } from './core.js'
import type { Cursor } from './cursor.js'
import { LevelCursor } from './level-cursor.js'
import type { Memtable } from './memtable.js'
import { MergeCursor } from './merge-cursor.js'
import { copyForCaller } from './slab.js'
import { findTable, type Levels } from './table-file.js'

/** The sources of a read, newest first, and the sequence number memtables are read at. */
export interface ReadView {
  /** Memtable versions newer than this are invisible. */
  readonly seq: number
  /** The active memtable, then frozen ones, newest first. */
  readonly memtables: readonly Memtable[]
  /** The tables of every level. */
  readonly levels: Levels
}

/** The database as it is now. The memtables are captured, so a later rotation does not matter. */
export function currentView(core: Core): ReadView {
  return { seq: core.seq, memtables: [core.mem, ...core.imms], levels: core.levels }
}

/**
 * Looks `key` up in `view`: memtables newest first, then L0 newest first, then one table per
 * deeper level (each table consults its bloom filter first). The value is the caller's own copy;
 * `undefined` when the key is absent or deleted.
 */
export function lookup(view: ReadView, key: Uint8Array): Uint8Array | undefined {
  // Every source searches by the key's text; convert it once.
  const text = keyText(key)
  for (const memtable of view.memtables) {
    const found = memtable.get(key, view.seq, text)
    if (found !== undefined) return memtableValue(found.value)
  }
  return lookupTables(view.levels, key, text)
}

/**
 * {@link lookup} in {@link currentView}, without making the view: a live read is synchronous,
 * so nothing can rotate a memtable or change a level under it, and a view per read would be
 * two allocations for nothing.
 */
export function lookupCurrent(core: Core, key: Uint8Array): Uint8Array | undefined {
  const text = keyText(key)
  const seq = core.seq
  const found = core.mem.get(key, seq, text)
  if (found !== undefined) return memtableValue(found.value)
  for (const memtable of core.imms) {
    const older = memtable.get(key, seq, text)
    if (older !== undefined) return memtableValue(older.value)
  }
  return lookupTables(core.levels, key, text)
}

// The memtable's arrays are its own, so a value found there is copied; a table's get already
// returns copies.
function memtableValue(value: Uint8Array | undefined): Uint8Array | undefined {
  return value === undefined ? undefined : copyForCaller(value)
}

function lookupTables(levels: Levels, key: Uint8Array, text: string): Uint8Array | undefined {
  for (const table of levels[0] ?? []) {
    if (!table.covers(text)) continue
    const entry = table.reader.get(key, text)
    if (entry !== undefined) return entry.value
  }
  for (let level = 1; level < levels.length; level++) {
    const entry = findTable(levels[level]!, text)?.reader.get(key, text)
    if (entry !== undefined) return entry.value
  }
  return undefined
}

/** A cursor merging every source of `view`, newest first; tombstones show as `undefined` values. */
export function viewCursor(view: ReadView): Cursor {
  const children: Cursor[] = view.memtables.map((m) => m.cursor(view.seq))
  for (const table of view.levels[0] ?? []) children.push(table.reader.cursor())
  for (const tables of view.levels.slice(1)) {
    if (tables.length > 0) children.push(new LevelCursor(tables.map((t) => t.reader)))
  }
  return new MergeCursor(children)
}
