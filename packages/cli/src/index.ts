/**
 * @lsmkit/cli: the `lsmkit` command (an interactive shell, one-shot commands, inspection tools
 * and the crash demo) and the functions behind it, for embedding in other tools.
 *
 * @packageDocumentation
 */
export { dumpLogCommand, formatDamage } from './commands/dump-log.js'
export { dumpManifestCommand } from './commands/dump-manifest.js'
export { dumpSstCommand } from './commands/dump-sst.js'
export {
  delCommand,
  formatEntry,
  getCommand,
  putCommand,
  type ScanFlags,
  scanCommand,
  scanRange,
} from './commands/kv.js'
export { type StatsFlags, statsCommand, treeToJson } from './commands/stats.js'
export { type FileCheck, verifyCommand, verifyDatabase } from './commands/verify.js'
export { type DemoOptions, runDemo } from './demo.js'
export { DEMO_ENGINE_OPTIONS, demoKey, demoValue } from './demo-workload.js'
export { describeError, EXIT_FAILURE, EXIT_USAGE, parseCount, reportError, UsageError } from './errors.js'
export { formatCount, formatSize, showBytes, toBytes, toHex } from './format/bytes.js'
export { type LevelSummary, renderLevels } from './format/levels.js'
export { type Align, type Column, renderTable } from './format/table.js'
export { inspectTree, type LogInfo, summarizeLevels, type TableInfo, type TreeInfo } from './inspect.js'
export { type Io, processIo } from './io.js'
export { type EngineFlags, engineOptions, openDatabase } from './open.js'
export { createProgram, main, VERSION } from './program.js'
export { type Progress, type ProgressOptions, startProgress } from './progress.js'
export { runShell, type ShellOptions, splitWords } from './shell.js'
export { SHELL_COMMANDS, type ShellCommand, type ShellContext, shellHelp } from './shell-commands.js'
export { escapeXml, renderTreeSvg } from './svg.js'
