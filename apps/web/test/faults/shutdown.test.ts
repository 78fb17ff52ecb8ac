import { Agent, get as httpGet } from 'node:http'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { eventually } from '@repo/testing/eventually'
import { type PortProxy, startPortProxy } from '@repo/testing/port-proxy'
import { freePort } from '@repo/testing/ports'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type AppProcess,
  type AppProcessOptions,
  spawnAppProcess,
} from '../support/child-process.js'

const IN_FLIGHT = 50
/** Time for the requests to reach the server before the signal; the database link delays answers longer. */
const IN_FLIGHT_AFTER_MS = 500
/** Well under the server's 5 s keep-alive timeout, which would otherwise hold it open. */
const EXITS_AFTER_LAST_ANSWER_MS = 2_000

let database: TestDatabase
let proxy: PortProxy
const apps: AppProcess[] = []
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })

beforeAll(async () => {
  database = await createTestDatabase()
  const target = new URL(database.url)
  proxy = await startPortProxy({ host: target.hostname, port: Number(target.port || 5432) })
})

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop('SIGKILL').then(() => app.cleanup())))
  proxy.setLatency(0)
})

afterAll(async () => {
  agent.destroy()
  await proxy?.close()
  await database?.drop()
})

function databaseUrl(port: number): string {
  const url = new URL(database.url)
  url.port = String(port)
  return url.toString()
}

/** `node --import tsx src/index.ts`, the way the app runs in development, with its database behind the proxy. */
async function startApp(options: AppProcessOptions) {
  const app = await spawnAppProcess({ databaseUrl: databaseUrl(proxy.port), ...options })
  apps.push(app)
  return app
}

function get(url: string): Promise<{ status: number; at: number }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent, timeout: 15_000 }, (response) => {
      response.resume()
      response.on('end', () => resolve({ status: response.statusCode ?? 0, at: performance.now() }))
      response.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error('no answer within 15 s')))
    request.on('error', reject)
  })
}

/** Resolves once a TCP connection to `port` is refused; rejects if it is still accepted. */
function refused(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      reject(new Error(`port ${port} still accepts connections`))
    })
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve() : reject(error),
    )
  })
}

describe('graceful shutdown of the real process', () => {
  it('on SIGTERM, 50 requests in flight all finish with 200, new connections are refused, keep-alive clients do not hold it open, and it exits 0', async () => {
    const app = await startApp({ env: { SHUTDOWN_TIMEOUT_MS: '10000' } })
    await app.waitForStdout(/"message":"listening"/, 20_000)
    const requests = () =>
      Array.from({ length: IN_FLIGHT }, (_, index) =>
        get(`${app.url}/api/posts/${(index % 3) + 1}`),
      )
    // Warm pooled connections, and keep-alive connections that sit idle in the agent meanwhile.
    await Promise.all(requests())

    proxy.setLatency(1_500)
    const inFlight = requests()
    await sleep(IN_FLIGHT_AFTER_MS)
    const signalled = performance.now()
    process.kill(app.pid, 'SIGTERM')

    await eventually(() => refused(app.port), { timeoutMs: 2_000 })
    const answers = await Promise.all(inFlight)
    const exit = await app.exited
    const exitedAt = performance.now()

    expect(answers.map(({ status }) => status)).toEqual(answers.map(() => 200))
    // Each answer came after the signal: they were all in flight when it arrived.
    for (const { at } of answers) expect(at).toBeGreaterThan(signalled)
    expect(exit).toEqual({ code: 0, signal: null })
    const lastAnswer = Math.max(...answers.map(({ at }) => at))
    expect(exitedAt - lastAnswer).toBeLessThan(EXITS_AFTER_LAST_ANSWER_MS)
  })

  it('on SIGINT, a request that would outlive SHUTDOWN_TIMEOUT_MS is cut, and it still exits 0 within that timeout plus a margin', async () => {
    const shutdownTimeoutMs = 1_000
    const marginMs = 2_500
    const app = await startApp({ env: { SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) } })
    await app.waitForStdout(/"message":"listening"/, 20_000)

    proxy.setLatency(8_000)
    const slow = get(`${app.url}/api/posts/1`).then(
      (answer) => answer,
      (error: Error) => error,
    )
    await sleep(IN_FLIGHT_AFTER_MS)
    const signalled = performance.now()
    process.kill(app.pid, 'SIGINT')

    const exit = await app.exited
    const exitedAfterMs = performance.now() - signalled

    expect(await slow).toBeInstanceOf(Error)
    expect(exit).toEqual({ code: 0, signal: null })
    expect(exitedAfterMs).toBeLessThan(shutdownTimeoutMs + marginMs)
    expect(app.stdout()).toMatch(/"cut":1,.*"message":"requests cut at the shutdown timeout"/)
  })

  it('a SIGTERM while it still waits for PostgreSQL ends it at once, with exit code 0', async () => {
    const app = await startApp({ databaseUrl: databaseUrl(await freePort()) })
    await app.waitForStdout(/"message":"database migration failed, retrying"/, 20_000)

    process.kill(app.pid, 'SIGTERM')
    const exit = await app.exited

    expect(exit).toEqual({ code: 0, signal: null })
    expect(app.stdout()).toMatch(/"message":"stopped before it was ready"/)
  })
})
