import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type PackResult, PUBLIC_PACKAGES, pack, REPO_ROOT, run } from './helpers.js'

/** What test/consumer/consumer.ts prints when every package works. */
const EXPECTED_OUTPUT = [
  'engine get a=1 b=<none>',
  'engine scan a=1 c=3',
  'engine reopened c=3',
  'log order:17=paid,cart:17=<none> | order:18=new',
  'level get k={"n":42} missing=undefined',
  'sstable entries=2 tombstones=1',
  'manifest [[4],[]]',
  'deep import ERR_PACKAGE_PATH_NOT_EXPORTED',
  'second open LEVEL_LOCKED',
  `cli ${await workspaceVersion('@lsmkit/cli')}`,
]

/**
 * The consumer's compiler settings: strict, and every declaration file checked (no skipLibCheck).
 * exactOptionalPropertyTypes is left off here because @types/node's own declarations fail it
 * when lib checking is on; the repository's typecheck covers the consumer with it.
 */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'ESNext.Disposable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    skipLibCheck: false,
    // The temp project installs only the tarballs; Node's types come from the repository.
    typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
    types: ['node'],
    outDir: 'out',
  },
  files: ['consumer.ts'],
}

const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc')

let tarballDir: string
let project: string
let packed: PackResult[]

beforeAll(async () => {
  tarballDir = await mkdtemp(join(tmpdir(), 'lsmkit-tarballs-'))
  project = await mkdtemp(join(tmpdir(), 'lsmkit-project-'))
  packed = await pack(PUBLIC_PACKAGES, tarballDir)
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
  )
  const tarballs = packed.map((result) => join(tarballDir, result.filename))
  await run(
    'npm',
    ['install', ...tarballs, '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline'],
    project,
  )
  await writeFile(join(project, 'tsconfig.json'), `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`)
  await copyFile(new URL('./consumer/consumer.ts', import.meta.url), join(project, 'consumer.ts'))
}, 180_000)

afterAll(async () => {
  if (tarballDir) await rm(tarballDir, { recursive: true, force: true })
  if (project) await rm(project, { recursive: true, force: true })
})

describe('the tarballs', () => {
  test('every public package is packed once, at its workspace version', async () => {
    const expected = await Promise.all(
      PUBLIC_PACKAGES.map(async (name) => `${name}@${await workspaceVersion(name)}`),
    )
    expect(packed.map((result) => `${result.name}@${result.version}`).sort()).toEqual(expected.sort())
  })

  test.each(PUBLIC_PACKAGES)('%s ships its manifest, README, LICENSE and built entry point', (name) => {
    const paths = filesOf(name)
    for (const path of ['package.json', 'README.md', 'LICENSE', 'dist/src/index.js', 'dist/src/index.d.ts']) {
      expect(paths).toContain(path)
    }
  })

  // npmjs.com cannot resolve a README's relative links (it drops the package's directory), so
  // a shipped README links absolutely, and its links into this repository must name real files.
  test.each(PUBLIC_PACKAGES)('%s has a README whose links work outside the repository', async (name) => {
    const readme = await readFile(
      join(REPO_ROOT, 'packages', name.replace('@lsmkit/', ''), 'README.md'),
      'utf8',
    )
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!)
    expect(targets.filter((target) => !/^(https?:|mailto:|#)/.test(target))).toEqual([])
    const repoBlob = 'https://github.com/lsmkit/lsmkit/blob/main/'
    const missing = targets
      .filter((target) => target.startsWith(repoBlob))
      .map((target) => target.slice(repoBlob.length).split('#')[0]!)
      .filter((path) => !existsSync(join(REPO_ROOT, path)))
    expect(missing).toEqual([])
  })

  test.each(PUBLIC_PACKAGES)('%s ships nothing but dist/src and its top-level documents', (name) => {
    const paths = filesOf(name)
    const stray = paths.filter(
      (path) =>
        !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(path) &&
        // Declaration maps are left out: they point into src/, which is not shipped.
        !(path.startsWith('dist/src/') && /\.(js|js\.map|d\.ts)$/.test(path)),
    )
    expect(stray).toEqual([])
    expect(paths.filter((path) => /(^|\/)test\/|\.tsbuildinfo$|^src\/|examples\//.test(path))).toEqual([])
  })
})

describe('the installed manifests', () => {
  test.each(PUBLIC_PACKAGES)('%s has the metadata npm and consumers rely on', async (name) => {
    const manifest = JSON.parse(await readFile(join(project, 'node_modules', name, 'package.json'), 'utf8'))
    expect(manifest.type).toBe('module')
    expect(manifest.license).toBe('MIT')
    expect(manifest.sideEffects).toBe(false)
    expect(manifest.repository.directory).toBe(`packages/${name.slice('@lsmkit/'.length)}`)
    expect(manifest.keywords.length).toBeGreaterThan(0)
    expect(manifest.engines.node).toMatch(/^>=/)
    expect(Object.keys(manifest.exports['.'])).toEqual(['types', 'default'])
    expect(manifest.private).toBeUndefined()
  })
})

describe('a project that installs the tarballs', () => {
  test('type-checks a strict consumer against them, library declarations included', async () => {
    await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit'], project)
  }, 60_000)

  test('runs the compiled consumer: engine, log, level, sstable, manifest and cli all work', async () => {
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], project)
    const stdout = await run(process.execPath, ['out/consumer.js'], project)
    expect(stdout.trimEnd().split('\n')).toEqual(EXPECTED_OUTPUT)
  }, 60_000)

  test('carries the sources of its JavaScript source maps, which ship without src/', async () => {
    for (const name of PUBLIC_PACKAGES) {
      const dist = join(project, 'node_modules', name, 'dist/src')
      const maps = (await readdir(dist, { recursive: true })).filter((path) => path.endsWith('.js.map'))
      expect(maps.length).toBeGreaterThan(0)
      for (const path of maps) {
        const map = JSON.parse(await readFile(join(dist, path), 'utf8')) as {
          sources: string[]
          sourcesContent?: (string | null)[]
        }
        expect(map.sourcesContent?.length, `${name} ${path}`).toBe(map.sources.length)
        expect(map.sourcesContent?.every((text) => typeof text === 'string' && text.length > 0)).toBe(true)
      }
    }
  })

  test('links the lsmkit executable, which writes and reads a database', async () => {
    const lsmkit = join(project, 'node_modules/.bin/lsmkit')
    const dir = join(project, 'cli-data')
    await mkdir(dir)
    await run(lsmkit, ['put', dir, 'user:1', 'ada'], project)
    expect(await run(lsmkit, ['get', dir, 'user:1'], project)).toBe('ada\n')
    expect((await run(lsmkit, ['--version'], project)).trim()).toBe(await workspaceVersion('@lsmkit/cli'))
  }, 30_000)
})

/** The version in the package's package.json in this repository (what `changeset version` bumps). */
async function workspaceVersion(name: string): Promise<string> {
  const path = join(REPO_ROOT, 'packages', name.slice('@lsmkit/'.length), 'package.json')
  return JSON.parse(await readFile(path, 'utf8')).version
}

function filesOf(name: string): string[] {
  const result = packed.find((candidate) => candidate.name === name)
  if (result === undefined) throw new Error(`${name} was not packed`)
  return result.files.map((file) => file.path)
}
