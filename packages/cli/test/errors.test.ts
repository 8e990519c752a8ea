import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { BIN, lsmkit, removeTempDir, tempDir } from './helpers.js'

let tmp: string
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => removeTempDir(tmp))

describe('errors', () => {
  test('get on a missing database prints one line with the code, no stack, and exits 1', () => {
    const got = lsmkit(['get', join(tmp, 'missing'), 'k'])
    expect(got.status).toBe(1)
    expect(got.stdout).toBe('')
    const lines = got.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^lsmkit: .*\[LEVEL_DATABASE_NOT_OPEN\]$/)
    expect(got.stderr).not.toMatch(/\n\s+at /)
  })

  test('--debug adds the stack trace', () => {
    const got = lsmkit(['get', join(tmp, 'missing'), 'k', '--debug'])
    expect(got.status).toBe(1)
    expect(got.stderr).toMatch(/^lsmkit: .*\[LEVEL_DATABASE_NOT_OPEN\]\n/)
    expect(got.stderr).toMatch(/\n\s+at /)
  })

  test('an unknown command is a usage error: one line, exit 2', () => {
    const got = lsmkit(['frobnicate'])
    expect(got.status).toBe(2)
    expect(got.stderr).toMatch(/^lsmkit: unknown command 'frobnicate'/)
  })

  test('a bad --limit is a usage error: exit 2', () => {
    const db = join(tmp, 'db')
    lsmkit(['put', db, 'a', '1'])
    const got = lsmkit(['scan', db, '--limit', 'many'])
    expect(got.status).toBe(2)
    expect(got.stderr).toBe("lsmkit: --limit must be a whole number of at least 0; got 'many'\n")
  })

  test('get on a database another process has open fails with LEVEL_LOCKED in one line', async () => {
    const db = join(tmp, 'db')
    const shell = spawn(process.execPath, [BIN, 'shell', db], { stdio: ['pipe', 'pipe', 'pipe'] })
    const opened = new Promise<void>((resolve) => {
      shell.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ok')) resolve()
      })
    })
    shell.stdin.write('put a 1\n')
    await opened
    const got = lsmkit(['get', db, 'a'])
    shell.stdin.end('quit\n')
    await new Promise((resolve) => shell.on('close', resolve))
    expect(got.status).toBe(1)
    expect(got.stderr).toMatch(/^lsmkit: .*\[LEVEL_LOCKED\]\n$/)
  })

  test('--version prints the version and exits 0', () => {
    expect(lsmkit(['--version'])).toMatchObject({ status: 0, stdout: '0.1.0\n' })
  })
})
