import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeMachine, idlePolling } from '../src/machine.js'

const costs = { threadPoolWriteUs: 24.06, writeSyncUs: 2.123, syncedWriteUs: 193.4 }

describe('idlePolling', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lsmkit-machine-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads the window the kernel reports, in ns', () => {
    writeFileSync(join(dir, 'poll'), '200000\n')
    expect(idlePolling(join(dir, 'poll'))).toBe(200_000)
  })

  it('is undefined where the kernel has no such setting', () => {
    expect(idlePolling(join(dir, 'missing'))).toBeUndefined()
  })

  it('is undefined when the file holds something other than a whole number', () => {
    writeFileSync(join(dir, 'poll'), 'Y\n')
    expect(idlePolling(join(dir, 'poll'))).toBeUndefined()
  })
})

describe('describeMachine', () => {
  it('names the idle polling window when the check found one', () => {
    expect(describeMachine('machine before', { ...costs, idlePollNs: 0 })).toBe(
      'machine before: thread-pool write 24.1 µs, writeSync 2.12 µs, synced write 193 µs, idle polling 0 ns',
    )
  })

  it('leaves the window out where the machine has none', () => {
    expect(describeMachine('machine after', costs)).toBe(
      'machine after: thread-pool write 24.1 µs, writeSync 2.12 µs, synced write 193 µs',
    )
  })
})
