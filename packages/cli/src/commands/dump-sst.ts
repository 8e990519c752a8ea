/**
 * `lsmkit dump-sst <file>`: a table's properties and every entry.
 *
 * @module
 */
import { TableReader } from '@lsmkit/sstable'
import { showBytes } from '../format/bytes.js'
import { type Io, processIo } from '../io.js'

/**
 * Prints the table at `file`: size, entry and tombstone counts, key range, then one
 * `<key><TAB><value>` line per entry (`<key><TAB>(tombstone)` for a delete), in key order.
 *
 * @throws `LsmError` `LEVEL_CORRUPTION` at the first damaged block.
 */
export async function dumpSstCommand(file: string, io: Io = processIo()): Promise<number> {
  const out = io.stdout
  const reader = await TableReader.open(file)
  try {
    out.write(`table ${file}: ${reader.fileSize} bytes\n`)
    out.write(`entries ${reader.entryCount} (${reader.tombstoneCount} tombstones)\n`)
    out.write(`smallest ${showBytes(reader.smallestKey)}\n`)
    out.write(`largest ${showBytes(reader.largestKey)}\n`)
    const cursor = reader.cursor()
    for (cursor.seekToFirst(); cursor.valid; cursor.next()) {
      const value = cursor.value
      out.write(`${showBytes(cursor.key)}\t${value === undefined ? '(tombstone)' : showBytes(value)}\n`)
    }
  } finally {
    await reader.close()
  }
  return 0
}
