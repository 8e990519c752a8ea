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

describe('put, get, del and scan', () => {
  test('get prints the value put, with a newline', () => {
    expect(lsmkit(['put', db, 'greeting', 'hello world']).status).toBe(0)
    const got = lsmkit(['get', db, 'greeting'])
    expect(got).toMatchObject({ status: 0, stdout: 'hello world\n' })
  })

  test('get of a missing key prints nothing on stdout, says so on stderr and exits 1', () => {
    lsmkit(['put', db, 'a', '1'])
    const got = lsmkit(['get', db, 'nope'])
    expect(got.status).toBe(1)
    expect(got.stdout).toBe('')
    expect(got.stderr).toBe('lsmkit: key not found: nope\n')
  })

  test('del removes a key', () => {
    lsmkit(['put', db, 'a', '1'])
    expect(lsmkit(['del', db, 'a']).status).toBe(0)
    expect(lsmkit(['get', db, 'a']).status).toBe(1)
  })

  test('scan prints every entry in key order as key<TAB>value lines', () => {
    for (const key of ['b', 'c', 'a']) lsmkit(['put', db, key, `v${key}`])
    expect(lsmkit(['scan', db]).stdout).toBe('a\tva\nb\tvb\nc\tvc\n')
  })

  test('scan honours --gte, --lt, --reverse and --limit', () => {
    for (const key of ['a', 'b', 'c', 'd']) lsmkit(['put', db, key, key.toUpperCase()])
    expect(lsmkit(['scan', db, '--gte', 'b', '--lt', 'd']).stdout).toBe('b\tB\nc\tC\n')
    expect(lsmkit(['scan', db, '--reverse', '--limit', '2']).stdout).toBe('d\tD\nc\tC\n')
  })

  test('scan --json prints an array of { key, value }', () => {
    lsmkit(['put', db, 'k1', 'one'])
    lsmkit(['put', db, 'k2', 'two'])
    const scanned = lsmkit(['scan', db, '--json'])
    expect(scanned.status).toBe(0)
    expect(JSON.parse(scanned.stdout)).toEqual([
      { key: 'k1', value: 'one' },
      { key: 'k2', value: 'two' },
    ])
  })

  test('scan --json of an empty range prints an empty array', () => {
    lsmkit(['put', db, 'a', '1'])
    expect(JSON.parse(lsmkit(['scan', db, '--json', '--gte', 'z']).stdout)).toEqual([])
  })
})
