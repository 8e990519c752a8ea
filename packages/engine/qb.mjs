import { Engine } from '@lsmkit/engine'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
const dir = mkdtempSync(join(tmpdir(), 'lsmkit-qb-'))
const db = await Engine.open(dir)
const N = 200000
const keys = Array.from({ length: N }, (_, i) => new TextEncoder().encode(`key${String(i).padStart(13, '0')}`))
const value = new Uint8Array(100).fill(97)
let t = performance.now()
for (let i = 0; i < N; i++) await db.put(keys[i], value)
console.log('fillseq µs/op', ((performance.now() - t) * 1000 / N).toFixed(2))
await db.close()
rmSync(dir, { recursive: true, force: true })
