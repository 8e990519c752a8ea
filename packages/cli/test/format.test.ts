import { renderLevels, renderTable, renderTreeSvg, showBytes, splitWords, toBytes } from '@lsmkit/cli'
import { describe, expect, test } from 'vitest'

const table = (id: number, bytes: number) => ({
  id,
  name: `00000${id}.sst`,
  bytes,
  entries: 1,
  smallestKey: toBytes('a'),
  largestKey: toBytes('z'),
})

describe('formatting', () => {
  test('printable UTF-8 shows as text', () => {
    expect(showBytes(toBytes('héllo\tworld'))).toBe('héllo\tworld')
  })

  test('bytes that are not valid UTF-8 show as 0x hex', () => {
    expect(showBytes(new Uint8Array([0xff, 0x00, 0x41]))).toBe('0xff0041')
  })

  test('a newline or other control character shows as hex, so output stays one line per entry', () => {
    expect(showBytes(toBytes('a\nb'))).toBe('0x610a62')
  })

  test('renderTable aligns columns and right-aligns numbers', () => {
    const text = renderTable(
      [{ title: 'name' }, { title: 'n', align: 'right' }],
      [
        ['a', '1'],
        ['bbb', '22'],
      ],
    )
    expect(text).toBe('name   n\n----  --\na      1\nbbb   22')
  })

  test('renderLevels shows levels down to the deepest non-empty one and a total', () => {
    const empty = { files: 0, bytes: 0, smallestKey: undefined, largestKey: undefined }
    const text = renderLevels([
      { level: 0, ...empty },
      { level: 1, files: 2, bytes: 2048, smallestKey: toBytes('a'), largestKey: toBytes('m') },
      { level: 2, ...empty },
    ])
    expect(text.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['level', '-----', 'L0', 'L1', 'total'])
    expect(text).toMatch(/^L1\s+2\s+2\.0 KiB\s+a\s+m$/m)
  })

  test('renderTreeSvg sizes boxes by bytes on one scale', () => {
    const svg = renderTreeSvg({
      logNumber: 1,
      nextFileNumber: 9,
      levels: [[table(1, 100)], [table(2, 400)]],
      logs: [],
    })
    const widths = [...svg.matchAll(/class="table" x="[\d.]+" y="\d+" width="([\d.]+)"/g)].map((m) =>
      Number(m[1]),
    )
    expect(widths).toHaveLength(2)
    expect(widths[1]! / widths[0]!).toBeCloseTo(4, 1)
  })

  test('renderTreeSvg escapes keys in tooltips', () => {
    const t = { ...table(1, 10), smallestKey: toBytes('<&>') }
    const svg = renderTreeSvg({ logNumber: 1, nextFileNumber: 2, levels: [[t]], logs: [] })
    expect(svg).not.toContain('<&>')
    expect(svg).toContain('&#60;&#38;&#62;')
  })

  test('splitWords splits a shell line on runs of whitespace', () => {
    expect(splitWords('  put  a   b c ')).toEqual(['put', 'a', 'b', 'c'])
  })
})
