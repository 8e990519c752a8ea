import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FileSystem, MemoryFileSystem, NodeFileSystem } from '@lsmkit/fs'
import { bytes, text } from './helpers.js'

/** A file system under test and an empty directory in it, with shorthands for the tests. */
export class Workspace {
  readonly fs: FileSystem
  readonly dir: string
  readonly cleanup: () => void

  constructor(fs: FileSystem, dir: string, cleanup: () => void) {
    this.fs = fs
    this.dir = dir
    this.cleanup = cleanup
  }

  /** The path of `name` in the directory. */
  at(name: string): string {
    return join(this.dir, name)
  }

  /** Creates the file `name` holding `content`. */
  async plant(name: string, content: string): Promise<void> {
    const file = await this.fs.open(this.at(name), 'create')
    file.append(bytes(content))
    await file.close()
  }

  /** The content of the file `name`. */
  async contentOf(name: string): Promise<string | undefined> {
    const file = await this.fs.open(this.at(name), 'read')
    const data = await file.read(0, file.size())
    await file.close()
    return text(data)
  }
}

/** Every implementation of `FileSystem`, for `describe.each`. */
export const implementations: { name: string; open: () => Promise<Workspace> }[] = [
  {
    name: 'NodeFileSystem',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lsmkit-fs-'))
      return new Workspace(new NodeFileSystem(), dir, () => rmSync(dir, { recursive: true, force: true }))
    },
  },
  {
    name: 'MemoryFileSystem',
    open: async () => {
      const fs = new MemoryFileSystem()
      await fs.mkdir('/db')
      return new Workspace(fs, '/db', () => undefined)
    },
  },
]
