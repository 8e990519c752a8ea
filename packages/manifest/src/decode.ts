/**
 * Parses and verifies manifest text. Pure: no I/O.
 *
 * The parser is strict by design: the manifest decides which files the engine keeps, so a
 * reading that is merely plausible could delete data. Every line is checked in order, and the
 * first one that is not exactly what the writer would have produced is reported; nothing is
 * skipped, defaulted or repaired. The checksum is checked last, so that a hand-edited line is
 * reported where it is rather than as a bad checksum.
 *
 * @module
 */
import { ErrorCode, LsmError } from '@lsmkit/fs'
import { manifestChecksum } from './checksum.js'
import {
  CHECKSUM_FIELD,
  CHECKSUM_HEX_DIGITS,
  LEVEL_FIELD,
  LINE_END,
  LOG_NUMBER_FIELD,
  MANIFEST_FILE_NAME,
  MANIFEST_MAGIC,
  MANIFEST_VERSION,
  MAX_LEVELS,
  NEXT_FILE_NUMBER_FIELD,
  TOKEN_SEPARATOR,
} from './format.js'
import type { ManifestState } from './state.js'

/** The fields in the order they must appear; used to tell a repeated field from a missing one. */
const FIELD_ORDER = [MANIFEST_MAGIC, LOG_NUMBER_FIELD, NEXT_FILE_NUMBER_FIELD, LEVEL_FIELD, CHECKSUM_FIELD]

const CANONICAL_NUMBER = /^(?:0|[1-9][0-9]*)$/
const CHECKSUM_TOKEN = new RegExp(`^[0-9a-f]{${CHECKSUM_HEX_DIGITS}}$`)
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** One line of the text, split into tokens once its framing has been checked. */
interface Line {
  /** 1-based. */
  readonly number: number
  /** Where the line starts, in characters, which are bytes for any text that can be valid. */
  readonly offset: number
  readonly tokens: readonly string[]
}

/** Hands out the lines of `text` in order, and builds the errors that point at them. */
class LineCursor {
  readonly #text: string
  readonly #file: string
  #offset = 0
  #number = 0

  constructor(text: string, file: string) {
    this.#text = text
    this.#file = file
  }

  /** The text before the current line: what the checksum covers when it is the checksum line. */
  textBefore(line: Line): string {
    return this.#text.slice(0, line.offset)
  }

  /** The next line, which must exist, end in LF, and be printable ASCII tokens. */
  next(expected: string): Line {
    const number = this.#number + 1
    const offset = this.#offset
    if (offset >= this.#text.length) {
      this.fail(
        { number, offset },
        offset === 0 ? 'the file is empty' : `the file ends where ${expected} should be`,
      )
    }
    const end = this.#text.indexOf(LINE_END, offset)
    const raw = this.#text.slice(offset, end === -1 ? undefined : end)
    const here = { number, offset }
    if (end === -1) this.fail(here, 'the last line has no newline (truncated?)')
    if (raw.includes('\r')) this.fail(here, 'carriage return found; lines must end in a lone LF')
    if (!PRINTABLE_ASCII.test(raw)) this.fail(here, 'a character outside printable ASCII')
    if (raw === '') this.fail(here, `empty line where ${expected} should be`)
    const tokens = raw.split(TOKEN_SEPARATOR)
    if (tokens.includes('')) {
      this.fail(here, 'tokens must be separated by exactly one space, with none at either end')
    }
    this.#number = number
    this.#offset = end + 1
    return { number, offset, tokens }
  }

  /** True when every line has been handed out. */
  get done(): boolean {
    return this.#offset >= this.#text.length
  }

  /** Reports the line after the last one handed out. */
  failAtNext(detail: string): never {
    this.fail({ number: this.#number + 1, offset: this.#offset }, detail)
  }

  fail(line: Pick<Line, 'number' | 'offset'>, detail: string): never {
    throw new LsmError(ErrorCode.CORRUPTION, `manifest: ${this.#file} line ${line.number}: ${detail}`, {
      file: this.#file,
      offset: line.offset,
    })
  }
}

/** Long tokens are cut in messages, which may be shown to people. */
function quote(token: string): string {
  return JSON.stringify(token.length > 40 ? `${token.slice(0, 40)}…` : token)
}

/** Throws unless `line` starts with `field`, naming what went wrong when it does not. */
function expectField(lines: LineCursor, line: Line, field: string): void {
  const found = line.tokens[0] ?? ''
  if (found === field) return
  const foundAt = FIELD_ORDER.indexOf(found)
  const expectedAt = FIELD_ORDER.indexOf(field)
  if (foundAt === -1) lines.fail(line, `unknown field ${quote(found)} where ${field} should be`)
  if (foundAt < expectedAt) lines.fail(line, `${found} repeated where ${field} should be`)
  lines.fail(line, `${field} missing (found ${found} out of order)`)
}

function parseNumber(lines: LineCursor, line: Line, token: string, what: string): number {
  if (!CANONICAL_NUMBER.test(token)) {
    lines.fail(line, `${what} ${quote(token)} is not a canonical decimal number`)
  }
  const value = Number(token)
  // Any digit string above the limit parses to 2^53 or more, so this catches every one of them.
  if (!Number.isSafeInteger(value)) {
    lines.fail(line, `${what} ${quote(token)} is above Number.MAX_SAFE_INTEGER`)
  }
  return value
}

/** Reads a `field value` line. */
function readNumberField(lines: LineCursor, field: string): { line: Line; value: number } {
  const line = lines.next(field)
  expectField(lines, line, field)
  const [, token, extra] = line.tokens
  if (token === undefined || extra !== undefined) lines.fail(line, `${field} takes exactly one number`)
  return { line, value: parseNumber(lines, line, token, field) }
}

/**
 * Parses and verifies the full text of a manifest file.
 *
 * Accepts exactly the texts {@link encodeManifest} produces, so `encodeManifest(decodeManifest(t))`
 * equals `t`. An empty text is corruption, not "no manifest": the file is only ever created
 * whole, by a rename.
 *
 * @param text - the file's contents, one character per byte (see {@link readManifest}).
 * @param file - the path named in errors and set as their `file`; defaults to `'manifest'`.
 * @throws {LsmError} `LEVEL_CORRUPTION` on the first line that is not exactly what the writer
 *   produces, or on a checksum mismatch; the message starts with `manifest: ` and names the file
 *   and the 1-based line, `file` is set, and `offset` is where that line starts.
 * @throws {LsmError} `LEVEL_NOT_SUPPORTED` for an intact manifest (its checksum line matches) of a
 *   format version newer than this reader's, written by a newer lsmkit; `file` is set.
 * @throws {LsmError} `LEVEL_INVALID_OPTION` when `text` or `file` is not a string.
 */
export function decodeManifest(text: string, file: string = MANIFEST_FILE_NAME): ManifestState {
  if (typeof text !== 'string' || typeof file !== 'string') {
    throw new LsmError(ErrorCode.INVALID_OPTION, 'manifest: decodeManifest takes a string and a file name')
  }
  // Annotated so that the compiler treats a call to lines.fail (which returns never) as an exit.
  const lines: LineCursor = new LineCursor(text, file)

  const header = lines.next('the header')
  const [magic, version, extra] = header.tokens
  if (magic !== MANIFEST_MAGIC || version === undefined || extra !== undefined) {
    lines.fail(header, `not an lsmkit manifest: the header must be "${MANIFEST_MAGIC} <version>"`)
  }
  const versionNumber = parseNumber(lines, header, version, 'version')
  if (versionNumber > MANIFEST_VERSION && sealedWhole(text)) {
    throw new LsmError(
      ErrorCode.NOT_SUPPORTED,
      `manifest: ${file} has format version ${versionNumber}, newer than this reader's ${MANIFEST_VERSION}`,
      { file },
    )
  }
  if (versionNumber !== MANIFEST_VERSION) {
    lines.fail(header, `unsupported format version ${version} (this reader knows ${MANIFEST_VERSION})`)
  }

  const log = readNumberField(lines, LOG_NUMBER_FIELD)
  const next = readNumberField(lines, NEXT_FILE_NUMBER_FIELD)
  const nextFileNumber = next.value
  if (log.value > nextFileNumber) {
    lines.fail(
      log.line,
      `${LOG_NUMBER_FIELD} ${log.value} is above ${NEXT_FILE_NUMBER_FIELD} ${nextFileNumber}`,
    )
  }

  const levels: number[][] = []
  const firstSeenOn = new Map<number, number>()
  for (;;) {
    const expected =
      levels.length === 0 ? `${LEVEL_FIELD} 0` : `${LEVEL_FIELD} ${levels.length} or the checksum`
    const line = lines.next(expected)
    if (line.tokens[0] === CHECKSUM_FIELD && levels.length > 0) {
      verifyChecksum(lines, line)
      break
    }
    expectField(lines, line, LEVEL_FIELD)
    if (levels.length === MAX_LEVELS) lines.fail(line, `more than ${MAX_LEVELS} levels`)
    const [, levelToken, ...idTokens] = line.tokens
    if (levelToken === undefined) lines.fail(line, `${LEVEL_FIELD} needs its number`)
    const level = parseNumber(lines, line, levelToken, LEVEL_FIELD)
    if (level !== levels.length) lines.fail(line, `expected ${LEVEL_FIELD} ${levels.length}, found ${level}`)
    const ids = idTokens.map((token) => {
      const id = parseNumber(lines, line, token, 'SST id')
      if (id >= nextFileNumber) {
        lines.fail(line, `SST id ${id} is not below ${NEXT_FILE_NUMBER_FIELD} ${nextFileNumber}`)
      }
      const seenOn = firstSeenOn.get(id)
      if (seenOn !== undefined) lines.fail(line, `SST id ${id} listed twice (first on line ${seenOn})`)
      firstSeenOn.set(id, line.number)
      return id
    })
    levels.push(ids)
  }

  if (!lines.done) lines.failAtNext(`content after the ${CHECKSUM_FIELD} line`)
  return { logNumber: log.value, nextFileNumber, levels }
}

// True when `text` ends in a checksum line that matches everything before it: the file is
// whole as its writer wrote it, so a version this reader does not know is a newer format, not
// damage. Every version keeps this last line, so that an older reader can tell the two apart.
function sealedWhole(text: string): boolean {
  const start = text.lastIndexOf('\n', text.length - 2) + 1
  const [field, stored, extra] = text.slice(start, -1).split(' ')
  return (
    text.endsWith('\n') &&
    field === CHECKSUM_FIELD &&
    extra === undefined &&
    stored !== undefined &&
    CHECKSUM_TOKEN.test(stored) &&
    manifestChecksum(text.slice(0, start)) === stored
  )
}

function verifyChecksum(lines: LineCursor, line: Line): void {
  const [, stored, extra] = line.tokens
  if (stored === undefined || extra !== undefined || !CHECKSUM_TOKEN.test(stored)) {
    lines.fail(line, `${CHECKSUM_FIELD} takes exactly ${CHECKSUM_HEX_DIGITS} lowercase hex digits`)
  }
  const computed = manifestChecksum(lines.textBefore(line))
  if (stored !== computed) lines.fail(line, `checksum mismatch: stored ${stored}, computed ${computed}`)
}
