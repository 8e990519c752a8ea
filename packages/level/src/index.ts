/**
 * @lsmkit/level: the lsmkit engine as an abstract-level database, for the level ecosystem
 * (sublevels, encodings, level-read-stream). Start with {@link LsmLevel}.
 *
 * @packageDocumentation
 */
export { LevelError, type Resource, toLevelError } from './errors.js'
export { type LevelEntry, LsmIterator, type PrivateIteratorOptions } from './iterator.js'
export { LsmLevel, type LsmLevelOptions, type PrivateOperation, type ReadOptions } from './level.js'
export { MANIFEST } from './manifest.js'
export { LsmSnapshot } from './snapshot.js'
export { decodeValue, encodeValue, MAX_LEVEL_VALUE_LENGTH, VALUE_FORMAT_V1 } from './value-codec.js'
