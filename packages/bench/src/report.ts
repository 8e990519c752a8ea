/**
 * What a run prints and writes: Markdown tables on stdout (they paste into
 * docs/guides/performance.md as they are), the JSON file, and an SVG bar chart of
 * lsmkit ÷ classic-level per workload. A run of several rounds (rounds.ts) shows each
 * workload's median figures, and its per-round ratios beside them.
 */
import { checkGoals, GOALS_N, goalsTable } from './goals.js'
import type { MachineCheck } from './machine.js'
import { median, medianResults, type Round, roundRatios } from './rounds.js'
import type { Result } from './workloads.js'

export interface RunInfo {
  readonly date: string
  readonly node: string
  readonly cpus: number
  readonly n: number
  readonly syncN: number
  readonly recoveryBytes: number
  readonly keySize: number
  readonly valueSize: number
  readonly batchSize: number
  readonly syncWriters: number
  /** How many times every engine ran every workload (`--rounds`). */
  readonly rounds: number
  /** The machine's per-call costs before and after the engines ran (machine.ts). */
  readonly machine?: { readonly before: MachineCheck; readonly after: MachineCheck }
}

const int = (x: number) => Math.round(x).toLocaleString('en-US')
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '–')
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)

function workloadsOf(results: readonly Result[]): string[] {
  return [...new Set(results.map((r) => r.workload))]
}

/**
 * lsmkit's rate divided by `engine`'s on `workload`: the median of the per-round ratios, or NaN
 * when no round has both.
 */
export function ratio(rounds: readonly Round[], workload: string, engine: string): number {
  return median(roundRatios(rounds, workload, engine))
}

/**
 * Every table a run prints: lsmkit ÷ each peer per workload, each engine's figures (those of
 * its median round), the ratios of every round when there were several, and the goals.
 */
export function tables(rounds: readonly Round[], engines: readonly string[], n: number): string {
  const results = medianResults(rounds)
  const peers = engines.filter((e) => e !== 'lsmkit')
  // With several rounds, a ratio is the median of the rounds' own ratios, which need not be
  // the quotient of the two median rounds shown beside it.
  const of = rounds.length > 1 ? ', median of the rounds' : ''
  const lines = [
    `| workload | ${engines.map((e) => `${e} ops/s`).join(' | ')} | ${peers.map((p) => `lsmkit ÷ ${p}${of}`).join(' | ')} |`,
    `|---|${engines.map(() => '---:').join('|')}|${peers.map(() => '---:').join('|')}|`,
  ]
  for (const workload of workloadsOf(results)) {
    const cells = engines.map((e) => {
      const r = results.find((x) => x.workload === workload && x.engine === e)
      if (!r) return '–'
      return workload === 'recovery' ? `${fixed(r.mbPerSec, 1)} MB/s` : int(r.opsPerSec)
    })
    const ratios = peers.map((p) => fixed(ratio(rounds, workload, p), 2))
    lines.push(`| ${workload} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`)
  }
  lines.push(
    '',
    '| workload | engine | ops | µs/op | MB/s | peak RSS MiB | disk MiB | note |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  )
  for (const r of results) {
    const ops = r.workload === 'recovery' ? `${mib(r.ops)} MiB` : int(r.ops)
    const us = r.workload === 'recovery' ? '–' : fixed(r.usPerOp, 2)
    lines.push(
      `| ${r.workload} | ${r.engine} | ${ops} | ${us} | ${fixed(r.mbPerSec, 1)} | ${mib(r.peakRssBytes)} | ${mib(r.diskBytes)} | ${r.note ?? ''} |`,
    )
  }
  if (rounds.length > 1) lines.push('', roundsTable(rounds, peers))
  const goals = checkGoals(rounds)
  if (goals.length > 0) {
    // The goals are set for db_bench's default size; a smaller run is mostly warm-up.
    const size = n === GOALS_N ? '' : `; this run has n = ${int(n)}, so its ratios say little about them`
    lines.push('', `goals (set for n = ${int(GOALS_N)}${size}):`, '', goalsTable(goals))
  }
  return lines.join('\n')
}

// lsmkit ÷ each peer in every round, in the order of the rounds.
function roundsTable(rounds: readonly Round[], peers: readonly string[]): string {
  const lines = [
    `| workload | ${peers.map((p) => `lsmkit ÷ ${p}, rounds 1–${rounds.length}`).join(' | ')} |`,
    `|---|${peers.map(() => '---').join('|')}|`,
  ]
  for (const workload of workloadsOf(rounds.flat())) {
    const ratios = peers.map((p) => roundRatios(rounds, workload, p))
    // A workload no peer ran (recovery) has no ratio to show.
    if (ratios.every((r) => r.length === 0)) continue
    const cells = ratios.map((r) => r.map((x) => fixed(x, 2)).join(', ') || '–')
    lines.push(`| ${workload} | ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}

/**
 * The JSON a run writes: its settings, `results` (each engine's median round per workload, the
 * round itself in a run of one), `goals` (goals.ts), and with several rounds, `rounds`: every
 * round's results.
 */
export function json(info: RunInfo, rounds: readonly Round[]): string {
  const report = {
    ...info,
    results: medianResults(rounds),
    goals: checkGoals(rounds),
    ...(rounds.length > 1 ? { rounds } : {}),
  }
  return `${JSON.stringify(report, null, 2)}\n`
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/**
 * A horizontal bar per workload: lsmkit ÷ classic-level (the median over the rounds), with
 * lines at 1× and 4×.
 */
export function chart(info: RunInfo, rounds: readonly Round[]): string {
  const rows = workloadsOf(rounds.flat())
    .map((w) => [w, ratio(rounds, w, 'classic-level')] as const)
    .filter(([, r]) => Number.isFinite(r))
  const label = 150
  const width = 460
  const rowHeight = 22
  const top = 40
  const max = Math.max(4.5, ...rows.map(([, r]) => r))
  const x = (r: number) => label + (r / max) * width
  const height = top + rows.length * rowHeight + 30
  const heading = 'lsmkit ÷ classic-level (higher is better)'
  const runs = rounds.length === 1 ? 'one run' : `the median of ${rounds.length} rounds`
  const run = `${info.date}, n = ${info.n.toLocaleString('en-US')}, ${info.cpus} cores, Node ${info.node}; ${runs}`
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${label + width + 70}" height="${height}" font-family="sans-serif" font-size="12">`,
    // The text a screen reader gives for the chart: its heading, run and every ratio.
    `<title>${escapeXml(`${heading}, ${run}: ${rows.map(([w, r]) => `${w} ${r.toFixed(2)}×`).join(', ')}`)}</title>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escapeXml(heading)}</text>`,
    `<text x="10" y="32" fill="#555">${escapeXml(run)}</text>`,
  ]
  rows.forEach(([workload, r], i) => {
    const y = top + i * rowHeight
    const color = r >= 1 ? '#2b8a3e' : '#c92a2a'
    out.push(
      `<text x="${label - 6}" y="${y + 15}" text-anchor="end">${escapeXml(workload)}</text>`,
      `<rect x="${label}" y="${y + 4}" width="${(x(r) - label).toFixed(1)}" height="${rowHeight - 8}" fill="${color}"/>`,
      `<text x="${(x(r) + 4).toFixed(1)}" y="${y + 15}">${r.toFixed(2)}×</text>`,
    )
  })
  const bottom = top + rows.length * rowHeight
  for (const mark of [1, 4]) {
    out.push(
      `<line x1="${x(mark).toFixed(1)}" y1="${top}" x2="${x(mark).toFixed(1)}" y2="${bottom}" stroke="#333" stroke-dasharray="3,3"/>`,
      `<text x="${x(mark).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${mark}×</text>`,
    )
  }
  out.push('</svg>', '')
  return out.join('\n')
}
