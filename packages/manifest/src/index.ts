/**
 * `@lsmkit/manifest`: the persisted state of an lsmkit database, kept in one small text file
 * (`manifest`) that names the oldest log still needed, the next file number and the SSTs of
 * each level. It is checksummed, parsed strictly, and replaced atomically.
 *
 * The format is documented in docs/formats/manifest.md and in `format.ts`.
 *
 * @module
 */
export { decodeManifest } from './decode.js'
export { encodeManifest } from './encode.js'
export { MANIFEST_FILE_NAME, MANIFEST_TEMP_FILE_NAME, MANIFEST_VERSION, MAX_LEVELS } from './format.js'
export type { ManifestFileOptions } from './options.js'
export { readManifest } from './read.js'
export type { ManifestState } from './state.js'
export { removeStaleManifestTemp, writeManifest } from './write.js'
