import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildDatabase, filesEnding, lsmkit, removeTempDir, tempDir } from './helpers.js'

let tmp: string
let db: string
beforeAll(() => {
  tmp = tempDir()
  db = join(tmp, 'db')
  buildDatabase(db)
})
afterAll(() => removeTempDir(tmp))

describe('inspection commands', () => {
  test('dump-log prints each batch with its offset and entries', () => {
    const logs = filesEnding(db, '.wal')
    const dumps = logs.map((log) => lsmkit(['dump-log', join(db, log)]))
    for (const d of dumps) expect(d.status).toBe(0)
    const all = dumps.map((d) => d.stdout).join('')
    expect(all).toMatch(/^offset \d+: 1 entries\n {2}put late news$/m)
    expect(all).toMatch(/no damage/)
  })

  test('dump-manifest prints the log number and the levels', () => {
    const dump = lsmkit(['dump-manifest', db])
    expect(dump.status).toBe(0)
    expect(dump.stdout).toMatch(/^log_number \d+\nnext_file_number \d+\nlevel 0: /)
  })

  test('dump-sst prints the properties and every entry in key order', () => {
    const [table] = filesEnding(db, '.sst')
    const dump = lsmkit(['dump-sst', join(db, table!)])
    expect(dump.status).toBe(0)
    expect(dump.stdout).toMatch(/^entries 300 \(0 tombstones\)$/m)
    expect(dump.stdout).toMatch(/^smallest 1$/m)
    expect(dump.stdout).toMatch(/^99\tvalue99@0$/m)
  })

  test('stats prints the levels table', () => {
    const stats = lsmkit(['stats', db])
    expect(stats.status).toBe(0)
    expect(stats.stdout).toMatch(/^level\s+files\s+bytes\s+smallest key\s+largest key$/m)
    expect(stats.stdout).toMatch(/^L0\s+1\s/m)
  })

  test('stats --json gives every level and table', () => {
    const stats = lsmkit(['stats', db, '--json'])
    expect(stats.status).toBe(0)
    const json = JSON.parse(stats.stdout)
    expect(json.levels[0]).toMatchObject({ level: 0, files: 1, smallestKey: '1', largestKey: '99' })
    expect(json.levels[0].tables[0]).toMatchObject({ entries: 300 })
    expect(json.levels[0].bytes).toBeGreaterThan(0)
  })

  test('stats --svg writes an SVG with one box per table', () => {
    const out = join(tmp, 'tree.svg')
    const stats = lsmkit(['stats', db, '--svg', out])
    expect(stats.status).toBe(0)
    expect(existsSync(out)).toBe(true)
    const svg = readFileSync(out, 'utf8')
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.match(/<rect class="table"/g)).toHaveLength(1)
    expect(svg).toContain('L0: 1 files')
  })

  test('dump-log of a missing file fails in one line', () => {
    const dump = lsmkit(['dump-log', join(tmp, 'nope.wal')])
    expect(dump.status).toBe(1)
    expect(dump.stderr).toMatch(/^lsmkit: .*\[LEVEL_IO_ERROR\]\n$/)
  })
})
