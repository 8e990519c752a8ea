export { crc32c, maskCrc, unmaskCrc } from './crc.js'
