/**
 * The writer process of `lsmkit demo` (run as `node demo-writer.js <dir>`; nothing imports it):
 * opens the database in `<dir>` and writes the demo's batches until it is killed, printing
 * `ready`, then one line per acknowledged batch, its number. stdout is a pipe, and on Linux
 * writes to a pipe are synchronous, so a number the parent reads was acknowledged before the
 * line was written.
 *
 * @module
 */
import { Engine } from '@lsmkit/engine'
import { DEMO_ENGINE_OPTIONS, demoKey, demoValue } from './demo-workload.js'

async function write(dir: string): Promise<void> {
  const db = await Engine.open(dir, DEMO_ENGINE_OPTIONS)
  process.stdout.write('ready\n')
  for (let i = 0; ; i++) {
    await db.batch([
      { type: 'put', key: demoKey(i), value: demoValue(i) },
      { type: 'put', key: 'last', value: String(i) },
    ])
    process.stdout.write(`${i}\n`)
  }
}

const dir = process.argv[2]
if (dir === undefined) {
  process.stderr.write('usage: demo-writer.js <dir>\n')
  process.exitCode = 2
} else {
  write(dir).catch((err: unknown) => {
    process.stderr.write(`demo writer: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
