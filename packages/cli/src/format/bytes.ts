/**
 * How keys, values and sizes are shown.
 *
 * Keys and values are bytes. They are shown as UTF-8 text when they are valid UTF-8 with no
 * control characters other than tab, and otherwise as `0x` followed by lowercase hex, so that
 * every line of output stays one line and nothing is lost. (A text key that itself starts with
 * `0x` looks the same as a hex one; `--json` output has the same rule.)
 *
 * @module
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const encoder = new TextEncoder()
// C0 controls but tab, and DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what it looks for
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/

/** `text` as UTF-8 bytes: how keys and values typed on the command line are stored. */
export function toBytes(text: string): Uint8Array {
  return encoder.encode(text)
}

/** `bytes` as lowercase hex, prefixed `0x`. */
export function toHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`
}

/** `bytes` as text when they are printable UTF-8, else as `0x` hex (see the module comment). */
export function showBytes(bytes: Uint8Array): string {
  let text: string
  try {
    text = strictUtf8.decode(bytes)
  } catch {
    return toHex(bytes)
  }
  return CONTROL.test(text) ? toHex(bytes) : text
}

/** A byte count for people: `512 B`, `1.5 KiB`, `12.0 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** A count with thousands separators: `20,000`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}
