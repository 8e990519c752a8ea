/**
 * A read-only file handle over bytes already in memory, so that a table read from its file
 * elsewhere (by another thread, say) can be opened without touching the file system again.
 *
 * @module
 */
import { ErrorCode, type FileHandle, LsmError } from '@lsmkit/fs'

/** A {@link FileHandle} whose file is `bytes`; every write fails as on a file opened to read. */
export class BytesHandle implements FileHandle {
  constructor(
    /** The name errors mention, as a path would be. */
    readonly path: string,
    private readonly bytes: Uint8Array,
  ) {}

  size(): number {
    return this.bytes.length
  }

  read(position: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.readSync(position, length))
  }

  // A view, not a copy: the bytes never change, and the reader parses or copies what it keeps.
  readSync(position: number, length: number): Uint8Array {
    if (!Number.isInteger(position) || !Number.isInteger(length) || position < 0 || length < 0) {
      throw new LsmError(
        ErrorCode.INVALID_OPTION,
        'sstable: a read needs a non-negative integer position and length',
      )
    }
    const start = Math.min(position, this.bytes.length)
    return this.bytes.subarray(start, Math.min(start + length, this.bytes.length))
  }

  append(): void {
    throw readOnly(this.path, 'EBADF')
  }

  sync(): Promise<void> {
    return Promise.resolve()
  }

  truncate(): Promise<void> {
    return Promise.reject(readOnly(this.path, 'EINVAL'))
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

function readOnly(path: string, systemCode: string): LsmError {
  return new LsmError(ErrorCode.IO_ERROR, `sstable: ${path} is held in memory, read-only`, { systemCode })
}
