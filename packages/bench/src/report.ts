/**
 * What a run prints and writes: Markdown tables on stdout (they paste into
 * docs/guides/performance.md as they are), the JSON file, and an SVG bar chart of
 * lsmkit ÷ classic-level per workload.
 */
import type { MachineCheck } from './machine.js'
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
  /** The machine's per-call costs before and after the engines ran (machine.ts). */
  readonly machine?: { readonly before: MachineCheck; readonly after: MachineCheck }
}

const int = (x: number) => Math.round(x).toLocaleString('en-US')
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '–')
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)

function workloadsOf(results: readonly Result[]): string[] {
  return [...new Set(results.map((r) => r.workload))]
}

/** lsmkit's rate divided by `engine`'s on `workload`, or NaN when either is missing. */
export function ratio(results: readonly Result[], workload: string, engine: string): number {
  const find = (e: string) => results.find((r) => r.workload === workload && r.engine === e)
  const ours = find('lsmkit')
  const theirs = find(engine)
  return ours && theirs ? ours.opsPerSec / theirs.opsPerSec : Number.NaN
}

export function tables(results: readonly Result[], engines: readonly string[]): string {
  const peers = engines.filter((e) => e !== 'lsmkit')
  const lines = [
    `| workload | ${engines.map((e) => `${e} ops/s`).join(' | ')} | ${peers.map((p) => `lsmkit ÷ ${p}`).join(' | ')} |`,
    `|---|${engines.map(() => '---:').join('|')}|${peers.map(() => '---:').join('|')}|`,
  ]
  for (const workload of workloadsOf(results)) {
    const cells = engines.map((e) => {
      const r = results.find((x) => x.workload === workload && x.engine === e)
      if (!r) return '–'
      return workload === 'recovery' ? `${fixed(r.mbPerSec, 1)} MB/s` : int(r.opsPerSec)
    })
    const ratios = peers.map((p) => fixed(ratio(results, workload, p), 2))
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
  return lines.join('\n')
}

export function json(info: RunInfo, results: readonly Result[]): string {
  return `${JSON.stringify({ ...info, results }, null, 2)}\n`
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/** A horizontal bar per workload: lsmkit ÷ classic-level, with lines at 1× and 4×. */
export function chart(info: RunInfo, results: readonly Result[]): string {
  const rows = workloadsOf(results)
    .map((w) => [w, ratio(results, w, 'classic-level')] as const)
    .filter(([, r]) => Number.isFinite(r))
  const label = 150
  const width = 460
  const rowHeight = 22
  const top = 40
  const max = Math.max(4.5, ...rows.map(([, r]) => r))
  const x = (r: number) => label + (r / max) * width
  const height = top + rows.length * rowHeight + 30
  const heading = 'lsmkit ÷ classic-level (higher is better)'
  const run = `${info.date}, n = ${info.n.toLocaleString('en-US')}, ${info.cpus} cores, Node ${info.node}; one run`
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
