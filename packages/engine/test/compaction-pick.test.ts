import { describe, expect, it } from 'vitest'
import { type CompactPointers, pickCompaction } from '../src/internal/compaction.js'
import type { Core } from '../src/internal/core.js'
import type { TableFile } from '../src/internal/table-file.js'

const MiB = 1024 * 1024

// A table as the picker sees it: a size and a key range of one-byte keys.
function table(size: number, from: number, to: number): TableFile {
  const smallestKey = Uint8Array.of(from)
  const largestKey = Uint8Array.of(to)
  return {
    size,
    smallestKey,
    largestKey,
    overlaps: (a: Uint8Array, b: Uint8Array) => largestKey[0]! >= a[0]! && smallestKey[0]! <= b[0]!,
  } as unknown as TableFile
}

// L0 with `l0` tables, L1 with `l1Bytes` in 2 MiB tables; default triggers and budgets.
function core(l0: number, l1Bytes: number): Core {
  const level0 = Array.from({ length: l0 }, () => table(4 * MiB, 0, 200))
  const level1 = Array.from({ length: Math.ceil(l1Bytes / (2 * MiB)) }, (_, i) =>
    table(Math.min(2 * MiB, l1Bytes - i * 2 * MiB), 2 * i, 2 * i + 1),
  )
  return {
    levels: [level0, level1, [], [], [], [], []],
    options: { l0CompactionTrigger: 4, l1MaxBytes: 10 * MiB },
  } as unknown as Core
}

const pick = (c: Core) => pickCompaction(c, [] as CompactPointers)?.level

describe('Choosing the next compaction', () => {
  it('picks nothing while L0 is below its trigger and every level within its budget', () => {
    expect(pick(core(3, 10 * MiB))).toBeUndefined()
  })

  it('picks a level far over its budget before an L0 that has just reached its trigger', () => {
    expect(pick(core(4, 30 * MiB))).toBe(1)
  })

  it('picks L0 when it is further past its trigger than any level is past its budget', () => {
    expect(pick(core(12, 15 * MiB))).toBe(0)
  })

  it('picks the shallower of two levels equally in need', () => {
    expect(pick(core(8, 20 * MiB))).toBe(0)
  })
})
