/**
 * A consumer of the packed packages. The pack test copies it into an empty project where only
 * the tarballs are installed, type-checks it there (strict, no skipLibCheck), compiles it and
 * runs it; the test compares what it prints with `EXPECTED_OUTPUT` in pack.test.ts. It is also
 * type-checked in the repository (against the workspace packages) by `npm run typecheck`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VERSION } from '@lsmkit/cli'
import { Engine, type EngineOptions, type Entry } from '@lsmkit/engine'
import { ErrorCode, isLsmError } from '@lsmkit/fs'
import { LsmLevel } from '@lsmkit/level'
import { type LogEntry, LogWriter, readLog } from '@lsmkit/log'
import { decodeManifest, encodeManifest, type ManifestState } from '@lsmkit/manifest'
import { TableBuilder, type TableMeta } from '@lsmkit/sstable'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (bytes: Uint8Array | undefined): string =>
  bytes === undefined ? '<none>' : new TextDecoder().decode(bytes)

const root = await mkdtemp(join(tmpdir(), 'lsmkit-consumer-'))
try {
  // The engine: write, read, delete, iterate, close, and find the data again after reopening.
  const options: EngineOptions = { durability: 'fsync', memtableSize: 1 << 16 }
  const db = await Engine.open(join(root, 'engine'), options)
  await db.put('b', '2')
  await db.batch([
    { type: 'put', key: 'a', value: '1' },
    { type: 'put', key: 'c', value: '3' },
    { type: 'del', key: 'b' },
  ])
  console.log(`engine get a=${text(await db.get('a'))} b=${text(await db.get('b'))}`)
  const entries: Entry[] = []
  for await (const entry of db.iterator()) entries.push(entry)
  console.log(`engine scan ${entries.map(([key, value]) => `${text(key)}=${text(value)}`).join(' ')}`)
  await db.close()
  const reopened = await Engine.open(join(root, 'engine'), options)
  console.log(`engine reopened c=${text(await reopened.get('c'))}`)
  await reopened.close()

  // The log on its own, as an append-only journal.
  const journalPath = join(root, 'events.wal')
  const journal = await LogWriter.openForAppend(journalPath)
  journal.add([{ key: utf8('order:17'), value: utf8('paid') }, { key: utf8('cart:17') }])
  journal.add([{ key: utf8('order:18'), value: utf8('new') }])
  await journal.sync()
  await journal.close()
  const replayed: string[] = []
  for await (const batch of readLog(journalPath)) {
    replayed.push(batch.map((entry: LogEntry) => `${text(entry.key)}=${text(entry.value)}`).join(','))
  }
  console.log(`log ${replayed.join(' | ')}`)

  // The abstract-level adapter.
  const level = new LsmLevel<string, { n: number }>(join(root, 'level'), { valueEncoding: 'json' })
  await level.put('k', { n: 42 })
  const got = await level.get('k')
  console.log(`level get k=${JSON.stringify(got)} missing=${String(await level.get('missing'))}`)
  await level.close()

  // The pure codecs of the table and manifest packages.
  const builder = new TableBuilder()
  builder.add(utf8('apple'), utf8('red'))
  builder.add(utf8('banana'), undefined)
  const meta: TableMeta = builder.finish().meta
  console.log(`sstable entries=${meta.entryCount} tombstones=${meta.tombstoneCount}`)
  const state: ManifestState = { logNumber: 3, nextFileNumber: 5, levels: [[4], []] }
  console.log(`manifest ${JSON.stringify(decodeManifest(encodeManifest(state)).levels)}`)

  // Errors carry stable codes, and deep imports are blocked by the exports map.
  const deepImport = '@lsmkit/engine/dist/src/engine.js'
  const blocked = await import(deepImport).then(
    () => 'allowed',
    (err: unknown) => (err as { code?: string }).code,
  )
  console.log(`deep import ${blocked}`)
  const locked = await Engine.open(join(root, 'engine'))
  const second = await Engine.open(join(root, 'engine')).catch((err: unknown) => err)
  console.log(
    `second open ${isLsmError(second) && second.code === ErrorCode.LOCKED ? 'LEVEL_LOCKED' : 'opened'}`,
  )
  await locked.close()
  console.log(`cli ${VERSION}`)
} finally {
  await rm(root, { recursive: true, force: true })
}
