/**
 * The manifest's checksum, shared by the encoder and the decoder.
 *
 * @module
 */
import { crc32c } from '@lsmkit/log'
import { CHECKSUM_HEX_DIGITS } from './format.js'

const encoder = new TextEncoder()

/**
 * The checksum token for `body` (every byte above the checksum line): its plain CRC-32C as
 * fixed-width lowercase hex, so that each body has exactly one valid checksum line.
 */
export function manifestChecksum(body: string): string {
  return crc32c(encoder.encode(body)).toString(16).padStart(CHECKSUM_HEX_DIGITS, '0')
}
