// abstract-level's own compliance suite, run against LsmLevel with tape. Each database gets a
// fresh temporary directory; all are removed at the end. Exits non-zero on any failure.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LsmLevel } from '@lsmkit/level'
import suite from 'abstract-level/test/index.js'
import tape from 'tape'

const root = mkdtempSync(join(tmpdir(), 'lsmkit-level-compliance-'))
let count = 0

tape.onFinish(() => rmSync(root, { recursive: true, force: true }))

suite({
  test: tape,
  factory: (options) => new LsmLevel(join(root, String(count++)), options),
})
