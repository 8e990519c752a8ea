import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { lsmkit, removeTempDir, tempDir } from './helpers.js'

let tmp: string
let db: string
beforeEach(() => {
  tmp = tempDir()
  db = join(tmp, 'db')
})
afterEach(() => removeTempDir(tmp))

const script = (...lines: string[]) => `${lines.join('\n')}\n`

describe('shell driven through stdin', () => {
  test('put, get, del and scan print their results, without a prompt', () => {
    const run = lsmkit(['shell', db], {
      input: script('put a 1', 'put b two words', 'get a', 'get b', 'del a', 'get a', 'scan', 'quit'),
    })
    expect(run.status).toBe(0)
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('ok\nok\n1\ntwo words\nok\n(not found)\nb\ttwo words\n(1 entries)\n')
  })

  test('fill, flush, compact and stats shape the tree', () => {
    const run = lsmkit(['shell', db, '--memtable-size', '4096'], {
      input: script('fill 1 500', 'flush', 'compact', 'stats', 'scan 10 12', 'close'),
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^filled 500 keys, 1\.\.500, epoch 0$/m)
    expect(run.stdout).toMatch(/^level\s+files\s+bytes/m)
    expect(run.stdout).toMatch(/, compactions [1-9]/)
    expect(run.stdout).toContain('10\tvalue10@0\n100\tvalue100@0\n')
  })

  test('stats reports the time writes stalled, by cause', () => {
    const run = lsmkit(['shell', db, '--memtable-size', '4096'], {
      input: script('fill 1 500', 'stats', 'close'),
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^write stalls \(ms\): slowdown \d+, memtables \d+, l0 \d+, log sync \d+$/m)
  })

  test('what the shell wrote is there for the next command', () => {
    lsmkit(['shell', db], { input: script('fill 1 50', 'quit') })
    expect(lsmkit(['get', db, '42']).stdout).toBe('value42@0\n')
  })

  test('writes survive without the log when the shell closes: --no-wal flushes on close', () => {
    lsmkit(['shell', db, '--no-wal', '--durability', 'fsync'], { input: script('put k v') })
    expect(lsmkit(['get', db, 'k']).stdout).toBe('v\n')
  })

  test('help lists every command', () => {
    const run = lsmkit(['shell', db], { input: script('help') })
    for (const name of ['put', 'get', 'del', 'fill', 'scan', 'flush', 'compact', 'sync', 'stats', 'quit']) {
      expect(run.stdout).toMatch(new RegExp(`^ {2}${name}`, 'm'))
    }
  })

  test('a failing command prints an error, the rest still run, and the exit status is 1', () => {
    const run = lsmkit(['shell', db], { input: script('bogus', 'put x', 'put x 1', 'get x') })
    expect(run.status).toBe(1)
    expect(run.stderr).toBe(
      "error: unknown command 'bogus' (type help) [LEVEL_INVALID_OPTION]\nerror: usage: put <key> <value...>\n",
    )
    expect(run.stdout).toBe('ok\n1\n')
  })

  test('a bad --durability is a usage error', () => {
    const run = lsmkit(['shell', db, '--durability', 'maybe'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/^lsmkit: --durability must be one of buffered, process, fsync/)
  })
})
