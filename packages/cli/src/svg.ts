/**
 * A picture of the tree's shape as SVG: one row per level, L0 at the top, each table a box
 * whose width is proportional to its bytes, on one scale for the whole picture, so a level's
 * row is as long as its share of the data. Hovering a box shows its name, size and key range.
 *
 * @module
 */
import { formatSize, showBytes } from './format/bytes.js'
import type { TreeInfo } from './inspect.js'

const WIDTH = 960
const LABEL = 170
const ROW = 44
const BOX = 28
const PAD = 16
const GAP = 2
// Tables too small to see at the common scale still get a visible sliver.
const MIN_BOX = 3
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1']

/** `text` escaped for SVG text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * Renders `tree` as a standalone SVG document. Every level the manifest lists gets a row, down
 * to the deepest non-empty one.
 */
export function renderTreeSvg(tree: TreeInfo, title = 'lsmkit tree'): string {
  const deepest = tree.levels.reduce((last, tables, level) => (tables.length > 0 ? level : last), 0)
  const levels = tree.levels.slice(0, deepest + 1)
  const levelBytes = levels.map((tables) => tables.reduce((sum, t) => sum + t.bytes, 0))
  const maxFiles = Math.max(1, ...levels.map((t) => t.length))
  const usable = WIDTH - LABEL - PAD - maxFiles * GAP
  const scale = usable / Math.max(1, ...levelBytes)
  const height = PAD * 2 + 24 + levels.length * ROW
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="13">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${PAD}" y="${PAD + 12}" font-weight="bold">${escapeXml(title)}</text>`,
  ]
  levels.forEach((tables, level) => {
    const y = PAD + 24 + level * ROW
    const color = COLORS[level % COLORS.length]
    const summary = `L${level}: ${tables.length} files, ${formatSize(levelBytes[level] ?? 0)}`
    parts.push(`<text x="${PAD}" y="${y + BOX / 2 + 5}">${escapeXml(summary)}</text>`)
    let x = LABEL
    for (const t of tables) {
      const w = Math.max(MIN_BOX, t.bytes * scale)
      const tip = `${t.name}: ${formatSize(t.bytes)}, ${t.entries} entries, ${showBytes(t.smallestKey)} .. ${showBytes(t.largestKey)}`
      parts.push(
        `<rect class="table" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BOX}" fill="${color}" stroke="#333" stroke-width="0.5"><title>${escapeXml(tip)}</title></rect>`,
      )
      x += w + GAP
    }
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
