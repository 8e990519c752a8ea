/**
 * `lsmkit demo`, what `npm start` runs: a crash and a recovery. It starts a writer process on
 * ./lsmkit-demo, SIGKILLs it after some thousands of acknowledged batches, reopens the database,
 * checks that every acknowledged batch survived, and shows what recovery did and the levels.
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Engine, fileName, LOG_SUFFIX } from '@lsmkit/engine'
import { DEMO_ENGINE_OPTIONS, demoKey, demoValue } from './demo-workload.js'
import { EXIT_FAILURE } from './errors.js'
import { formatCount, formatSize, toBytes } from './format/bytes.js'
import { renderLevels } from './format/levels.js'
import { type Io, processIo } from './io.js'
import { startProgress } from './progress.js'

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The database directory, removed first. Default `./lsmkit-demo`. */
  readonly dir?: string
  /** Acknowledged batches after which the writer is killed. Default 20,000. */
  readonly killAfter?: number
  /** Where to report. Default the process's streams. */
  readonly io?: Io
}

interface WriterRun {
  /** Batches acknowledged: 0 to acked - 1. */
  acked: number
  /** The signal that ended the writer. */
  signal: NodeJS.Signals | null
  /** The writer's exit code when it was not killed. */
  code: number | null
}

// Runs the writer and kills it once `killAfter` batches are acknowledged. Lines still in the
// pipe after the kill are read too: those batches were acknowledged as well.
function runWriter(dir: string, killAfter: number, onAck: (n: number) => void): Promise<WriterRun> {
  const script = fileURLToPath(new URL('./demo-writer.js', import.meta.url))
  const child = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  const run: WriterRun = { acked: 0, signal: null, code: null }
  const lines = createInterface({ input: child.stdout })
  lines.on('line', (line) => {
    if (line === 'ready') return
    run.acked = Number(line) + 1
    onAck(run.acked)
    if (run.acked >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL')
  })
  return new Promise((done, fail) => {
    child.on('error', fail)
    // 'close' comes after stdout ends, so every acknowledgement has been counted.
    child.on('close', (code, signal) => {
      run.code = code
      run.signal = signal
      done(run)
    })
  })
}

/**
 * Runs the demo and resolves to its exit status: 0 when every acknowledged batch survived the
 * kill, 1 when any was lost (or the writer died on its own).
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const io = options.io ?? processIo()
  const out = io.stdout
  const dir = resolve(options.dir ?? 'lsmkit-demo')
  const killAfter = options.killAfter ?? 20_000
  rmSync(dir, { recursive: true, force: true })

  out.write(`lsmkit demo: a writer process puts batches into ${dir}; it is killed (SIGKILL) after\n`)
  out.write(`${formatCount(killAfter)} acknowledged batches, then the database is reopened and checked.\n\n`)
  const progress = startProgress('writing', killAfter, { stream: out, unit: 'batches' })
  const run = await runWriter(dir, killAfter, (n) => progress.update(n))
  progress.stop()
  if (run.signal !== 'SIGKILL') {
    io.stderr.write(`lsmkit: the demo writer exited on its own (code ${run.code}) before it was killed\n`)
    return EXIT_FAILURE
  }
  out.write(`killed the writer with SIGKILL after ${formatCount(run.acked)} acknowledged batches\n\n`)

  const db = await Engine.open(dir, DEMO_ENGINE_OPTIONS)
  try {
    const { recovery } = db.stats()
    out.write(
      `recovery: replayed ${recovery.logsReplayed.length} logs (${recovery.logsReplayed.map((id) => fileName(id, LOG_SUFFIX)).join(', ') || 'none'}), ` +
        `${formatCount(recovery.batches)} batches, ${formatSize(recovery.bytes)} in ${recovery.millis.toFixed(1)} ms; ` +
        `dropped ${formatCount(recovery.droppedBytes)} torn bytes, removed ${recovery.filesRemoved.length} stray files\n`,
    )
    let lost = 0
    let firstLost = -1
    for (let i = 0; i < run.acked; i++) {
      const value = db.getSync(demoKey(i))
      if (value === undefined || Buffer.compare(value, toBytes(demoValue(i))) !== 0) {
        if (lost++ === 0) firstLost = i
      }
    }
    const last = db.getSync('last')
    const lastWritten = last === undefined ? -1 : Number(Buffer.from(last).toString())
    // `last` holds the newest batch that survived: older than the newest acknowledged one means loss.
    if (lastWritten < run.acked - 1 && lost++ === 0) firstLost = run.acked - 1
    const extra = Math.max(0, lastWritten + 1 - run.acked)
    out.write(
      `check: ${formatCount(run.acked - lost)} of ${formatCount(run.acked)} acknowledged batches are there` +
        (extra > 0 ? `, plus ${extra} written but not yet acknowledged when the kill came\n\n` : '\n\n'),
    )
    out.write(`${renderLevels(db.stats().levels)}\n\n`)
    if (lost > 0) {
      io.stderr.write(
        `lsmkit: demo FAILED: ${lost} acknowledged batches were lost (the first is ${firstLost})\n`,
      )
      return EXIT_FAILURE
    }
    out.write('demo passed: the kill lost nothing that was acknowledged\n')
    return 0
  } finally {
    await db.close()
  }
}
