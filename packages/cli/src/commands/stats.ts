/**
 * `lsmkit stats <dir>`: the shape of the tree, read from the files (no engine, no lock): a
 * levels table, as JSON with `--json`, or as a picture with `--svg <file>`.
 *
 * @module
 */
import { writeFileSync } from 'node:fs'
import { formatSize, showBytes } from '../format/bytes.js'
import { renderLevels } from '../format/levels.js'
import { inspectTree, summarizeLevels, type TreeInfo } from '../inspect.js'
import { type Io, processIo } from '../io.js'
import { renderTreeSvg } from '../svg.js'

/** Flags of {@link statsCommand}. */
export interface StatsFlags {
  /** Print JSON instead of the table. */
  readonly json?: boolean
  /** Write an SVG picture of the tree to this file. */
  readonly svg?: string
}

/** `tree` as plain JSON: keys as text (or `0x` hex), per-level totals and per-table details. */
export function treeToJson(tree: TreeInfo): unknown {
  const summaries = summarizeLevels(tree)
  return {
    logNumber: tree.logNumber,
    nextFileNumber: tree.nextFileNumber,
    levels: summaries.map((s) => ({
      level: s.level,
      files: s.files,
      bytes: s.bytes,
      smallestKey: s.smallestKey === undefined ? null : showBytes(s.smallestKey),
      largestKey: s.largestKey === undefined ? null : showBytes(s.largestKey),
      tables: (tree.levels[s.level] ?? []).map((t) => ({
        id: t.id,
        name: t.name,
        bytes: t.bytes,
        entries: t.entries,
        smallestKey: showBytes(t.smallestKey),
        largestKey: showBytes(t.largestKey),
      })),
    })),
    logs: tree.logs,
  }
}

/** Prints the levels table of the database in `dir` (or JSON), and writes the SVG if asked. */
export async function statsCommand(dir: string, flags: StatsFlags, io: Io = processIo()): Promise<number> {
  const tree = await inspectTree(dir)
  if (flags.svg !== undefined) {
    writeFileSync(flags.svg, renderTreeSvg(tree, `lsmkit tree: ${dir}`))
  }
  if (flags.json === true) {
    io.stdout.write(`${JSON.stringify(treeToJson(tree), null, 2)}\n`)
    return 0
  }
  io.stdout.write(`${renderLevels(summarizeLevels(tree))}\n`)
  const logs = tree.logs.map((l) => `${l.name} (${formatSize(l.bytes)})`).join(', ')
  io.stdout.write(`logs: ${logs === '' ? 'none' : logs}\n`)
  if (flags.svg !== undefined) io.stdout.write(`wrote ${flags.svg}\n`)
  return 0
}
