import { execFile, spawnSync } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { needs } from '@repo/testing/needs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadCompose } from '../src/compose.js'

needs('local-servers', 'binary:pg_isready', 'binary:redis-cli')

// The local servers stand in for the containers: both listen on 127.0.0.1 with their default
// ports, as db and cache do inside their own containers. Only the credentials differ.
const localCredentials = { POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres' }
const stack = loadCompose('compose.yml', localCredentials)

/** The argv Docker runs for a `["CMD", ...]` health check. */
function healthcheckOf(service: string): [string, ...string[]] {
  const [marker, command, ...args] = stack.services[service]?.healthcheck?.test ?? []
  if (marker !== 'CMD' || command === undefined) throw new Error(`${service}: no CMD health check`)
  return [command, ...args]
}

function run([command, ...args]: [string, ...string[]], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(command, args, { encoding: 'utf8', env, timeout: 10_000 })
}

describe('the health checks of compose.yml, run against local servers', () => {
  test('the db check reports a running PostgreSQL as ready', () => {
    const result = run(healthcheckOf('db'))
    expect(result.error).toBeUndefined()
    expect(result.status, result.stdout + result.stderr).toBe(0)
  })

  test('the db check fails when nothing listens on the port it tries', () => {
    const result = run(healthcheckOf('db'), { ...process.env, PGPORT: '1', PGCONNECT_TIMEOUT: '2' })
    expect(result.status).not.toBe(0)
  })

  test('the db check connects over TCP to 127.0.0.1, never through the Unix socket', () => {
    const [, ...args] = healthcheckOf('db')
    expect(args.slice(args.indexOf('-h'), args.indexOf('-h') + 2)).toEqual(['-h', '127.0.0.1'])
  })

  test('the cache check gets PONG from a running Redis', () => {
    const result = run(healthcheckOf('cache'))
    expect(result.error).toBeUndefined()
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe('PONG')
  })
})

describe('the health checks of web and client, run against a stand-in API', () => {
  let healthStatus = 200
  let server: Server
  let port: number

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.writeHead(request.url === '/health' ? healthStatus : 404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  // Asynchronous on purpose: the stand-in API answers from this process's event loop.
  function exitCode([command, ...args]: [string, ...string[]], env: Record<string, string>) {
    return new Promise<number>((resolve) => {
      execFile(command, args, { env: { ...process.env, ...env }, timeout: 10_000 }, (error) =>
        resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : -1),
      )
    })
  }

  test('the web check passes while /health answers 200 on PORT and fails on 503', async () => {
    const env = { PORT: String(port) }
    healthStatus = 200
    expect(await exitCode(healthcheckOf('web'), env)).toBe(0)
    healthStatus = 503
    expect(await exitCode(healthcheckOf('web'), env)).toBe(1)
  })

  test('the web check fails when nothing listens on PORT', async () => {
    expect(await exitCode(healthcheckOf('web'), { PORT: '1' })).toBe(1)
  })

  test('the proxy check passes while /health answers 200 through it and fails on 503', async () => {
    // The check targets the proxy's own port inside its container; here, the stand-in's.
    const check = healthcheckOf('proxy').map((arg) =>
      arg.replace('http://127.0.0.1:8080/', `http://127.0.0.1:${port}/`),
    ) as [string, ...string[]]
    expect(check).toContain(`http://127.0.0.1:${port}/health`)
    healthStatus = 200
    expect(await exitCode(check, {})).toBe(0)
    healthStatus = 503
    expect(await exitCode(check, {})).not.toBe(0)
  })

  test('the client check passes while the API at API_URL is healthy and fails otherwise', async () => {
    const env = { API_URL: `http://127.0.0.1:${port}` }
    healthStatus = 200
    expect(await exitCode(healthcheckOf('client'), env)).toBe(0)
    healthStatus = 503
    expect(await exitCode(healthcheckOf('client'), env)).toBe(1)
    expect(await exitCode(healthcheckOf('client'), { API_URL: 'http://127.0.0.1:1' })).toBe(1)
  })
})
