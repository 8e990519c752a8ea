import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// `npm start` runs this built example; it must keep working as the code changes.
const demo = fileURLToPath(new URL('../dist/examples/crash-demo.js', import.meta.url))

describe('the crash demo behind npm start', () => {
  it('recovers every synced batch after the simulated crash', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lsmkit-demo-'))
    try {
      const run = spawnSync(process.execPath, [demo], { cwd, encoding: 'utf8' })
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      expect(run.stdout).toMatch(/the 900 synced ones are all there/)
      expect(run.stdout).toMatch(/demo passed/)
    } finally {
      rmSync(cwd, { recursive: true, force: true })
    }
  })
})
