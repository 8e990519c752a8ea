/**
 * Recovery (lsmkit only): a child process writes `bytes` of log with the default `'process'`
 * durability and a memtable larger than the log, then dies by SIGKILL, so the whole log is
 * unflushed. The parent reads the same .wal files raw (readFileSync; the page cache is warm for
 * both rows, since the child just wrote them) and then times Engine.open, which replays them.
 */
import { fork } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Engine } from '@lsmkit/engine'
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { diskBytes, type Result, time } from './workloads.js'

const self = fileURLToPath(import.meta.url)
// recovery-child.js beside this file, or recovery-child.ts when run with tsx.
const CHILD = join(self, '..', `recovery-child${extname(self)}`)

function recoveryResult(engine: string, bytes: number, seconds: number, dir: string, note: string): Result {
  return {
    workload: 'recovery',
    engine,
    ops: bytes,
    seconds,
    opsPerSec: bytes / seconds,
    usPerOp: (seconds / bytes) * 1e6,
    mbPerSec: bytes / seconds / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    diskBytes: diskBytes(dir),
    note,
  }
}

/** Returns the lsmkit row and the raw-read row; `opsPerSec` counts bytes of log per second. */
export async function runRecovery(bytes: number, root: string): Promise<Result[]> {
  const dir = join(root, 'recovery')
  mkdirSync(dir, { recursive: true })
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    const child = fork(CHILD, [dir, String(bytes)], { stdio: 'inherit' })
    child.on('error', reject)
    child.on('exit', (_code, signal) => resolve(signal))
  })
  if (signal !== 'SIGKILL') {
    throw new LsmError(ErrorCode.IO_ERROR, `bench: the recovery writer ended without SIGKILL (${signal})`)
  }

  const logs = readdirSync(dir).filter((name) => name.endsWith('.wal'))
  let rawBytes = 0
  const rawSeconds = await time(async () => {
    for (const name of logs) rawBytes += readFileSync(join(dir, name)).length
  })
  const raw = recoveryResult('raw', rawBytes, rawSeconds, dir, `readFileSync of ${logs.length} .wal file(s)`)

  let db: Engine | undefined
  const seconds = await time(async () => {
    db = await Engine.open(dir, { memtableSize: 2 * bytes + (1 << 20) })
  })
  const report = db!.stats().recovery
  const lsmkit = recoveryResult(
    'lsmkit',
    report.bytes,
    seconds,
    dir,
    `${report.batches} batches from ${report.logsReplayed.length} log(s), ${report.droppedBytes} bytes dropped`,
  )
  await db!.close()
  rmSync(dir, { recursive: true, force: true })
  return [lsmkit, raw]
}
