import { describe, expect, it } from 'vitest'
import { benchKey, KEY_SIZE } from '../src/workloads.js'

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes)

describe('benchKey', () => {
  it('is the number in decimal, padded with zeros to the key size', () => {
    for (const i of [0, 7, 10, 1_999_998, 123_456_789_012_345]) {
      expect(text(benchKey(i))).toBe(String(i).padStart(KEY_SIZE, '0'))
    }
  })

  it('keeps each key intact while later keys are carved from the same pool', () => {
    const first = Array.from({ length: 10_000 }, (_, i) => benchKey(2 * i))
    const copies = first.map((key) => key.slice())
    for (let i = 0; i < 10_000; i++) benchKey(2 * i + 1)
    expect(first).toEqual(copies)
    expect(first.every((key) => key.length === KEY_SIZE)).toBe(true)
  })
})
