/**
 * The properties block: named facts about the whole table, stored as the entries of an
 * ordinary block, so that later writers can add names that older readers skip.
 *
 * @module
 */
import { type Block, BlockCursor } from './block.js'
import { BlockBuilder } from './block-builder.js'
import { compareKeys } from './compare.js'
import { EntryKind, PropertyName } from './format.js'
import { ByteReader, ByteWriter } from './internal/bytes.js'
import { corruption } from './internal/corruption.js'

/** What the properties block records. */
export interface TableProperties {
  readonly formatVersion: number
  readonly entryCount: number
  readonly tombstoneCount: number
  readonly smallestKey: Uint8Array
  readonly largestKey: Uint8Array
}

const utf8 = new TextEncoder()

function varint(value: number): Uint8Array {
  const out = new ByteWriter(10)
  out.varint(value)
  return out.view().slice()
}

/** The properties block's contents. */
export function encodeProperties(props: TableProperties): Uint8Array {
  const entries: [string, Uint8Array][] = [
    [PropertyName.ENTRY_COUNT, varint(props.entryCount)],
    [PropertyName.FORMAT_VERSION, varint(props.formatVersion)],
    [PropertyName.LARGEST_KEY, props.largestKey],
    [PropertyName.SMALLEST_KEY, props.smallestKey],
    [PropertyName.TOMBSTONE_COUNT, varint(props.tombstoneCount)],
  ]
  const encoded = entries.map(([name, value]) => [utf8.encode(name), value] as const)
  encoded.sort((a, b) => compareKeys(a[0], b[0]))
  // Restart interval 1: five entries gain nothing from prefix sharing.
  const block = new BlockBuilder(1)
  for (const [name, value] of encoded) block.add(name, name.length, 0, EntryKind.PUT, value)
  return block.finish()
}

/**
 * Reads the properties from a parsed block.
 *
 * @throws {@link @lsmkit/fs!LsmError} `LEVEL_CORRUPTION` when one is missing, malformed or inconsistent.
 */
export function decodeProperties(block: Block): TableProperties {
  const found = new Map<string, Uint8Array>()
  const decoder = new TextDecoder('utf-8', { fatal: false })
  const cursor = new BlockCursor(block)
  for (cursor.seekToFirst(); cursor.valid; cursor.next()) {
    const value = cursor.value
    if (value === undefined) throw corruption(block.at, 'tombstone among the properties')
    found.set(decoder.decode(cursor.key), value)
  }
  const get = (name: string): Uint8Array => {
    const value = found.get(name)
    if (value === undefined) throw corruption(block.at, `missing property "${name}"`)
    return value
  }
  const count = (name: string): number => {
    const bytes = get(name)
    const r = new ByteReader(bytes, block.at)
    const value = r.varint()
    if (!r.done) throw corruption(block.at, `malformed property "${name}"`)
    return value
  }
  const props: TableProperties = {
    formatVersion: count(PropertyName.FORMAT_VERSION),
    entryCount: count(PropertyName.ENTRY_COUNT),
    tombstoneCount: count(PropertyName.TOMBSTONE_COUNT),
    smallestKey: get(PropertyName.SMALLEST_KEY).slice(),
    largestKey: get(PropertyName.LARGEST_KEY).slice(),
  }
  if (props.entryCount < 1 || props.tombstoneCount > props.entryCount) {
    throw corruption(block.at, 'inconsistent entry counts')
  }
  if (compareKeys(props.smallestKey, props.largestKey) > 0) {
    throw corruption(block.at, 'smallest key sorts after largest key')
  }
  return props
}
