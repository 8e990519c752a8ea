/**
 * @lsmkit/reliability: the crash, power-cut, corruption, fault-injection and stress suites of
 * lsmkit, and the pieces they share. Not published; see docs/guides/reliability.md.
 *
 * @packageDocumentation
 */
export { type CrashReport, type CrashTestOptions, type CycleReport, runCrashTest } from './crash-test.js'
export {
  applyToModel,
  matchingPrefixes,
  modelAfter,
  type Operation,
  readAll,
  type Step,
  StepSource,
  seededRandom,
  type WorkloadShape,
  writeStep,
} from './workload.js'
