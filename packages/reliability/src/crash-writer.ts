/**
 * The child of the crash test: opens the database, writes the seeded steps from a given index
 * on, four at a time (so that they are group-committed), and prints `ack <i>` on stdout as
 * soon as step i resolves. The parent kills it with SIGKILL at a moment of its choosing.
 *
 * Usage: node crash-writer.js <dir> <seed> <first step> <engine options as JSON>
 *
 * stdout is a pipe, which Node writes synchronously on Linux: once a line is out, the write it
 * reports had resolved, and a SIGKILL cannot take the line back.
 *
 * @module
 */
import { Engine } from '@lsmkit/engine'
import { StepSource, writeStep } from './workload.js'

const WINDOW = 4
// The writer stops by itself after this many steps, so it never runs on if its parent dies.
const LIMIT = 100_000

const [dir, seedText, firstText, optionsJson] = process.argv.slice(2)
if (dir === undefined || seedText === undefined || firstText === undefined || optionsJson === undefined) {
  console.error('usage: crash-writer <dir> <seed> <first step> <options as JSON>')
  process.exit(2)
}
const source = new StepSource(Number(seedText))
const first = Number(firstText)
const db = await Engine.open(dir, JSON.parse(optionsJson))
process.stdout.write('open\n')
for (let start = first; start < first + LIMIT; start += WINDOW) {
  const writes: Promise<void>[] = []
  for (let i = start; i < start + WINDOW; i++) {
    writes.push(writeStep(db, source.step(i)).then(() => void process.stdout.write(`ack ${i}\n`)))
  }
  await Promise.all(writes)
}
await db.close()
process.stdout.write('done\n')
