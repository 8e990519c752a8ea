/**
 * Replaces the manifest file of a database directory atomically.
 *
 * The new text goes to `manifest.tmp`, is synced, and is renamed over `manifest`; the
 * directory is synced last. A rename replaces a name in one step, so after a crash at any point
 * `manifest` is the old file or the new one, never a mix, and the new one is never visible
 * before its bytes are durable. What a crash can leave behind is `manifest.tmp`, which readers
 * ignore and the next write removes.
 *
 * @module
 */
import { join } from 'node:path'
import { type FileHandle, type FileSystem, isIoError, isNotFound } from '@lsmkit/fs'
import { encodeManifest } from './encode.js'
import { MANIFEST_FILE_NAME, MANIFEST_TEMP_FILE_NAME } from './format.js'
import { fileSystemOf, type ManifestFileOptions } from './options.js'
import type { ManifestState } from './state.js'

const encoder = new TextEncoder()

/**
 * Writes `state` as `<dir>/manifest`, replacing any manifest there, and resolves once the new
 * manifest is durable: a power cut after that keeps it.
 *
 * Steps: create `manifest.tmp` anew (`'create'` mode: a file that is still there is never
 * something to append to; one left by an interrupted write is removed and the create tried
 * once more); append the text; sync; close it and rename it over `manifest` (at once); sync
 * `dir`. If any step fails the promise rejects and `manifest` is still the old file (or, after
 * a failed close or directory sync, possibly already the new one); a crash leaves the
 * old or the new one. Either way `manifest.tmp` may be left behind, harmlessly.
 *
 * REQUIRES: `dir` exists (and, for the first manifest to survive a power cut, its own entry
 * in its parent is durable); no other write to the same `dir` is in progress (the engine
 * serialises them).
 *
 * @param dir - the database directory.
 * @param state - the state to persist; validated before anything is touched.
 * @param options - `fs` defaults to a new `NodeFileSystem`.
 * @throws {LsmError} `LEVEL_INVALID_OPTION` when `state` is not a valid {@link ManifestState}, in
 *   which case nothing is written; `LEVEL_IO_ERROR` when the file system fails.
 *
 * @example
 * ```ts
 * // After a flush turned log 15 into SST 15: log 15 is no longer needed.
 * await writeManifest('/data/db', { logNumber: 16, nextFileNumber: 17, levels: [[15, 14], [9]] })
 * ```
 */
export async function writeManifest(
  dir: string,
  state: ManifestState,
  options: ManifestFileOptions = {},
): Promise<void> {
  const bytes = encoder.encode(encodeManifest(state))
  const fs = fileSystemOf(options)
  const temp = join(dir, MANIFEST_TEMP_FILE_NAME)
  const handle = await createFresh(fs, temp)
  try {
    handle.append(bytes)
    await handle.sync()
  } catch (err) {
    // The append's or sync's failure is the one worth reporting; a failing close would hide it.
    await handle.close().catch(() => {})
    throw err
  }
  // The bytes are durable, so closing and renaming need no order: doing both at once costs an
  // engine's busy event loop one wait instead of two. Renaming an open file is fine on POSIX,
  // and Node opens files on Windows with the sharing that allows it.
  // The rename is called inside an async function, so that a file system that throws where it
  // should reject cannot leave the close's failure unhandled.
  await Promise.all([handle.close(), (async () => fs.rename(temp, join(dir, MANIFEST_FILE_NAME)))()])
  await fs.syncDir(dir)
}

/**
 * Removes a `manifest.tmp` left in `dir` by an interrupted {@link writeManifest}, and resolves
 * to whether there was one. The engine calls it on open; {@link readManifest} never removes
 * anything, so read-only tools can inspect a directory without changing it.
 *
 * The removal is not synced: if a power cut undoes it, the file is still ignored by readers and
 * removed by the next write or open.
 *
 * @param dir - the database directory.
 * @param options - `fs` defaults to a new `NodeFileSystem`.
 * @throws {LsmError} `LEVEL_IO_ERROR` when the file system fails (a missing file is not a failure).
 */
export async function removeStaleManifestTemp(
  dir: string,
  options: ManifestFileOptions = {},
): Promise<boolean> {
  return removeIfPresent(fileSystemOf(options), join(dir, MANIFEST_TEMP_FILE_NAME))
}

// Creates `path`, removing a leftover file of that name first if there is one. Trying the
// create first costs one file-system call where a write follows a clean one (the common case),
// not two; each call of an engine's background work also waits for its busy event loop.
async function createFresh(fs: FileSystem, path: string): Promise<FileHandle> {
  try {
    return await fs.open(path, 'create')
  } catch (err) {
    if (!isIoError(err) || err.systemCode !== 'EEXIST') throw err
  }
  await removeIfPresent(fs, path)
  return fs.open(path, 'create')
}

async function removeIfPresent(fs: FileSystem, path: string): Promise<boolean> {
  // Unlink and treat ENOENT as "nothing to do", rather than ask first: one call, and no window
  // between the question and the removal.
  try {
    await fs.unlink(path)
    return true
  } catch (err) {
    if (isNotFound(err)) return false
    throw err
  }
}
