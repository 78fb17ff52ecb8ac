import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const infraDir = join(repoRoot, 'infra')

export function readRepoFile(relativePath: string): string {
  return readFileSync(join(repoRoot, relativePath), 'utf8')
}

/** The version pinned by the root package.json "packageManager" field (`pnpm@<version>`). */
export function pinnedPnpmVersion(): string {
  const { packageManager } = JSON.parse(readRepoFile('package.json')) as { packageManager?: string }
  const version = /^pnpm@([^+\s]+)/.exec(packageManager ?? '')?.[1]
  if (version === undefined)
    throw new Error('package.json has no "packageManager": "pnpm@<version>"')
  return version
}

/** Every package.json of the workspace, root first, relative to the repository root. */
export function workspaceManifests(): string[] {
  const { packages = [] } = parse(readRepoFile('pnpm-workspace.yaml')) as { packages?: string[] }
  const directories = packages.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern]
    const parent = pattern.slice(0, -2)
    return readdirSync(join(repoRoot, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`)
  })
  return [
    'package.json',
    ...directories
      .map((directory) => `${directory}/package.json`)
      .filter((manifest) => existsSync(join(repoRoot, manifest))),
  ]
}

/**
 * The default apps/web/src/config.ts gives a numeric setting, read from its source: infra does not
 * depend on the app, and the value has to stay in step with stop_grace_period and the like.
 */
export function webConfigDefault(name: string, source = readRepoFile('apps/web/src/config.ts')) {
  const pattern = new RegExp(`\\b${name}:[^\\n]*\\.default\\(([\\d_]+)\\)`)
  const value = pattern.exec(source)?.[1]
  if (value === undefined)
    throw new Error(`apps/web/src/config.ts gives ${name} no numeric default`)
  return Number(value.replaceAll('_', ''))
}
