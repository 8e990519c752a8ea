/**
 * Tables as the engine tracks them, and the level structure that holds them.
 *
 * @module
 */
import { compareKeys, keyText, type TableReader } from '@lsmkit/sstable'

/**
 * One table file of the database. `pins` counts the iterators reading it; a table dropped from
 * the levels by a compaction is deleted once no iterator pins it (and not before the manifest
 * that drops it is durable).
 */
export class TableFile {
  /** Pins held by open iterators. */
  pins = 0
  /** True once the table is no longer in the current levels. */
  obsolete = false
  /** {@link keyText} of the smallest key, which lookups compare. */
  readonly smallestText: string
  /** {@link keyText} of the largest key. */
  readonly largestText: string

  constructor(
    /** The file id: NNNNNN.sst. */
    readonly id: number,
    /** The open reader. */
    readonly reader: TableReader,
  ) {
    this.smallestText = keyText(reader.smallestKey)
    this.largestText = keyText(reader.largestKey)
  }

  /** The file's size in bytes. */
  get size(): number {
    return this.reader.fileSize
  }

  /** The table's smallest key. */
  get smallestKey(): Uint8Array {
    return this.reader.smallestKey
  }

  /** The table's largest key. */
  get largestKey(): Uint8Array {
    return this.reader.largestKey
  }

  /** True when the table's key range meets [smallest, largest]. */
  overlaps(smallest: Uint8Array, largest: Uint8Array): boolean {
    return compareKeys(this.largestKey, smallest) >= 0 && compareKeys(this.smallestKey, largest) <= 0
  }

  /** True when the key whose {@link keyText} is `text` lies within the table's key range. */
  covers(text: string): boolean {
    return text >= this.smallestText && text <= this.largestText
  }
}

/**
 * The tables of every level. L0 is newest first and its tables may overlap; deeper levels are
 * sorted by key and never overlap. Immutable: a change makes a new `Levels`.
 */
export type Levels = readonly (readonly TableFile[])[]

/** The total bytes of a level. */
export function levelBytes(level: readonly TableFile[]): number {
  let bytes = 0
  for (const table of level) bytes += table.size
  return bytes
}

/** The table of a sorted, non-overlapping level whose range covers the key whose {@link keyText} is `text`, if any. */
export function findTable(level: readonly TableFile[], text: string): TableFile | undefined {
  let lo = 0
  let hi = level.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (level[mid]!.largestText < text) lo = mid + 1
    else hi = mid
  }
  const table = level[lo]
  return table !== undefined && table.smallestText <= text ? table : undefined
}

/** The smallest and largest keys over `tables` (which must not be empty). */
export function keyRange(tables: readonly TableFile[]): [Uint8Array, Uint8Array] {
  let smallest = tables[0]!.smallestKey
  let largest = tables[0]!.largestKey
  for (const table of tables) {
    if (compareKeys(table.smallestKey, smallest) < 0) smallest = table.smallestKey
    if (compareKeys(table.largestKey, largest) > 0) largest = table.largestKey
  }
  return [smallest, largest]
}

/** Sorts a deeper level's tables by key. */
export function sortLevel(tables: TableFile[]): TableFile[] {
  return tables.sort((a, b) => compareKeys(a.smallestKey, b.smallestKey))
}
