/**
 * writeTable: puts a finished table on disk, durably.
 *
 * @module
 */
import type { FileHandle, FileSystem } from '@lsmkit/fs'
import type { BlockCache } from './block-cache.js'
import { TableReader } from './reader.js'
import type { TableMemory } from './table-memory.js'

/** Options of {@link writeTable}. */
export interface WriteTableOptions {
  /** The file system to write through. */
  readonly fs: FileSystem
}

/**
 * Writes `bytes` (from {@link TableBuilder.finish}) to a new file at `path`, syncs its contents
 * and closes it, so the table is durable before anything refers to it.
 *
 * The file's name is not yet durable: the caller syncs the directory
 * ({@link FileSystem.syncDir}) before recording the table in its manifest, typically once for
 * a whole batch of tables. On failure the partial file may remain; nothing refers to it, so
 * the engine's sweep of unreferenced files removes it.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_IO_ERROR` from the file system, with `systemCode` `EEXIST`
 *   when `path` already exists: a table is never overwritten.
 * @example
 * ```ts
 * const { bytes, meta } = builder.finish()
 * await writeTable(join(dir, '000007.sst'), bytes, { fs })
 * await fs.syncDir(dir) // now the name is durable too
 * manifest.addTable(7, meta)
 * ```
 */
export async function writeTable(path: string, bytes: Uint8Array, options: WriteTableOptions): Promise<void> {
  const handle = await writeSynced(path, bytes, options.fs)
  await handle.close()
}

/** Options of {@link createTable}. */
export interface CreateTableOptions extends WriteTableOptions {
  /** The block cache the returned reader shares. Default: none. */
  readonly cache?: BlockCache | undefined
  /**
   * Memory that may hold the new table; see {@link TableMemory}. While it holds other tables,
   * the new one is held at once from `bytes`, which must then not change; otherwise from its
   * first read. Default: none.
   */
  readonly memory?: TableMemory | undefined
}

/**
 * {@link writeTable}, then a {@link TableReader} over the new file, opened on the handle the
 * table was written through instead of a second one, which saves an open and a close: what an
 * engine wants after a flush or a compaction. The same durability rules hold: the file's name
 * is durable only once the caller syncs the directory.
 *
 * @throws {@link @lsmkit/fs!LsmError} as {@link writeTable} does, and as
 *   {@link TableReader.fromHandle} does should the written table not read back.
 */
export async function createTable(
  path: string,
  bytes: Uint8Array,
  options: CreateTableOptions,
): Promise<TableReader> {
  const handle = await writeSynced(path, bytes, options.fs)
  try {
    return TableReader.fromHandle(handle, { cache: options.cache, memory: options.memory, contents: bytes })
  } catch (err) {
    await handle.close().catch(() => {})
    throw err
  }
}

// Creates `path`, appends `bytes` and syncs them; returns the open handle. On failure the
// handle is closed, and the append's or sync's error is the one reported.
async function writeSynced(path: string, bytes: Uint8Array, fs: FileSystem): Promise<FileHandle> {
  const handle = await fs.open(path, 'create')
  try {
    handle.append(bytes)
    await handle.sync()
  } catch (err) {
    await handle.close().catch(() => {})
    throw err
  }
  return handle
}
