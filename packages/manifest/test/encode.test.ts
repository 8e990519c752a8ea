import { ErrorCode, LsmError } from '@lsmkit/fs'
import { decodeManifest, encodeManifest, MAX_LEVELS, type ManifestState } from '@lsmkit/manifest'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EXAMPLE_BODY, EXAMPLE_STATE, seal, thrownBy } from './support.js'

/** Any valid state: ids drawn without repeats below nextFileNumber, spread over 1 to 7 levels. */
const validState: fc.Arbitrary<ManifestState> = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    fc.integer({ min: 1, max: MAX_LEVELS }),
  )
  .chain(([nextFileNumber, levelCount]) =>
    fc.record({
      logNumber: fc.integer({ min: 0, max: nextFileNumber }),
      nextFileNumber: fc.constant(nextFileNumber),
      levels: fc
        .uniqueArray(
          fc.record({
            id: fc.integer({ min: 0, max: Math.max(0, nextFileNumber - 1) }),
            level: fc.integer({ min: 0, max: levelCount - 1 }),
          }),
          { selector: (entry) => entry.id, maxLength: nextFileNumber === 0 ? 0 : 40 },
        )
        .map((entries) => {
          const levels: number[][] = Array.from({ length: levelCount }, () => [])
          for (const { id, level } of entries) levels[level]?.push(id)
          return levels
        }),
    }),
  )

describe('encodeManifest and decodeManifest', () => {
  it('round-trip the documented example', () => {
    expect(decodeManifest(encodeManifest(EXAMPLE_STATE))).toEqual(EXAMPLE_STATE)
  })

  it('round-trip every valid state', () => {
    fc.assert(
      fc.property(validState, (state) => {
        expect(decodeManifest(encodeManifest(state))).toEqual(state)
      }),
    )
  })

  it('give one text per state: decoding then encoding reproduces the text', () => {
    fc.assert(
      fc.property(validState, (state) => {
        const text = encodeManifest(state)
        expect(encodeManifest(decodeManifest(text))).toBe(text)
      }),
    )
  })

  it('keep trailing empty levels', () => {
    const state = { logNumber: 0, nextFileNumber: 1, levels: [[0], [], []] }
    expect(decodeManifest(encodeManifest(state)).levels).toEqual([[0], [], []])
  })

  it('keep the order of ids within a level as given', () => {
    const state = {
      logNumber: 0,
      nextFileNumber: 10,
      levels: [
        [3, 9, 1],
        [8, 2, 5],
      ],
    }
    expect(decodeManifest(encodeManifest(state)).levels).toEqual([
      [3, 9, 1],
      [8, 2, 5],
    ])
  })

  it('accept the largest safe integer as a file number', () => {
    const max = Number.MAX_SAFE_INTEGER
    const state = { logNumber: max, nextFileNumber: max, levels: [[max - 1]] }
    expect(decodeManifest(encodeManifest(state))).toEqual(state)
  })

  it('encode an empty database as one empty level', () => {
    const text = encodeManifest({ logNumber: 0, nextFileNumber: 0, levels: [[]] })
    expect(text).toBe(seal('lsmkit-manifest 1\nlog_number 0\nnext_file_number 0\nlevel 0\n'))
  })
})

describe('encodeManifest', () => {
  it('writes the documented example with a correct CRC-32C', () => {
    expect(encodeManifest(EXAMPLE_STATE)).toBe(seal(EXAMPLE_BODY))
  })

  const tooManyLevels = Array.from({ length: MAX_LEVELS + 1 }, () => [])
  const sparse: number[] = [1]
  sparse[2] = 2
  const invalidStates: [string, unknown][] = [
    ['a state that is not an object', null],
    ['a negative log number', { logNumber: -1, nextFileNumber: 5, levels: [[]] }],
    ['a fractional log number', { logNumber: 1.5, nextFileNumber: 5, levels: [[]] }],
    ['a log number given as a string', { logNumber: '1', nextFileNumber: 5, levels: [[]] }],
    ['a NaN next file number', { logNumber: 0, nextFileNumber: Number.NaN, levels: [[]] }],
    ['an infinite next file number', { logNumber: 0, nextFileNumber: Infinity, levels: [[]] }],
    [
      'a next file number beyond MAX_SAFE_INTEGER',
      { logNumber: 0, nextFileNumber: Number.MAX_SAFE_INTEGER + 1, levels: [[]] },
    ],
    ['a log number above the next file number', { logNumber: 6, nextFileNumber: 5, levels: [[]] }],
    ['no levels', { logNumber: 0, nextFileNumber: 5, levels: [] }],
    ['more than MAX_LEVELS levels', { logNumber: 0, nextFileNumber: 5, levels: tooManyLevels }],
    ['levels that are not an array', { logNumber: 0, nextFileNumber: 5, levels: 'level 0' }],
    ['a level that is not an array', { logNumber: 0, nextFileNumber: 5, levels: [[1], 2] }],
    ['a level with a hole', { logNumber: 0, nextFileNumber: 5, levels: [sparse] }],
    ['a negative id', { logNumber: 0, nextFileNumber: 5, levels: [[-1]] }],
    ['an id at the next file number', { logNumber: 0, nextFileNumber: 5, levels: [[5]] }],
    ['an id twice in one level', { logNumber: 0, nextFileNumber: 5, levels: [[1, 1]] }],
    ['an id in two levels', { logNumber: 0, nextFileNumber: 5, levels: [[1], [2, 1]] }],
  ]

  it.each(invalidStates)('rejects %s with LEVEL_INVALID_OPTION', (_name, state) => {
    const err = thrownBy(() => encodeManifest(state as ManifestState))
    expect(err.code).toBe(ErrorCode.INVALID_OPTION)
    expect(err).toBeInstanceOf(LsmError)
  })
})
