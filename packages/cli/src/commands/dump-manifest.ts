/**
 * `lsmkit dump-manifest <dir>`: the manifest's state, decoded and checked.
 *
 * @module
 */

import { ErrorCode, LsmError } from '@lsmkit/fs'
import { readManifest } from '@lsmkit/manifest'
import { type Io, processIo } from '../io.js'

/**
 * Prints the manifest of the database in `dir`: `log_number`, `next_file_number` and one
 * `level <n>: <ids>` line per level.
 *
 * @throws `LsmError` `LEVEL_DATABASE_NOT_OPEN` when `dir` holds no manifest; `LsmError` `LEVEL_CORRUPTION` for a
 *   damaged one.
 */
export async function dumpManifestCommand(dir: string, io: Io = processIo()): Promise<number> {
  const state = await readManifest(dir)
  if (state === undefined) throw new LsmError(ErrorCode.DATABASE_NOT_OPEN, `no manifest in ${dir}`)
  const out = io.stdout
  out.write(`log_number ${state.logNumber}\n`)
  out.write(`next_file_number ${state.nextFileNumber}\n`)
  state.levels.forEach((ids, level) => {
    out.write(`level ${level}: ${ids.length === 0 ? '(empty)' : ids.join(' ')}\n`)
  })
  return 0
}
