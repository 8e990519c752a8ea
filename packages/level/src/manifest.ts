/**
 * What an {@link LsmLevel} supports, as abstract-level's manifest (`db.supports`) declares it.
 *
 * @module
 */

/**
 * The manifest passed to abstract-level. abstract-level adds what it provides itself (deferred
 * open, events, the encodings it transcodes to `'view'`), and its test suite runs the tests of
 * each declared feature and skips the others.
 *
 * - `implicitSnapshots`: every read and iterator reads a snapshot taken when it is called.
 * - `explicitSnapshots`: `db.snapshot()`, over the engine's `EngineSnapshot`.
 * - `has`: `db.has()` and `db.hasMany()`.
 * - `getSync`: `db.getSync()`; memtables and tables are read synchronously.
 * - `seek`: `iterator.seek()`, in both directions.
 * - `createIfMissing`, `errorIfExists`: honored by the engine's open.
 * - `permanence`: data is stored on disk and survives a reopen.
 * - `encodings`: the private API takes and returns `Uint8Array`s (`'view'`).
 */
export const MANIFEST = {
  implicitSnapshots: true,
  explicitSnapshots: true,
  has: true,
  getSync: true,
  seek: true,
  createIfMissing: true,
  errorIfExists: true,
  permanence: true,
  encodings: { view: true },
} as const
