/**
 * Opening a database: lock it, read the manifest, open its tables, replay its logs, and remove
 * what nothing needs any more.
 *
 * @module
 */
import { dirname, join } from 'node:path'
import { ErrorCode, isCorruption, LsmError } from '@lsmkit/fs'
import { LogReader, LogWriter } from '@lsmkit/log'
import { readManifest, removeStaleManifestTemp } from '@lsmkit/manifest'
import { BlockCache, TableMemory, TableReader } from '@lsmkit/sstable'
import { fileName, LEVEL_COUNT, LOCK_FILE, LOG_SUFFIX, parseFileName, TABLE_SUFFIX } from '../format.js'
import type { ResolvedOptions } from '../options.js'
import { Core } from './core.js'
import { Memtable } from './memtable.js'
import { TableFile } from './table-file.js'

/** What replaying the logs produced. */
interface Replay {
  memtables: Memtable[]
  seq: number
  batches: number
  bytes: number
  dropped: number
  /** True when `walRecovery` let damage through: the recovered state must be flushed at once. */
  damaged: boolean
}

/**
 * Opens (or creates) the database in `dir` and returns its state, with recovered memtables
 * frozen and ready to flush. `mustFlush` says the recovered memtables must be flushed before
 * the database is used, because the logs they came from are damaged.
 */
export async function recover(dir: string, o: ResolvedOptions): Promise<{ core: Core; mustFlush: boolean }> {
  const started = performance.now()
  const fs = o.fs
  if (!(await fs.exists(dir))) {
    if (!o.createIfMissing) throw notOpen(`${dir} does not exist and createIfMissing is false`)
    await fs.mkdir(dir)
    await fs.syncDir(dirname(dir))
  }
  const lock = await fs.lock(join(dir, LOCK_FILE))
  const tables: TableFile[] = []
  try {
    await removeStaleManifestTemp(dir, { fs })
    const state = await readManifest(dir, { fs })
    if (state !== undefined && o.errorIfExists) throw notOpen(`${dir} exists and errorIfExists is true`)
    if (state === undefined && !o.createIfMissing)
      throw notOpen(`${dir} holds no database and createIfMissing is false`)
    // A new database's directory may come from a process that made it and died before its
    // parent's sync (above): its name would then vanish in a power cut, with every write
    // acknowledged in it since, sync writes included. Sync the parent whoever made it.
    if (state === undefined) await fs.syncDir(dirname(dir))
    const files = (await fs.list(dir)).flatMap((name) => {
      const parsed = parseFileName(name)
      return parsed === undefined ? [] : [{ name, ...parsed }]
    })
    // What was read may not be durable yet (a crash after a rename, before its directory sync):
    // make it so before deleting anything on its word.
    await fs.syncDir(dir)

    const cache = new BlockCache({ capacityBytes: o.blockCacheSize })
    const memory = new TableMemory({ capacityBytes: o.tableMemorySize })
    const levels: TableFile[][] = Array.from({ length: LEVEL_COUNT }, () => [])
    const onDisk = new Set(files.map((f) => f.name))
    for (const [level, ids] of (state?.levels ?? []).entries()) {
      for (const id of ids) {
        const name = fileName(id, TABLE_SUFFIX)
        const path = join(dir, name)
        if (!onDisk.has(name)) {
          throw new LsmError(ErrorCode.CORRUPTION, `engine: table ${path} is in the manifest but missing`, {
            file: path,
          })
        }
        const table = new TableFile(id, await TableReader.open(path, { fs, cache, memory }))
        tables.push(table)
        levels[level]!.push(table)
      }
    }

    const logNumber = state?.logNumber ?? 0
    const logs = files.filter((f) => f.kind === 'log' && f.id >= logNumber).sort((a, b) => a.id - b.id)
    const replay = await replayLogs(
      dir,
      o,
      logs.map((f) => f.id),
    )

    const removed: string[] = []
    const referenced = new Set(tables.map((t) => t.id))
    for (const f of files) {
      if ((f.kind === 'table' && !referenced.has(f.id)) || (f.kind === 'log' && f.id < logNumber)) {
        await fs.unlink(join(dir, f.name))
        removed.push(f.name)
      }
    }

    const maxId = Math.max(0, ...files.map((f) => f.id))
    let nextFileNumber = Math.max(state?.nextFileNumber ?? 1, maxId + 1)
    const mem = new Memtable(nextFileNumber++)
    const report = {
      logsReplayed: logs.map((f) => f.id),
      batches: replay.batches,
      bytes: replay.bytes,
      droppedBytes: replay.dropped,
      filesRemoved: removed,
      millis: performance.now() - started,
    }
    const core = new Core(dir, o, cache, memory, lock, report, mem, levels, nextFileNumber)
    core.seq = replay.seq
    core.imms = replay.memtables.reverse()
    for (const f of logs) core.logIds.add(f.id)
    if (o.enableWal) {
      core.log = await LogWriter.create(core.path(mem.id, LOG_SUFFIX), { fs, blockSize: o.logBlockSize })
      core.logIds.add(mem.id)
    }
    if (state === undefined) await core.install(levels, [])
    return { core, mustFlush: replay.damaged }
  } catch (err) {
    for (const table of tables) await table.reader.close()
    await lock.release()
    throw err
  }
}

// Replays logs oldest first into one memtable each, and makes each durable. A torn tail is cut
// off (and the cut made durable) so that it never reads as damage once a newer log exists;
// other damage is handled as `walRecovery` says.
async function replayLogs(dir: string, o: ResolvedOptions, ids: readonly number[]): Promise<Replay> {
  const replay: Replay = { memtables: [], seq: 0, batches: 0, bytes: 0, dropped: 0, damaged: false }
  for (const [i, id] of ids.entries()) {
    const path = join(dir, fileName(id, LOG_SUFFIX))
    const mem = new Memtable(id)
    replay.memtables.push(mem)
    const reader = await LogReader.open(path, {
      fs: o.fs,
      mode: o.walRecovery === 'skip' ? 'skip' : 'tolerate-tail',
    })
    let stop = false
    try {
      // The memtable takes each batch in the log's own encoding, which the reader has checked,
      // and keeps its bytes: no entry objects, no copies.
      await reader.forEachBatch((batch) => {
        replay.seq = mem.applyEncoded(batch.payload, replay.seq)
        replay.batches++
      })
    } catch (err) {
      if (!(isCorruption(err) && o.walRecovery === 'point-in-time')) throw err
      stop = true
    } finally {
      await reader.close()
    }
    replay.bytes += reader.size
    replay.dropped += reader.droppedBytes
    const last = i === ids.length - 1
    let cutAt: number | undefined
    if (o.walRecovery === 'skip' && reader.droppedBytes > 0) replay.damaged = true
    if (!stop && o.walRecovery !== 'skip' && reader.droppedBytes > 0) {
      // A torn tail: only the newest log may have one, since a log is fsynced before a newer
      // one is created, and recovery cuts torn tails off and fsyncs every log before it
      // creates one.
      if (!last && o.walRecovery === 'strict') {
        throw new LsmError(ErrorCode.CORRUPTION, `engine: ${path} ends in damage but newer logs follow`, {
          file: path,
          offset: reader.lastGoodOffset,
        })
      }
      if (!last) stop = true
      else cutAt = reader.lastGoodOffset
    }
    if (stop) {
      replay.damaged = true
      break
    }
    // After a process crash, what the last session handed to the operating system may not be
    // on disk yet. It is made durable before the new log exists: a sync write fsyncs only the
    // new log, and must cover these writes too.
    await makeDurable(o, path, cutAt)
  }
  return replay
}

// Fsyncs the log at `path`, first cutting it to `size` bytes when given.
async function makeDurable(o: ResolvedOptions, path: string, size: number | undefined): Promise<void> {
  const handle = await o.fs.open(path, 'append')
  try {
    if (size !== undefined) await handle.truncate(size)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function notOpen(message: string): LsmError {
  return new LsmError(ErrorCode.DATABASE_NOT_OPEN, `engine: ${message}`)
}
