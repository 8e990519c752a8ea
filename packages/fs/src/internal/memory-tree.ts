/**
 * The namespace and inodes of `MemoryFileSystem`, with two states each: what a running program
 * sees, and what is durable (would survive a power cut).
 *
 * The model is POSIX's, without the kindness of any particular file system:
 * - A file's bytes are durable as of its last sync; a directory's entries as of its last syncDir.
 * - A name points at an inode, so a renamed or unlinked file keeps its bytes and its open handles.
 * - A directory's durable entries say which inodes (files or directories) survive under which
 *   names; anything not reachable through durable entries from the root is lost.
 *
 * @module
 */

import { posix } from 'node:path'

export class FileNode {
  readonly kind = 'file'
  /** The durable content: the bytes as of the last sync. */
  durable: Uint8Array = new Uint8Array(0)
  // Grows by doubling so that a log written in many small appends costs linear time.
  #bytes = new Uint8Array(0)
  #size = 0

  get size(): number {
    return this.#size
  }

  /** The current content, as a view that is valid until the next change. */
  content(): Uint8Array {
    return this.#bytes.subarray(0, this.#size)
  }

  /** A copy of up to `length` bytes at `position`; fewer at the end, none past it. */
  read(position: number, length: number): Uint8Array {
    const start = Math.min(position, this.#size)
    return this.#bytes.slice(start, Math.min(this.#size, start + length))
  }

  /** Appends `data[start, end)`, copied. */
  append(data: Uint8Array, start = 0, end = data.length): void {
    const length = end - start
    this.#reserve(this.#size + length)
    this.#bytes.set(length === data.length ? data : data.subarray(start, end), this.#size)
    this.#size += length
  }

  /** Cuts the content to `size` bytes, or extends it with zeros. */
  resize(size: number): void {
    this.#reserve(size)
    if (size > this.#size) this.#bytes.fill(0, this.#size, size)
    this.#size = size
  }

  replace(data: Uint8Array): void {
    this.#size = 0
    this.append(data)
  }

  sync(): void {
    this.durable = this.content().slice()
  }

  #reserve(capacity: number): void {
    if (capacity <= this.#bytes.length) return
    const grown = new Uint8Array(Math.max(capacity, this.#bytes.length * 2, 64))
    grown.set(this.content())
    this.#bytes = grown
  }
}

export class DirNode {
  readonly kind = 'dir'
  /** The names a running program sees. */
  entries = new Map<string, Node>()
  /** The names as of the last syncDir: the ones that survive a power cut. */
  durable = new Map<string, Node>()
}

export type Node = FileNode | DirNode

/** A path resolved against `/`, as its components; the root is `[]`. */
export function splitPath(path: string): string[] {
  return posix
    .resolve('/', path)
    .split('/')
    .filter((part) => part !== '')
}

/** The node at `parts`, or the system code that says why there is none. */
export function lookup(root: DirNode, parts: readonly string[]): Node | 'ENOENT' | 'ENOTDIR' {
  let node: Node = root
  for (const part of parts) {
    if (node.kind !== 'dir') return 'ENOTDIR'
    const next: Node | undefined = node.entries.get(part)
    if (next === undefined) return 'ENOENT'
    node = next
  }
  return node
}

/**
 * Sets the content of the file at `parts`, creating it and its missing parent directories; with
 * `durable`, the content and every name on the way are made durable too. Returns the system code
 * of the failure, if any.
 */
export function plantFile(
  root: DirNode,
  parts: readonly string[],
  bytes: Uint8Array,
  durable: boolean,
): 'EISDIR' | 'ENOTDIR' | undefined {
  const name = parts.at(-1)
  if (name === undefined) return 'EISDIR'
  const link = (parent: DirNode, entry: string, node: Node): void => {
    parent.entries.set(entry, node)
    if (durable) parent.durable.set(entry, node)
  }
  let dir = root
  for (const part of parts.slice(0, -1)) {
    const next = dir.entries.get(part) ?? new DirNode()
    if (next.kind === 'file') return 'ENOTDIR'
    link(dir, part, next)
    dir = next
  }
  const existing = dir.entries.get(name)
  if (existing?.kind === 'dir') return 'EISDIR'
  const file = existing ?? new FileNode()
  file.replace(bytes)
  if (durable) file.sync()
  link(dir, name, file)
  return undefined
}

/** Decides how many unsynced bytes of a file survive a power cut; see `PowerCutOptions`. */
export type KeepUnsynced = (path: string, unsyncedBytes: number) => number

/**
 * Loses everything that is not durable: names revert to the last syncDir, contents to the last
 * sync, and whatever is no longer reachable from the root is gone. What survives is then all on
 * disk, so it becomes durable as well.
 */
export function revertToDurable(root: DirNode, keepUnsynced: KeepUnsynced | undefined): void {
  // A power cut can leave one inode reachable under two names (a rename whose target directory
  // was synced but whose source was not), and even a cycle of directories; visit each once.
  const seen = new Set<Node>()
  const visit = (dir: DirNode, path: string): void => {
    seen.add(dir)
    dir.entries = new Map(dir.durable)
    for (const name of [...dir.entries.keys()].sort()) {
      const child = dir.entries.get(name)
      if (child === undefined || seen.has(child)) continue
      const childPath = posix.join(path, name)
      if (child.kind === 'dir') visit(child, childPath)
      else {
        seen.add(child)
        revertFile(child, childPath, keepUnsynced)
      }
    }
  }
  visit(root, '/')
}

function revertFile(file: FileNode, path: string, keepUnsynced: KeepUnsynced | undefined): void {
  const current = file.content()
  const durable = file.durable
  let kept = 0
  // A torn write keeps a prefix of what was appended; it cannot resurrect bytes that a
  // truncate or an overwrite removed, so only a pure extension of the durable bytes qualifies.
  if (keepUnsynced !== undefined && current.length > durable.length && startsWith(current, durable)) {
    const unsynced = current.length - durable.length
    const wanted = Math.floor(keepUnsynced(path, unsynced))
    kept = Number.isNaN(wanted) ? 0 : Math.min(Math.max(wanted, 0), unsynced)
  }
  file.replace(kept > 0 ? current.slice(0, durable.length + kept) : durable)
  file.sync()
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false
  return true
}
