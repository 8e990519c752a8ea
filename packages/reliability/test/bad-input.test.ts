import { Engine, type EngineIterator } from '@lsmkit/engine'
import { isLsmError, MemoryFileSystem } from '@lsmkit/fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readAll } from '../src/index.js'

// Each case calls one public method wrongly. The call must fail with an LsmError of the given
// code, synchronously or by rejecting, and change nothing: the content stays the same and the
// file system sees no call (so nothing was written to the log).
type Misuse = readonly [label: string, code: string, call: (db: Engine) => unknown]

const big = new Uint8Array(65_536)
// Values of wrong types, passed where keys, values and options belong.
const notBytes: readonly [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a boolean', true],
  ['an object', { a: 1 }],
  ['an array', [1, 2]],
  ['an ArrayBuffer', new ArrayBuffer(4)],
  ['a DataView', new DataView(new ArrayBuffer(4))],
  ['a symbol', Symbol('k')],
  ['a bigint', 1n],
]
const badWriteOptions: readonly [string, unknown][] = [
  ['a string', 'sync'],
  ['null', null],
  ['sync as a string', { sync: 'yes' }],
  ['sync as a number', { sync: 1 }],
]
// biome-ignore lint/suspicious/noExplicitAny: misuse is the point of these calls
const any = (value: unknown): any => value

const misuses: Misuse[] = [
  ...notBytes.flatMap(([what, v]): Misuse[] => [
    [`put with ${what} as the key`, 'LEVEL_INVALID_KEY', (db) => db.put(any(v), 'v')],
    [`put with ${what} as the value`, 'LEVEL_INVALID_VALUE', (db) => db.put('k', any(v))],
    [`delete with ${what} as the key`, 'LEVEL_INVALID_KEY', (db) => db.delete(any(v))],
    [`get with ${what} as the key`, 'LEVEL_INVALID_KEY', (db) => db.get(any(v))],
    [`getSync with ${what} as the key`, 'LEVEL_INVALID_KEY', (db) => db.getSync(any(v))],
    [
      `batch put with ${what} as the key`,
      'LEVEL_INVALID_KEY',
      (db) => db.batch([{ type: 'put', key: any(v), value: 'v' }]),
    ],
    [
      `batch put with ${what} as the value`,
      'LEVEL_INVALID_VALUE',
      (db) => db.batch([{ type: 'put', key: 'k', value: any(v) }]),
    ],
    [
      `batch del with ${what} as the key`,
      'LEVEL_INVALID_KEY',
      (db) => db.batch([{ type: 'del', key: any(v) }]),
    ],
  ]),
  ...notBytes
    .filter(([, v]) => v !== undefined)
    .flatMap(([what, v]): Misuse[] =>
      (['gt', 'gte', 'lt', 'lte'] as const).map(
        (bound): Misuse => [
          `iterator with ${what} as ${bound}`,
          'LEVEL_INVALID_KEY',
          (db) => db.iterator({ [bound]: any(v) }),
        ],
      ),
    ),
  ...badWriteOptions.flatMap(([what, o]): Misuse[] => [
    [`put with ${what} as options`, 'LEVEL_INVALID_OPTION', (db) => db.put('k', 'v', any(o))],
    [`delete with ${what} as options`, 'LEVEL_INVALID_OPTION', (db) => db.delete('k', any(o))],
    [
      `batch with ${what} as options`,
      'LEVEL_INVALID_OPTION',
      (db) => db.batch([{ type: 'put', key: 'k', value: 'v' }], any(o)),
    ],
  ]),
  ['put with a 65,536-byte key', 'LEVEL_INVALID_KEY', (db) => db.put(big, 'v')],
  ['put with a 65,536-character key', 'LEVEL_INVALID_KEY', (db) => db.put('k'.repeat(65_536), 'v')],
  [
    'put with a key of 21,846 three-byte characters',
    'LEVEL_INVALID_KEY',
    (db) => db.put('€'.repeat(21_846), 'v'),
  ],
  ['put with a 65,536-byte value', 'LEVEL_INVALID_VALUE', (db) => db.put('k', big)],
  ['put with an empty value', 'LEVEL_INVALID_VALUE', (db) => db.put('k', '')],
  ['put with an empty Uint8Array value', 'LEVEL_INVALID_VALUE', (db) => db.put('k', new Uint8Array(0))],
  ['get with a 65,536-byte key', 'LEVEL_INVALID_KEY', (db) => db.get(big)],
  ['delete with a 65,536-byte key', 'LEVEL_INVALID_KEY', (db) => db.delete(big)],
  ['batch with a string for operations', 'LEVEL_INVALID_OPTION', (db) => db.batch(any('ops'))],
  ['batch with null for operations', 'LEVEL_INVALID_OPTION', (db) => db.batch(any(null))],
  [
    'batch with an unknown operation type',
    'LEVEL_INVALID_OPTION',
    (db) => db.batch([any({ type: 'merge', key: 'k' })]),
  ],
  ['batch with null as an operation', 'LEVEL_INVALID_OPTION', (db) => db.batch([any(null)])],
  [
    'batch whose last operation is bad (none may be applied)',
    'LEVEL_INVALID_VALUE',
    (db) =>
      db.batch([
        { type: 'put', key: 'fresh', value: 'v' },
        { type: 'del', key: 'a' },
        { type: 'put', key: 'k', value: '' },
      ]),
  ],
  [
    'batch with an oversized value in the middle',
    'LEVEL_INVALID_VALUE',
    (db) =>
      db.batch([
        { type: 'put', key: 'x', value: 'v' },
        { type: 'put', key: 'y', value: big },
        { type: 'put', key: 'z', value: 'v' },
      ]),
  ],
  ['iterator with a string as options', 'LEVEL_INVALID_OPTION', (db) => db.iterator(any('all'))],
  ['iterator with null as options', 'LEVEL_INVALID_OPTION', (db) => db.iterator(any(null))],
  [
    'iterator with a negative limit other than -1',
    'LEVEL_INVALID_OPTION',
    (db) => db.iterator({ limit: -2 }),
  ],
  ['iterator with a fractional limit', 'LEVEL_INVALID_OPTION', (db) => db.iterator({ limit: 1.5 })],
  ['iterator with NaN as limit', 'LEVEL_INVALID_OPTION', (db) => db.iterator({ limit: Number.NaN })],
  ['iterator with a string limit', 'LEVEL_INVALID_OPTION', (db) => db.iterator({ limit: any('10') })],
  [
    'iterator with a string for reverse',
    'LEVEL_INVALID_OPTION',
    (db) => db.iterator({ reverse: any('yes') }),
  ],
  ['iterator with a 65,536-byte bound', 'LEVEL_INVALID_KEY', (db) => db.iterator({ gte: big })],
]

// Calls on an open iterator.
type IteratorMisuse = readonly [label: string, code: string, call: (it: EngineIterator) => unknown]
const iteratorMisuses: IteratorMisuse[] = [
  ['nextv with a negative size', 'LEVEL_INVALID_OPTION', (it) => it.nextv(-1)],
  ['nextv with a fractional size', 'LEVEL_INVALID_OPTION', (it) => it.nextv(1.5)],
  ['nextv with a string size', 'LEVEL_INVALID_OPTION', (it) => it.nextv(any('2'))],
  ['nextv with NaN', 'LEVEL_INVALID_OPTION', (it) => it.nextv(Number.NaN)],
  ['seek with a number', 'LEVEL_INVALID_KEY', (it) => it.seek(any(1))],
  ['seek with null', 'LEVEL_INVALID_KEY', (it) => it.seek(any(null))],
  ['seek with a 65,536-byte key', 'LEVEL_INVALID_KEY', (it) => it.seek(big)],
]

/** The error `call` throws or rejects with, or undefined when it succeeds. */
async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    await call()
  } catch (err) {
    return err
  }
  return undefined
}

function expectCode(err: unknown, code: string): void {
  expect(isLsmError(err), `expected an LsmError, got ${String(err)}`).toBe(true)
  expect((err as { code: string }).code).toBe(code)
}

describe('bad input to every public method', () => {
  let fs: MemoryFileSystem
  let db: Engine
  let before: string

  beforeEach(async () => {
    fs = new MemoryFileSystem()
    db = await Engine.open('/db', { fs })
    await db.batch([
      { type: 'put', key: 'a', value: '1' },
      { type: 'put', key: 'b', value: '2' },
    ])
    before = JSON.stringify([...(await readAll(db))])
  })

  afterEach(async () => {
    await db.close()
  })

  it.each(misuses)('%s: fails with %s and changes nothing', async (_, code, call) => {
    const calls = fs.callCount
    expectCode(await failureOf(() => call(db)), code)
    expect(fs.callCount).toBe(calls)
    expect(JSON.stringify([...(await readAll(db))])).toBe(before)
    // The engine still works.
    await db.put('after', 'ok')
    expect(await db.get('after')).toEqual(new TextEncoder().encode('ok'))
  })

  it.each(iteratorMisuses)(
    'iterator %s: fails with %s, and the iterator still works',
    async (_, code, call) => {
      const it = db.iterator()
      expectCode(await failureOf(() => call(it)), code)
      expect((await it.all()).map(([k]) => new TextDecoder().decode(k))).toEqual(['a', 'b'])
    },
  )
})

describe('bad arguments to Engine.open', () => {
  const opens: readonly [string, unknown, unknown][] = [
    ['a number as the directory', 42, {}],
    ['an empty directory', '', {}],
    ['a string as options', '/db', 'fast'],
    ['an unknown durability', '/db', { durability: 'always' }],
    ['an unknown walRecovery', '/db', { walRecovery: 'lenient' }],
    ['a memtableSize too small', '/db', { memtableSize: 10 }],
    ['a fractional blockSize', '/db', { blockSize: 4096.5 }],
    ['a string bloomBitsPerKey', '/db', { bloomBitsPerKey: '10' }],
    ['a negative blockCacheSize', '/db', { blockCacheSize: -1 }],
    ['a logBlockSize too large', '/db', { logBlockSize: 1 << 20 }],
    ['triggers out of order', '/db', { l0CompactionTrigger: 8, l0SlowdownTrigger: 4 }],
    ['a string enableWal', '/db', { enableWal: 'no' }],
  ]

  it.each(opens)('rejects %s with LEVEL_INVALID_OPTION and creates nothing', async (_, dir, options) => {
    const fs = new MemoryFileSystem()
    const opts = typeof options === 'object' && options !== null ? { ...options, fs } : options
    expectCode(await failureOf(() => Engine.open(any(dir), any(opts))), 'LEVEL_INVALID_OPTION')
    expect(fs.callCount).toBe(0)
  })
})

describe('use after close', () => {
  it('rejects every method with LEVEL_DATABASE_NOT_OPEN and leaves the files alone', async () => {
    const fs = new MemoryFileSystem()
    const db = await Engine.open('/db', { fs })
    await db.put('a', '1')
    const it = db.iterator()
    await db.close()
    const calls = fs.callCount
    const afterClose: [string, () => unknown][] = [
      ['put', () => db.put('b', '2')],
      ['delete', () => db.delete('a')],
      ['batch', () => db.batch([{ type: 'put', key: 'c', value: '3' }])],
      ['get', () => db.get('a')],
      ['getSync', () => db.getSync('a')],
      ['iterator', () => db.iterator()],
      ['sync', () => db.sync()],
      ['flush', () => db.flush()],
      ['compact', () => db.compact()],
      ['stats', () => db.stats()],
    ]
    for (const [name, call] of afterClose) {
      const err = await failureOf(call)
      expect(isLsmError(err), `${name}: ${String(err)}`).toBe(true)
      expect((err as { code: string }).code, name).toBe('LEVEL_DATABASE_NOT_OPEN')
    }
    // An iterator left open is closed with the database.
    for (const call of [() => it.next(), () => it.nextv(1), () => it.all(), () => it.seek('a')]) {
      expectCode(await failureOf(call), 'LEVEL_CLOSED')
    }
    await db.close()
    expect(fs.callCount).toBe(calls)
    expect(db.status).toBe('closed')
    await using again = await Engine.open('/db', { fs })
    expect([...(await readAll(again))]).toEqual([['a', '1']])
  })
})
