/**
 * `npm run test:crash -- --cycles N [--seed S]`: runs the process crash test (see
 * {@link runCrashTest}) and ends with `crash: <N> cycles, <M> acknowledged writes checked, <L> lost`.
 * Exits with 1 when a write was lost or a cycle failed.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { runCrashTest } from './crash-test.js'

const { values } = parseArgs({
  options: { cycles: { type: 'string', default: '1000' }, seed: { type: 'string' } },
})
const cycles = Number(values.cycles)
if (!Number.isInteger(cycles) || cycles < 1) {
  console.error(`crash: --cycles takes a positive whole number; got ${values.cycles}`)
  process.exit(2)
}
const seed = values.seed === undefined ? undefined : Number(values.seed)
const every = Math.max(1, Math.floor(cycles / 20))
const report = await runCrashTest({
  cycles,
  ...(seed === undefined ? {} : { seed }),
  onCycle: (c) => {
    if (c.failure !== undefined) console.log(`cycle ${c.cycle} (${c.durability}) FAILED: ${c.failure}`)
    else if (c.cycle % every === 0)
      console.log(`cycle ${c.cycle}: ${c.acked} acknowledged, prefix ${c.prefix}`)
  },
})
console.log(
  `seed ${report.seed}; ${report.steps} steps written; modes: ${Object.entries(report.modes)
    .map(([mode, n]) => `${mode} ${n}`)
    .join(', ')}; ${report.required} writes required to survive; ${(report.millis / 1000).toFixed(1)} s`,
)
for (const failure of report.failures.slice(0, 20)) console.log(`failure: ${failure}`)
console.log(
  `crash: ${report.cycles} cycles, ${report.checked} acknowledged writes checked, ${report.lost} lost`,
)
process.exitCode = report.lost > 0 || report.failures.length > 0 ? 1 : 0
