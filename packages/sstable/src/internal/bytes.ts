/**
 * Byte encoding shared by the builder and the parsers: a growable writer and a bounds-checked
 * reader. Varints are LevelDB's: seven bits a byte, least significant group first, high bit set
 * on every byte but the last.
 *
 * @module
 */
import { corruption, type Location } from './corruption.js'

const TWO_32 = 0x1_0000_0000

/** An append-only byte buffer that doubles as it fills. */
export class ByteWriter {
  #buffer: Uint8Array
  #length = 0

  constructor(initialCapacity = 256) {
    this.#buffer = new Uint8Array(Math.max(16, initialCapacity))
  }

  get length(): number {
    return this.#length
  }

  /** A view of the bytes written so far; valid until the next write. */
  view(): Uint8Array {
    return this.#buffer.subarray(0, this.#length)
  }

  reset(): void {
    this.#length = 0
  }

  u8(value: number): void {
    this.#ensure(1)
    this.#buffer[this.#length++] = value
  }

  u32(value: number): void {
    this.#ensure(4)
    writeU32(this.#buffer, this.#length, value)
    this.#length += 4
  }

  /** A non-negative safe integer as 8 bytes. */
  u64(value: number): void {
    this.u32(value % TWO_32)
    this.u32(Math.floor(value / TWO_32))
  }

  /** A non-negative safe integer as a varint: division keeps it exact past 32 bits. */
  varint(value: number): void {
    this.#ensure(10)
    const b = this.#buffer
    let v = value
    while (v >= 0x80) {
      b[this.#length++] = (v % 0x80) | 0x80
      v = Math.floor(v / 0x80)
    }
    b[this.#length++] = v
  }

  /** `src[at .. at + length)`; a byte loop, since the pieces of an entry are mostly short. */
  range(src: Uint8Array, at: number, length: number): void {
    if (length > 64) {
      this.bytes(src.subarray(at, at + length))
      return
    }
    this.#ensure(length)
    const b = this.#buffer
    const base = this.#length - at
    for (let i = at; i < at + length; i++) b[base + i] = src[i]!
    this.#length += length
  }

  bytes(data: Uint8Array): void {
    this.#ensure(data.length)
    this.#buffer.set(data, this.#length)
    this.#length += data.length
  }

  #ensure(extra: number): void {
    if (this.#length + extra <= this.#buffer.length) return
    const grown = new Uint8Array(Math.max(this.#length + extra, this.#buffer.length * 2))
    grown.set(this.#buffer.subarray(0, this.#length))
    this.#buffer = grown
  }
}

/** Reads `bytes[pos .. end)`, throwing `LEVEL_CORRUPTION` at `at` on anything out of bounds. */
export class ByteReader {
  pos: number

  constructor(
    readonly bytes: Uint8Array,
    readonly at: Location,
    pos = 0,
    public end = bytes.length,
  ) {
    this.pos = pos
  }

  get done(): boolean {
    return this.pos >= this.end
  }

  u8(): number {
    if (this.pos >= this.end) throw corruption(this.at, 'entry overruns its block')
    return this.bytes[this.pos++]!
  }

  /** A varint of at most 5 bytes whose value fits in 32 bits. */
  varint32(): number {
    // Lengths in entries are nearly always below 128: one byte, no loop.
    if (this.pos < this.end) {
      const byte = this.bytes[this.pos]!
      if (byte < 0x80) {
        this.pos++
        return byte
      }
    }
    let result = 0
    for (let shift = 0; shift <= 28; shift += 7) {
      const byte = this.u8()
      result += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) {
        if (result >= TWO_32) break
        return result
      }
    }
    throw corruption(this.at, 'bad varint')
  }

  /** A varint whose value is a safe integer (at most 8 bytes). */
  varint(): number {
    let result = 0
    // A scale kept by multiplying, where `2 ** shift` was a call to pow per byte (0.6% of a
    // batched load's writer, in the index decode of each new table). Powers of two are exact.
    let scale = 1
    for (let shift = 0; shift <= 49; shift += 7, scale *= 128) {
      const byte = this.u8()
      result += (byte & 0x7f) * scale
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result)) break
        return result
      }
    }
    throw corruption(this.at, 'bad varint')
  }

  /** Steps over the next `length` bytes, returning where they start. */
  skip(length: number): number {
    if (length > this.end - this.pos) throw corruption(this.at, 'entry overruns its block')
    const start = this.pos
    this.pos += length
    return start
  }

  /** A view of the next `length` bytes. */
  take(length: number): Uint8Array {
    if (length > this.end - this.pos) throw corruption(this.at, 'entry overruns its block')
    const out = this.bytes.subarray(this.pos, this.pos + length)
    this.pos += length
    return out
  }
}

/** Writes `value` (an unsigned 32-bit integer) little-endian at `b[at .. at + 4)`. */
export function writeU32(b: Uint8Array, at: number, value: number): void {
  b[at] = value & 0xff
  b[at + 1] = (value >>> 8) & 0xff
  b[at + 2] = (value >>> 16) & 0xff
  b[at + 3] = value >>> 24
}

/** Reads a little-endian u32 at `pos`; the caller has checked the bounds. */
export function readU32(bytes: Uint8Array, pos: number): number {
  return (bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16) | (bytes[pos + 3]! << 24)) >>> 0
}

/** Reads a little-endian u64 at `pos`, or `undefined` when it is not a safe integer. */
export function readU64(bytes: Uint8Array, pos: number): number | undefined {
  const value = readU32(bytes, pos) + readU32(bytes, pos + 4) * TWO_32
  return Number.isSafeInteger(value) ? value : undefined
}
