import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { buildDatabase, filesEnding, flipByte, lsmkit, removeTempDir, tempDir } from './helpers.js'

let tmp: string
let db: string
beforeEach(() => {
  tmp = tempDir()
  db = join(tmp, 'db')
  buildDatabase(db)
})
afterEach(() => removeTempDir(tmp))

describe('verify', () => {
  test('a clean database verifies with exit 0', () => {
    const result = lsmkit(['verify', db])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^ok\s+manifest\s/m)
    expect(result.stdout).toMatch(/no damage\n$/)
  })

  test('a flipped byte in a table exits 1 and names the table', () => {
    const [table] = filesEnding(db, '.sst')
    flipByte(join(db, table!), 20)
    const result = lsmkit(['verify', db])
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(new RegExp(`^DAMAGED\\s+${table}\\s+.*LEVEL_CORRUPTION`, 'm'))
    expect(result.stdout).toMatch(new RegExp(`1 of \\d+ files .* damaged: ${table}\\n$`))
  })

  test('a flipped byte in a log exits 1 and names the log', () => {
    const logs = filesEnding(db, '.wal')
    const log = logs.at(-1)!
    flipByte(join(db, log), -3)
    const result = lsmkit(['verify', db])
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(new RegExp(`^DAMAGED\\s+${log}\\s+log: checksum mismatch`, 'm'))
  })

  test('a damaged manifest is reported, and the tables are still checked', () => {
    flipByte(join(db, 'manifest'), 30)
    const result = lsmkit(['verify', db])
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(/^DAMAGED\s+manifest\s/m)
    expect(result.stdout).toMatch(/^ok\s+\d+\.sst\s+300 entries$/m)
  })

  test('verify changes nothing: a damaged log stays as it was', () => {
    const log = filesEnding(db, '.wal').at(-1)!
    flipByte(join(db, log), -3)
    lsmkit(['verify', db])
    expect(lsmkit(['verify', db]).status).toBe(1)
  })

  test('dump-log reports damage where it lies and goes on', () => {
    const log = filesEnding(db, '.wal').at(-1)!
    flipByte(join(db, log), -3)
    const dump = lsmkit(['dump-log', join(db, log)])
    expect(dump.status).toBe(0)
    expect(dump.stdout).toMatch(/^damage at offset \d+: \d+ bytes dropped, checksum/m)
  })
})
