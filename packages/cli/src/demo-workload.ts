/**
 * The workload of `lsmkit demo`, shared by the writer process and the checker: which keys and
 * values batch `i` writes, and the engine options both open the database with.
 *
 * Batch `i` puts {@link demoKey}(i) with {@link demoValue}(i) and sets `last` to `i`.
 *
 * @module
 */
import type { EngineOptions } from '@lsmkit/engine'

/** The engine options the demo writes and reopens with: small memtables, so the tree grows levels. */
export const DEMO_ENGINE_OPTIONS: EngineOptions = { memtableSize: 128 * 1024, durability: 'process' }

/** The key batch `i` writes. */
export function demoKey(i: number): string {
  return `user:${String(i).padStart(8, '0')}`
}

/** The value batch `i` writes under {@link demoKey}(i): 40 to 130 bytes, varying with `i`. */
export function demoValue(i: number): string {
  return `value ${i} `.padEnd(40 + (i % 10) * 10, '.')
}
