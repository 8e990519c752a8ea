/**
 * Plain-text tables with aligned columns, for the levels table and the dumps.
 *
 * @module
 */

/** How a column's cells line up. */
export type Align = 'left' | 'right'

/** One column of a {@link renderTable} table. */
export interface Column {
  /** The heading. */
  readonly title: string
  /** Default `'left'`. Numbers read better `'right'`. */
  readonly align?: Align
}

/**
 * Renders `rows` under `columns`, each column as wide as its widest cell, separated by two
 * spaces, with a dashed rule under the headings. Returns the lines without a final newline.
 *
 * @example
 * ```ts
 * renderTable([{ title: 'level' }, { title: 'files', align: 'right' }], [['L0', '3']])
 * // level  files
 * // -----  -----
 * // L0          3
 * ```
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...rows.map((row) => (row[i] ?? '').length)),
  )
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? ''
        const width = widths[i] ?? 0
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  return [
    line(columns.map((c) => c.title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(row)),
  ].join('\n')
}
