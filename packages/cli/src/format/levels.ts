/**
 * The levels table: one row per level of the tree, with its files, bytes and key range.
 *
 * @module
 */
import { formatCount, formatSize, showBytes } from './bytes.js'
import { renderTable } from './table.js'

/** What the levels table shows of one level; `db.stats().levels` entries have this shape. */
export interface LevelSummary {
  /** 0 for L0. */
  readonly level: number
  /** Table files in the level. */
  readonly files: number
  /** Their bytes. */
  readonly bytes: number
  /** The level's smallest key, if it has any. */
  readonly smallestKey: Uint8Array | undefined
  /** The level's largest key, if it has any. */
  readonly largestKey: Uint8Array | undefined
}

// Keys longer than this are cut in the table, so that one long key does not widen every row.
const KEY_WIDTH = 32

function clip(text: string): string {
  return text.length > KEY_WIDTH ? `${text.slice(0, KEY_WIDTH - 1)}…` : text
}

/**
 * Renders the levels table: every level from L0 down to the deepest non-empty one (L0 alone
 * for an empty tree), and a total row.
 */
export function renderLevels(levels: readonly LevelSummary[]): string {
  const deepest = levels.reduce((last, l) => (l.files > 0 ? Math.max(last, l.level) : last), 0)
  const shown = levels.filter((l) => l.level <= deepest)
  const rows = shown.map((l) => [
    `L${l.level}`,
    formatCount(l.files),
    formatSize(l.bytes),
    l.smallestKey === undefined ? '' : clip(showBytes(l.smallestKey)),
    l.largestKey === undefined ? '' : clip(showBytes(l.largestKey)),
  ])
  const files = shown.reduce((sum, l) => sum + l.files, 0)
  const bytes = shown.reduce((sum, l) => sum + l.bytes, 0)
  rows.push(['total', formatCount(files), formatSize(bytes), '', ''])
  return renderTable(
    [
      { title: 'level' },
      { title: 'files', align: 'right' },
      { title: 'bytes', align: 'right' },
      { title: 'smallest key' },
      { title: 'largest key' },
    ],
    rows,
  )
}
