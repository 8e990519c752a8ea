import { ErrorCode, MemoryFileSystem } from '@lsmkit/fs'
import { LsmLevel, type LsmLevelOptions } from '@lsmkit/level'
import { describe, expect, it } from 'vitest'

/** A database on an in-memory file system; the engine options pass through. */
function memoryLevel<K = string, V = string>(
  options: LsmLevelOptions<K, V> = {},
  fs = new MemoryFileSystem(),
): LsmLevel<K, V> {
  return new LsmLevel<K, V>('/db', { fs, ...options })
}

async function codeOf(promise: Promise<unknown>): Promise<{ code?: string; cause?: { code?: string } }> {
  try {
    await promise
  } catch (err) {
    return err as { code?: string; cause?: { code?: string } }
  }
  throw new Error('expected a rejection')
}

describe('LsmLevel', () => {
  it('round-trips empty values through put, batch, get and iterators', async () => {
    await using db = memoryLevel()
    await db.put('a', '')
    await db.batch([{ type: 'put', key: 'b', value: '' }])
    expect(await db.get('a')).toBe('')
    expect(db.getSync('b')).toBe('')
    expect(await db.has('a')).toBe(true)
    expect(await db.iterator().all()).toEqual([
      ['a', ''],
      ['b', ''],
    ])
  })

  it('stores each value behind the one-byte format prefix', async () => {
    await using db = memoryLevel()
    await db.put('a', 'xy')
    expect(db.engine?.getSync('a')).toEqual(new Uint8Array([0x01, 0x78, 0x79]))
  })

  it('rejects a value over 65,534 bytes with LEVEL_INVALID_VALUE', async () => {
    await using db = memoryLevel<string, Uint8Array>({ valueEncoding: 'view' })
    await db.put('ok', new Uint8Array(65_534))
    expect((await codeOf(db.put('big', new Uint8Array(65_535)))).code).toBe(ErrorCode.INVALID_VALUE)
  })

  it('reads an explicit snapshot unchanged by later writes, flushes and compactions', async () => {
    await using db = memoryLevel()
    await db.put('a', '1')
    await using snapshot = db.snapshot()
    await db.put('a', '2')
    await db.del('a')
    await db.engine?.compact()
    expect(await db.get('a', { snapshot })).toBe('1')
    expect(await db.keys({ snapshot }).all()).toEqual(['a'])
    expect(await db.get('a')).toBeUndefined()
  })

  it('reports a lock held by another handle as LEVEL_LOCKED under LEVEL_DATABASE_NOT_OPEN', async () => {
    const fs = new MemoryFileSystem()
    await using first = memoryLevel({}, fs)
    await first.open()
    const second = memoryLevel({}, fs)
    const err = await codeOf(second.open())
    expect(err.code).toBe('LEVEL_DATABASE_NOT_OPEN')
    expect(err.cause?.code).toBe(ErrorCode.LOCKED)
  })

  it('passes engine options through to the engine', async () => {
    await using db = memoryLevel({ memtableSize: 1024 })
    await db.batch(
      Array.from({ length: 200 }, (_, i) => ({ type: 'put' as const, key: `k${i}`, value: 'v' })),
    )
    await db.put('last', 'v')
    await db.engine?.flush()
    expect(db.engine?.stats().levels[0]?.files).toBeGreaterThan(0)
  })

  it('works with sublevels and the json encoding', async () => {
    await using db = memoryLevel()
    const users = db.sublevel<string, { name: string }>('users', { valueEncoding: 'json' })
    await users.put('1', { name: 'ada' })
    expect(await users.get('1')).toEqual({ name: 'ada' })
    expect(await db.keys().all()).toEqual(['!users!1'])
  })

  it('clears a range, leaving the rest', async () => {
    await using db = memoryLevel()
    await db.batch(['a', 'b', 'c', 'd'].map((key) => ({ type: 'put' as const, key, value: key })))
    await db.clear({ gt: 'a', lte: 'c' })
    expect(await db.keys().all()).toEqual(['a', 'd'])
  })
})
