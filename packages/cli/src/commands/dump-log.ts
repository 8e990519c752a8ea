/**
 * `lsmkit dump-log <file>`: every batch of a write-ahead log with its offset, and any damage,
 * like leveldbutil's dump. The log is read in `'skip'` mode, so damage is reported where it
 * lies and reading goes on after it.
 *
 * @module
 */
import { type CorruptionInfo, LogReader } from '@lsmkit/log'
import { showBytes } from '../format/bytes.js'
import { type Io, processIo } from '../io.js'

/** One line describing a stretch of dropped bytes. */
export function formatDamage(info: CorruptionInfo): string {
  const tail = info.tail ? ' (torn tail)' : ''
  return `damage at offset ${info.offset}: ${info.bytes} bytes dropped, ${info.reason}${tail}`
}

/**
 * Prints the log at `file`: a header line, then per batch `offset <n>: <k> entries` and one
 * indented `put <key> <value>` or `del <key>` line per entry, damage lines in file order, and a
 * summary. Exits 0 even when there is damage (it is reported; `verify` is the check).
 */
export async function dumpLogCommand(file: string, io: Io = processIo()): Promise<number> {
  const out = io.stdout
  const damage: CorruptionInfo[] = []
  const reader = await LogReader.open(file, {
    mode: 'skip',
    onCorruption: (info) => {
      damage.push(info)
      out.write(`${formatDamage(info)}\n`)
    },
  })
  let batches = 0
  let entries = 0
  try {
    out.write(`log ${file}: ${reader.size} bytes, block size ${reader.blockSize}\n`)
    for await (const batch of reader.batches()) {
      batches++
      entries += batch.entries.length
      out.write(`offset ${batch.offset}: ${batch.entries.length} entries\n`)
      for (const e of batch.entries) {
        out.write(
          e.value === undefined
            ? `  del ${showBytes(e.key)}\n`
            : `  put ${showBytes(e.key)} ${showBytes(e.value)}\n`,
        )
      }
    }
  } finally {
    await reader.close()
  }
  const dropped = damage.reduce((sum, d) => sum + d.bytes, 0)
  out.write(
    `${batches} batches, ${entries} entries; ${damage.length === 0 ? 'no damage' : `${damage.length} damaged stretches, ${dropped} bytes dropped`}\n`,
  )
  return 0
}
