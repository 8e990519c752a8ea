/**
 * One async interface over lsmkit and its peers, so every workload runs the same code on each.
 *
 * Durability is matched where the engines allow it: a plain write resolves once its bytes are in
 * the operating system (lsmkit's default `'process'`, LevelDB's and RocksDB's `sync: false`,
 * LMDB with `noSync`), and a sync write once it is on disk (`sync: true`; LMDB without `noSync`,
 * awaiting `flushed`).
 */
import { createRequire } from 'node:module'
import { Engine } from '@lsmkit/engine'
import { ClassicLevel } from 'classic-level'
import { open as openLmdb } from 'lmdb'

export type Op = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array }

export interface OpenOptions {
  /** The store serves sync writes (LMDB needs this at open time). */
  readonly sync: boolean
}

export interface Store {
  put(key: Uint8Array, value: Uint8Array, sync?: boolean): Promise<void>
  get(key: Uint8Array): Promise<Uint8Array | undefined>
  del(key: Uint8Array): Promise<void>
  batch(ops: readonly Op[]): Promise<void>
  /** Visits every entry in order (or in reverse); returns how many. */
  scan(reverse: boolean, visit: (key: Uint8Array, value: Uint8Array) => void): Promise<number>
  /** A cursor that seeks repeatedly; each seek returns the first key at or after its target. */
  seeker(): Seeker
  close(): Promise<void>
}

export interface Seeker {
  seek(target: Uint8Array): Promise<Uint8Array | undefined>
  close(): Promise<void>
}

export interface Adapter {
  readonly name: string
  open(dir: string, options: OpenOptions): Promise<Store>
}

const lsmkit: Adapter = {
  name: 'lsmkit',
  async open(dir) {
    const db = await Engine.open(dir, { blockCacheSize: CACHE_BYTES })
    return {
      put: (key, value, sync) => db.put(key, value, sync ? { sync: true } : undefined),
      get: (key) => db.get(key),
      del: (key) => db.delete(key),
      batch: (ops) => db.batch(ops),
      async scan(reverse, visit) {
        let count = 0
        for await (const [key, value] of db.iterator({ reverse })) {
          visit(key, value)
          count++
        }
        return count
      },
      seeker() {
        const it = db.iterator()
        return {
          async seek(target) {
            it.seek(target)
            const next = await it.next()
            return next.done ? undefined : next.value[0]
          },
          close: () => it.close(),
        }
      },
      close: () => db.close(),
    }
  },
}

// The abstract-level surface classic-level and RocksLevel share, as far as the bench uses it.
interface LevelIterator {
  seek(target: Uint8Array): void
  next(): Promise<[Uint8Array, Uint8Array] | undefined>
  close(): Promise<void>
  [Symbol.asyncIterator](): AsyncIterator<[Uint8Array, Uint8Array]>
}
interface LevelDb {
  open(): Promise<void>
  put(key: Uint8Array, value: Uint8Array, options?: { sync: boolean }): Promise<void>
  get(key: Uint8Array): Promise<Uint8Array | undefined>
  del(key: Uint8Array): Promise<void>
  batch(ops: Op[], options?: { sync: boolean }): Promise<void>
  iterator(options?: { reverse?: boolean }): LevelIterator
  close(): Promise<void>
}

// Every engine gets the same block cache, so reads compare engines, not cache sizes.
const CACHE_BYTES = 32 * 1024 * 1024
const VIEW = { keyEncoding: 'view', valueEncoding: 'view', cacheSize: CACHE_BYTES } as const

// RocksLevel's put ignores `sync` (it writes its one-entry batch without the options), so its
// sync writes go through batch(), which passes them on.
function levelStore(db: LevelDb, syncThroughBatch = false): Store {
  return {
    put(key, value, sync) {
      if (sync && syncThroughBatch) return db.batch([{ type: 'put', key, value }], { sync: true })
      return db.put(key, value, sync ? { sync: true } : undefined)
    },
    async get(key) {
      try {
        return await db.get(key)
      } catch (err) {
        // RocksLevel still rejects a miss with LEVEL_NOT_FOUND; classic-level resolves undefined.
        if ((err as { code?: unknown }).code === 'LEVEL_NOT_FOUND') return undefined
        throw err
      }
    },
    del: (key) => db.del(key),
    batch: (ops) => db.batch(ops as Op[]),
    async scan(reverse, visit) {
      let count = 0
      for await (const [key, value] of db.iterator({ reverse })) {
        visit(key, value)
        count++
      }
      return count
    },
    seeker() {
      const it = db.iterator()
      return {
        async seek(target) {
          it.seek(target)
          return (await it.next())?.[0]
        },
        close: () => it.close(),
      }
    },
    close: () => db.close(),
  }
}

const classicLevel: Adapter = {
  name: 'classic-level',
  async open(dir) {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, VIEW) as unknown as LevelDb
    await db.open()
    return levelStore(db)
  },
}

// @nxtedition/rocksdb ships no type declarations; it is loaded through require and typed above.
const require = createRequire(import.meta.url)
const rocksdb: Adapter = {
  name: 'rocksdb',
  async open(dir) {
    const { RocksLevel } = require('@nxtedition/rocksdb') as {
      RocksLevel: new (dir: string, options: typeof VIEW) => LevelDb
    }
    const db = new RocksLevel(dir, VIEW)
    await db.open()
    return levelStore(db, true)
  },
}

const lmdb: Adapter = {
  name: 'lmdb',
  async open(dir, { sync }) {
    const db = openLmdb<Uint8Array, Buffer>({
      path: dir,
      keyEncoding: 'binary',
      encoding: 'binary',
      noSync: !sync,
    })
    // lmdb takes Buffers; these views share the caller's bytes.
    const key = (k: Uint8Array) => Buffer.from(k.buffer, k.byteOffset, k.byteLength)
    return {
      async put(k, value, syncThis) {
        await db.put(key(k), key(value))
        if (syncThis) await db.flushed
      },
      get: async (k) => db.get(key(k)),
      async del(k) {
        await db.remove(key(k))
      },
      async batch(ops) {
        await db.transaction(() => {
          for (const op of ops) {
            if (op.type === 'put') db.put(key(op.key), key(op.value))
            else db.remove(key(op.key))
          }
        })
      },
      async scan(reverse, visit) {
        let count = 0
        for (const { key: k, value } of db.getRange({ reverse })) {
          visit(k, value)
          count++
        }
        return count
      },
      seeker() {
        return {
          async seek(target) {
            for (const k of db.getKeys({ start: key(target), limit: 1 })) return k
            return undefined
          },
          async close() {},
        }
      },
      close: () => db.close(),
    }
  },
}

/** Every engine the bench knows, lsmkit first; the raw-file peer lives in raw.ts. */
export const ADAPTERS: readonly Adapter[] = [lsmkit, classicLevel, rocksdb, lmdb]
