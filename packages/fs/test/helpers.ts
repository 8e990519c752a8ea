import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type ErrorCode, type FileHandle, LsmError, MemoryFileSystem } from '@lsmkit/fs'
import { expect } from 'vitest'

/** The error `action` throws or rejects with; fails the test if it succeeds. */
export async function caught(action: () => unknown): Promise<LsmError> {
  try {
    await action()
  } catch (err) {
    expect(err).toBeInstanceOf(LsmError)
    return err as LsmError
  }
  throw new Error('expected the call to fail')
}

/** Asserts that `action` fails with `LEVEL_IO_ERROR` and `systemCode`. */
export async function expectIoError(action: () => unknown, systemCode: string): Promise<LsmError> {
  const err = await caught(action)
  expect({ code: err.code, systemCode: err.systemCode }).toEqual({ code: 'LEVEL_IO_ERROR', systemCode })
  return err
}

/** Asserts that `action` fails with the given code. */
export async function expectCode(action: () => unknown, code: ErrorCode): Promise<LsmError> {
  const err = await caught(action)
  expect(err.code).toBe(code)
  return err
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

export function text(data: Uint8Array | undefined): string | undefined {
  return data === undefined ? undefined : new TextDecoder().decode(data)
}

/** A file system with `/db` durable, and `/db/a` created there with `content` appended. */
export async function withFile(content: string): Promise<{ fs: MemoryFileSystem; file: FileHandle }> {
  const fs = new MemoryFileSystem()
  await fs.mkdir('/db')
  await fs.syncDir('/')
  const file = await fs.open('/db/a', 'create')
  file.append(bytes(content))
  return { fs, file }
}

/**
 * Runs `use` with a second instance of this package's built code, as two installed versions of
 * it would be: `dist/src` copied to a temporary directory and imported from there.
 */
export async function withPackageCopy(
  use: (copy: typeof import('@lsmkit/fs')) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lsmkit-fs-copy-'))
  try {
    cpSync(fileURLToPath(new URL('../dist/src', import.meta.url)), dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }')
    const copy = (await import(pathToFileURL(join(dir, 'index.js')).href)) as typeof import('@lsmkit/fs')
    await use(copy)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
