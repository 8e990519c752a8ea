import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** The repository root: the tarballs are packed from its workspaces, and its tsc checks the consumer. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** The packages published to npm, in dependency order. */
export const PUBLIC_PACKAGES = [
  '@lsmkit/fs',
  '@lsmkit/log',
  '@lsmkit/manifest',
  '@lsmkit/sstable',
  '@lsmkit/engine',
  '@lsmkit/level',
  '@lsmkit/cli',
] as const

/**
 * The environment for child npm and node processes: this one's, minus the `npm_*` variables an
 * enclosing `npm run` sets (they would make a nested npm act on this workspace, not the temp
 * project), keeping the ones that say where the cache, registry and user config are.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'])
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('npm_') || keep.has(name)),
  )
}

/** Runs a command and resolves to its stdout; rejects with its stderr in the message if it fails. */
export async function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, {
      cwd,
      env: childEnv(),
      maxBuffer: 16 * 1024 * 1024,
    })
    return stdout
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stderr ?? ''}${stdout ?? ''}`, {
      cause: err,
    })
  }
}

/** What `npm pack --json` reports for one package. */
export interface PackResult {
  readonly name: string
  readonly version: string
  readonly filename: string
  readonly files: readonly { readonly path: string }[]
}

/** Packs the given workspaces into `destination` with one `npm pack` and returns what it reports. */
export async function pack(names: readonly string[], destination: string): Promise<PackResult[]> {
  const workspaces = names.flatMap((name) => ['--workspace', name])
  const json = await run(
    'npm',
    ['pack', ...workspaces, '--pack-destination', destination, '--json'],
    REPO_ROOT,
  )
  return JSON.parse(json) as PackResult[]
}
