import { Engine, type EngineOptions, type IteratorOptions } from '@lsmkit/engine'
import { memory, text, utf8 } from './support.js'

export const FRUIT = { apple: '1', banana: '2', cherry: '3', date: '4', elder: '5' }

/** A database on an in-memory file system holding `entries`, in its memtable. */
export async function openWith(
  entries: Record<string, string>,
  options: EngineOptions = {},
): Promise<Engine> {
  const db = await Engine.open('/db', memory(options).options)
  for (const [key, value] of Object.entries(entries)) await db.put(key, value)
  return db
}

export async function keysOf(db: Engine, options: IteratorOptions = {}): Promise<string[]> {
  return (await db.iterator(options).all()).map(([key]) => text(key)!)
}

export async function pairsOf(entries: AsyncIterable<[Uint8Array, Uint8Array]>): Promise<[string, string][]> {
  const out: [string, string][] = []
  for await (const [key, value] of entries) out.push([text(key)!, text(value)!])
  return out
}

export const compareBytes = (a: string, b: string): number => Buffer.compare(utf8(a), utf8(b))
