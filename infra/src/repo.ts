import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const infraDir = join(repoRoot, 'infra')

export function readRepoFile(relativePath: string): string {
  return readFileSync(join(repoRoot, relativePath), 'utf8')
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

/** The patch files pnpm applies as it installs (pnpm-workspace.yaml "patchedDependencies"). */
export function workspacePatches(): string[] {
  const { patchedDependencies = {} } = parse(readRepoFile('pnpm-workspace.yaml')) as {
    patchedDependencies?: Record<string, string>
  }
  return Object.values(patchedDependencies)
}
