import { crc32c, LOG_HEADER_SIZE, LogBuilder, type LogEntry, type LogEntryInput, maskCrc } from '@lsmkit/log'

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** A deterministic pseudo-random generator, so sweeps are repeatable. */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomBytes(next: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256)
  return out
}

/** Random batches of 0 to `maxEntries` entries, with puts and deletes. */
export function randomBatches(seed: number, count: number, maxEntries = 4, maxValue = 60): LogEntryInput[][] {
  const next = rng(seed)
  const batches: LogEntryInput[][] = []
  for (let b = 0; b < count; b++) {
    const batch: LogEntryInput[] = []
    const n = Math.floor(next() * (maxEntries + 1))
    for (let e = 0; e < n; e++) {
      const key = randomBytes(next, Math.floor(next() * 12))
      batch.push(
        next() < 0.2 ? { key } : { key, value: randomBytes(next, 1 + Math.floor(next() * maxValue)) },
      )
    }
    batches.push(batch)
  }
  return batches
}

/** Frames `batches` into a log; also returns each record's end offset. */
export function buildLog(batches: LogEntryInput[][], blockSize = 128): { bytes: Uint8Array; ends: number[] } {
  const builder = new LogBuilder({ blockSize })
  const ends = batches.map((batch) => {
    builder.add(batch)
    return builder.offset
  })
  return { bytes: builder.finish(), ends }
}

/** Entries as read back, for comparison with what was written. */
export function normalize(batch: readonly LogEntryInput[]): { key: number[]; value: number[] | undefined }[] {
  return batch.map((e) => ({ key: [...e.key], value: e.value === undefined ? undefined : [...e.value] }))
}

export function normalizeAll(batches: readonly (readonly LogEntryInput[] | LogEntry[])[]) {
  return batches.map(normalize)
}

/** A raw chunk with a correct checksum unless `crc` is given. */
export function rawChunk(type: number, payload: Uint8Array, crc?: number): Uint8Array {
  const out = new Uint8Array(7 + payload.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, crc ?? maskCrc(crc32c(payload, crc32c(Uint8Array.of(type)))), true)
  view.setUint16(4, payload.length, true)
  out[6] = type
  out.set(payload, 7)
  return out
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export { LOG_HEADER_SIZE }

/** The chunks of a well-formed log, parsed independently of the reader: [offset, type, length]. */
export function chunksOf(bytes: Uint8Array, blockSize: number): [number, number, number][] {
  const chunks: [number, number, number][] = []
  let pos = LOG_HEADER_SIZE
  while (pos < bytes.length) {
    const room = blockSize - (pos % blockSize)
    if (room < 7) {
      pos += room
      continue
    }
    if (pos + 7 > bytes.length) break
    const length = bytes[pos + 4]! | (bytes[pos + 5]! << 8)
    chunks.push([pos, bytes[pos + 6]!, length])
    pos += 7 + length
  }
  return chunks
}

/** Reads every batch, keeping those read before an error and the error itself. */
export async function collect(
  batches: AsyncIterable<LogEntry[]>,
): Promise<{ read: LogEntry[][]; error: unknown }> {
  const read: LogEntry[][] = []
  try {
    for await (const batch of batches) read.push(batch)
    return { read, error: undefined }
  } catch (error) {
    return { read, error }
  }
}
