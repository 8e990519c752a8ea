/**
 * LsmSnapshot: abstract-level's explicit snapshot over an {@link EngineSnapshot}.
 *
 * @module
 */
import type { EngineSnapshot } from '@lsmkit/engine'
import { AbstractSnapshot } from 'abstract-level'

// abstract-level's typings declare no constructor for AbstractSnapshot, but it takes the
// options given to `_snapshot()` (they name the owning database, which closes it on close).
const SnapshotBase = AbstractSnapshot as unknown as new (options: object) => AbstractSnapshot

/**
 * A token for `db.get(key, { snapshot })`, `db.iterator({ snapshot })` and the like: the
 * database as it was when `db.snapshot()` was called. It keeps the tables it reads on disk until
 * closed; close it when done (closing the database closes it too).
 *
 * @example
 * ```ts
 * await using snapshot = db.snapshot()
 * await db.put('a', 'later')
 * await db.get('a', { snapshot }) // the value before the put
 * ```
 */
export class LsmSnapshot extends SnapshotBase {
  /** The engine snapshot that serves reads. @internal */
  readonly engineSnapshot: EngineSnapshot

  /** @internal Use `db.snapshot()`. */
  constructor(options: object, engineSnapshot: EngineSnapshot) {
    super(options)
    this.engineSnapshot = engineSnapshot
  }

  /** Releases the engine snapshot; abstract-level calls it once no read uses the snapshot. */
  async _close(): Promise<void> {
    await this.engineSnapshot.close()
  }
}
