import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { lsmkit, removeTempDir, tempDir } from './helpers.js'

let tmp: string
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => removeTempDir(tmp))

describe('demo', () => {
  test('kills the writer, recovers every acknowledged batch and exits 0, twice in a row', () => {
    for (let run = 0; run < 2; run++) {
      const demo = lsmkit(['demo'], { cwd: tmp })
      expect(demo.stderr).toBe('')
      expect(demo.status).toBe(0)
      expect(demo.stdout).toMatch(/killed the writer with SIGKILL after [\d,]+ acknowledged batches/)
      expect(demo.stdout).toMatch(/^recovery: replayed \d+ logs/m)
      expect(demo.stdout).toMatch(/^check: ([\d,]+) of \1 acknowledged batches are there/m)
      expect(demo.stdout).toMatch(/^L0\s/m)
      expect(demo.stdout).toMatch(/demo passed/)
    }
    expect(existsSync(join(tmp, 'lsmkit-demo', 'manifest'))).toBe(true)
  })
})
