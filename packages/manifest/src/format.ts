/**
 * The manifest's on-disk format: file names, the header, field names and limits.
 *
 * The manifest is a small text file, one fact per line, ASCII only, each line ended by a lone
 * LF (0x0a), tokens separated by exactly one space (0x20):
 *
 * ```text
 *   line 1      lsmkit-manifest 1              magic and format version
 *   line 2      log_number 15                  smallest log still needed
 *   line 3      next_file_number 17            next unused file number
 *   line 4      level 0 14 13                  L0 ids, newest first
 *   line 5      level 1 9 10 11                L1 ids, in the engine's order
 *   line 6      level 2                        an empty level is still written
 *   line 7      level 3 4                      1 to MAX_LEVELS level lines, numbered from 0
 *   last line   crc32c 825adde0                CRC-32C of every byte above this line
 *
 *   +--------------------------------------+-------------------------------+
 *   | header, fields and level lines       | "crc32c " 8 lowercase hex "\n" |
 *   | (N bytes, each line ending in "\n")  | (16 bytes)                     |
 *   +--------------------------------------+-------------------------------+
 *   |<-------- covered by the CRC -------->|
 * ```
 *
 * Numbers are canonical decimal: `0`, or a non-zero digit followed by digits, at most
 * `Number.MAX_SAFE_INTEGER`. The checksum is the plain (unmasked) CRC-32C, so anyone can check
 * a manifest with a stock CRC-32C tool; masking guards binary CRCs stored inside checksummed
 * bytes, and this one is hex text that covers only the bytes before it. The full grammar is in
 * docs/formats/manifest.md.
 *
 * Everything in this file is on-disk: a value here is never changed or reused. A new format
 * gets a new version in the list below, and a retired value stays behind as a comment.
 *
 * @module
 */

/** On-disk: the manifest's name inside the database directory. Never change it. */
export const MANIFEST_FILE_NAME = 'manifest'

/**
 * On-disk: the name a new manifest is written under before it is renamed over
 * {@link MANIFEST_FILE_NAME}. Never change it: a leftover from an older release must still be
 * recognised and removed.
 */
export const MANIFEST_TEMP_FILE_NAME = 'manifest.tmp'

/** On-disk: the first token of line 1, naming the file's kind. Never change it. */
export const MANIFEST_MAGIC = 'lsmkit-manifest'

/**
 * On-disk: format versions, oldest first, each with what it added. Never renumber them.
 * - 1: the first format: header, `log_number`, `next_file_number`, 1 to 7 `level` lines and a
 *   `crc32c` line.
 */
export const MANIFEST_VERSION = 1

/** On-disk: the field naming the smallest log file still needed. Never change it. */
export const LOG_NUMBER_FIELD = 'log_number'

/** On-disk: the field naming the next unused file number. Never change it. */
export const NEXT_FILE_NUMBER_FIELD = 'next_file_number'

/** On-disk: the field starting each level line, followed by the level's number. Never change it. */
export const LEVEL_FIELD = 'level'

/** On-disk: the field of the last line, followed by the checksum. Never change it. */
export const CHECKSUM_FIELD = 'crc32c'

/** On-disk: how many lowercase hex digits the checksum is written with. Never change it. */
export const CHECKSUM_HEX_DIGITS = 8

/**
 * On-disk: the most level lines a version-1 manifest may hold (LevelDB's count). Raising it
 * needs a new format version, because a version-1 reader rejects an eighth level.
 */
export const MAX_LEVELS = 7

/** On-disk: the one separator between tokens, a single space. Never change it. */
export const TOKEN_SEPARATOR = ' '

/** On-disk: the one line ending, a lone LF. Never change it. */
export const LINE_END = '\n'
