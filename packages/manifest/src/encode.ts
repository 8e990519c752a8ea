/**
 * Turns a {@link ManifestState} into manifest text. Pure: no I/O.
 *
 * @module
 */
import { manifestChecksum } from './checksum.js'
import {
  CHECKSUM_FIELD,
  LEVEL_FIELD,
  LINE_END,
  LOG_NUMBER_FIELD,
  MANIFEST_MAGIC,
  MANIFEST_VERSION,
  NEXT_FILE_NUMBER_FIELD,
  TOKEN_SEPARATOR,
} from './format.js'
import { checkManifestState, type ManifestState } from './state.js'

/**
 * Encodes `state` as the full text of a manifest file, checksum line included.
 *
 * The encoding is canonical: one state has exactly one text, and
 * `decodeManifest(encodeManifest(s))` deep-equals `s`. The text is ASCII, so its UTF-8 bytes
 * are its characters.
 *
 * @throws {LsmError} `LEVEL_INVALID_OPTION` when `state` is not a valid {@link ManifestState}.
 *
 * @example
 * ```ts
 * encodeManifest({ logNumber: 3, nextFileNumber: 5, levels: [[4, 2]] })
 * // 'lsmkit-manifest 1\nlog_number 3\nnext_file_number 5\nlevel 0 4 2\ncrc32c c3841348\n'
 * ```
 */
export function encodeManifest(state: ManifestState): string {
  checkManifestState(state)
  const lines = [
    [MANIFEST_MAGIC, MANIFEST_VERSION],
    [LOG_NUMBER_FIELD, state.logNumber],
    [NEXT_FILE_NUMBER_FIELD, state.nextFileNumber],
    ...state.levels.map((ids, level) => [LEVEL_FIELD, level, ...ids]),
  ]
  // Safe integers print as plain decimal (never an exponent), and -0 prints as 0.
  const body = lines.map((tokens) => tokens.join(TOKEN_SEPARATOR) + LINE_END).join('')
  return `${body}${CHECKSUM_FIELD}${TOKEN_SEPARATOR}${manifestChecksum(body)}${LINE_END}`
}
