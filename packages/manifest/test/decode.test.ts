import { ErrorCode } from '@lsmkit/fs'
import { decodeManifest } from '@lsmkit/manifest'
import { describe, expect, it } from 'vitest'
import { EXAMPLE_BODY, EXAMPLE_STATE, lineStart, seal, thrownBy } from './support.js'

const HEADER = 'lsmkit-manifest 1\n'
const FIELDS = `${HEADER}log_number 15\nnext_file_number 17\n`

/** The example's body with `line` (1-based) replaced by `replacement` (which may span lines). */
function withLine(line: number, replacement: string): string {
  const lines = EXAMPLE_BODY.split('\n')
  lines[line - 1] = replacement
  return lines.join('\n')
}

/** The example's body without line `line` (1-based). */
function withoutLine(line: number): string {
  return EXAMPLE_BODY.split('\n')
    .filter((_, i) => i !== line - 1)
    .join('\n')
}

const EXAMPLE = seal(EXAMPLE_BODY)
const levelLines = Array.from({ length: 8 }, (_, i) => `level ${i}\n`).join('')

/**
 * Texts that must be rejected, each with the line the error must point at. Bodies are sealed
 * with a correct checksum, so each is rejected for its own fault, not for a bad checksum.
 */
const corruptTexts: [string, string, number][] = [
  ['an empty file', '', 1],
  ['a wrong magic', seal(withLine(1, 'lsmkit-manifesto 1')), 1],
  ['a header without a version', seal(withLine(1, 'lsmkit-manifest')), 1],
  ['a header with an extra token', seal(withLine(1, 'lsmkit-manifest 1 2')), 1],
  ['an unsupported version, unsealed', withLine(1, 'lsmkit-manifest 2'), 1],
  ['version 0', seal(withLine(1, 'lsmkit-manifest 0')), 1],
  ['a version with a leading zero', seal(withLine(1, 'lsmkit-manifest 01')), 1],
  ['a byte order mark', seal(`\ufeff${EXAMPLE_BODY}`), 1],
  ['CRLF line endings', seal(EXAMPLE_BODY.replaceAll('\n', '\r\n')), 1],
  ['a missing log_number', seal(withoutLine(2)), 2],
  ['a missing next_file_number', seal(withoutLine(3)), 3],
  ['fields out of order', seal(withLine(2, 'next_file_number 17\nlog_number 15')), 2],
  ['an unknown field', seal(withLine(2, 'log_numbr 15')), 2],
  ['an uppercase field name', seal(withLine(2, 'LOG_NUMBER 15')), 2],
  ['a repeated log_number', seal(withLine(3, 'log_number 15\nnext_file_number 17')), 3],
  ['a repeated next_file_number', seal(withLine(4, 'next_file_number 17\nlevel 0 14 13')), 4],
  ['a field without its value', seal(withLine(2, 'log_number')), 2],
  ['a field with two values', seal(withLine(2, 'log_number 15 16')), 2],
  ['a number with a leading zero', seal(withLine(2, 'log_number 015')), 2],
  ['a number with a plus sign', seal(withLine(2, 'log_number +15')), 2],
  ['a negative number', seal(withLine(3, 'next_file_number -17')), 3],
  ['a number with a fraction', seal(withLine(3, 'next_file_number 17.0')), 3],
  ['a number in exponent form', seal(withLine(3, 'next_file_number 1e2')), 3],
  ['a number in hex', seal(withLine(3, 'next_file_number 0x11')), 3],
  ['a number with a letter', seal(withLine(4, 'level 0 14 13a')), 4],
  ['a number beyond MAX_SAFE_INTEGER', seal(withLine(3, 'next_file_number 9007199254740992')), 3],
  ['a huge number', seal(withLine(3, `next_file_number 1${'0'.repeat(400)}`)), 3],
  ['a log_number above next_file_number', seal(`${HEADER}log_number 15\nnext_file_number 14\nlevel 0\n`), 2],
  ['an id equal to next_file_number', seal(withLine(4, 'level 0 17 13')), 4],
  ['an id above next_file_number', seal(withLine(7, 'level 3 400')), 7],
  ['an id twice in one level', seal(withLine(4, 'level 0 14 14')), 4],
  ['an id in two levels', seal(withLine(7, 'level 3 13')), 7],
  ['no level lines', seal(FIELDS), 4],
  ['levels starting at 1', seal(withLine(4, 'level 1 14 13')), 4],
  ['a skipped level number', seal(withLine(6, 'level 3')), 6],
  ['a repeated level number', seal(withLine(6, 'level 1')), 6],
  ['a level number with a leading zero', seal(withLine(5, 'level 01 9 10 11')), 5],
  ['a level line without its number', seal(withLine(6, 'level')), 6],
  ['more than seven levels', seal(`${FIELDS}${levelLines}`), 11],
  ['a blank line', seal(withLine(6, 'level 2\n')), 7],
  ['a leading space', seal(withLine(3, ' next_file_number 17')), 3],
  ['a trailing space', seal(withLine(6, 'level 2 ')), 6],
  ['a doubled space', seal(withLine(4, 'level 0  14 13')), 4],
  ['a tab between tokens', seal(withLine(4, 'level 0\t14 13')), 4],
  ['a NUL byte', seal(withLine(5, 'level 1 9\u000010 11')), 5],
  ['a character outside ASCII', seal(withLine(5, 'level 1 9 10 １1')), 5],
  ['a file that ends before the checksum line', EXAMPLE_BODY, 8],
  ['a file cut inside the last level line', EXAMPLE_BODY.slice(0, -3), 7],
  ['a checksum line without its newline', EXAMPLE.slice(0, -1), 8],
  ['a checksum mismatch', `${EXAMPLE_BODY}crc32c 00000000\n`, 8],
  ['a checksum in uppercase', EXAMPLE.replace('825adde0', '825ADDE0'), 8],
  ['a checksum with seven digits', EXAMPLE.replace(/[0-9a-f]\n$/, '\n'), 8],
  ['a checksum with nine digits', EXAMPLE.replace(/\n$/, '0\n'), 8],
  ['a checksum line with an extra token', EXAMPLE.replace(/\n$/, ' 0\n'), 8],
  ['a checksum line without its value', `${EXAMPLE_BODY}crc32c\n`, 8],
  ['a checksum over a line that is gone', EXAMPLE.replace('level 3 4\n', ''), 7],
  ['a line after the checksum line', `${EXAMPLE}level 4\n`, 9],
  ['a second checksum line', `${EXAMPLE}${EXAMPLE.slice(-16)}`, 9],
  ['a stray byte after the checksum line', `${EXAMPLE}\n`, 9],
]

describe('decodeManifest', () => {
  it('returns the state a valid text encodes', () => {
    expect(decodeManifest(EXAMPLE)).toEqual(EXAMPLE_STATE)
  })

  it.each(corruptTexts)('rejects %s with LEVEL_CORRUPTION at the right line', (_name, text, line) => {
    const err = thrownBy(() => decodeManifest(text, '/db/manifest'))
    expect(err.code).toBe(ErrorCode.CORRUPTION)
    expect(err.file).toBe('/db/manifest')
    expect(err.offset).toBe(lineStart(text, line))
  })

  it('rejects a text that is not a string with LEVEL_INVALID_OPTION', () => {
    const err = thrownBy(() => decodeManifest(undefined as unknown as string))
    expect(err.code).toBe(ErrorCode.INVALID_OPTION)
  })

  it('names the manifest file in errors when no file is given', () => {
    const err = thrownBy(() => decodeManifest(''))
    expect(err.code).toBe(ErrorCode.CORRUPTION)
    expect(err.file).toBe('manifest')
  })

  it('rejects an intact manifest of a newer format version with LEVEL_NOT_SUPPORTED', () => {
    const newer = seal(`${withLine(1, 'lsmkit-manifest 2')}new_field 1\n`)
    const err = thrownBy(() => decodeManifest(newer, '/db/manifest'))
    expect(err.code).toBe(ErrorCode.NOT_SUPPORTED)
    expect(err.file).toBe('/db/manifest')
  })

  it('reports a damaged manifest claiming a newer version as corruption', () => {
    const damaged = seal(withLine(1, 'lsmkit-manifest 2')).replace('log_number 15', 'log_number 16')
    expect(thrownBy(() => decodeManifest(damaged)).code).toBe(ErrorCode.CORRUPTION)
  })

  it('reports an edited line at that line, not as a checksum mismatch', () => {
    const edited = EXAMPLE.replace('level 0 14 13', 'level 0 14 013')
    expect(thrownBy(() => decodeManifest(edited)).offset).toBe(lineStart(edited, 4))
  })
})
