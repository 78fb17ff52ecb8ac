import { eventually } from '@repo/testing/eventually'
import { type HangingServer, startHangingServer } from '@repo/testing/hanging-server'
import { freePort } from '@repo/testing/ports'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { type AppProcess, startAppProcess } from 'web/testing'
import { ROUND_CHECKS } from '../src/checks/index.js'
import { runClient, startClient } from './support/client-process.js'

const CHECK_NAMES = ROUND_CHECKS.map((check) => check.name)
const START_WEB_TIMEOUT_MS = 120_000
/** The web app's own log would only clutter a failure message: its warnings are enough. */
const WEB_ENV = { LOG_LEVEL: 'warn' }

function lineOf(stdout: string, checkName: string): string | undefined {
  return stdout.split('\n').find((line) => line.startsWith(`${checkName}  `))
}

describe('against the real web app', () => {
  let web: AppProcess
  beforeAll(async () => {
    web = await startAppProcess({ env: WEB_ENV })
  }, START_WEB_TIMEOUT_MS)
  afterAll(() => web?.cleanup())

  test('--once prints every check as ok and exits 0', async () => {
    const run = await runClient(['--once'], { API_URL: web.url })

    expect(run.code, run.output).toBe(0)
    for (const name of CHECK_NAMES) {
      expect(lineOf(run.stdout, name), run.stdout).toMatch(/^\S.*?\s+ok\s+\d+ ms/)
    }
    expect(run.stdout).toMatch(/round ok: 9\/9 checks passed in \d+ ms/)
  })

  test('without --once, runs a round every INTERVAL_SECONDS until SIGTERM, then exits 0', async () => {
    const client = startClient([], { API_URL: web.url, INTERVAL_SECONDS: '0.2' })
    await client.waitForStdout(/round ok[\s\S]*round ok/, 30_000)

    const exit = await client.stop('SIGTERM')

    expect(exit, client.output()).toEqual({ code: 0, signal: null })
    expect(client.stdout()).toMatch(/\nstopped\n$/)
  }, 45_000)
})

describe('against a web app whose Redis is a closed port', () => {
  let web: AppProcess
  beforeAll(async () => {
    web = await startAppProcess({
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      env: WEB_ENV,
    })
  }, START_WEB_TIMEOUT_MS)
  afterAll(() => web?.cleanup())

  // The web app answers /api/stats with 503 too when Redis is down: it cannot read the counter.
  test('--once fails the checks that need Redis (counter, stats), passes the rest and exits 1', async () => {
    const run = await runClient(['--once'], { API_URL: web.url })

    expect(run.code, run.output).toBe(1)
    for (const name of ['counter', 'stats']) {
      expect(lineOf(run.stdout, name)).toMatch(/\bFAIL\s+\d+ ms {2}HTTP 503 \(expected 200\): \S/)
    }
    for (const name of CHECK_NAMES.filter((name) => name !== 'counter' && name !== 'stats')) {
      expect(lineOf(run.stdout, name), run.stdout).toMatch(/\sok\s/)
    }
    expect(lineOf(run.stdout, 'status')).toMatch(/\(degradado: cache desconectado\)$/)
    expect(run.stdout).toMatch(/round FAIL: 7\/9 checks passed .*; failed: counter, stats$/m)
  })
})

describe('against a closed port', () => {
  test('--once fails every check, names them and exits 1', async () => {
    const port = await freePort()

    const run = await runClient(['--once'], { API_URL: `http://127.0.0.1:${port}` })

    expect(run.code, run.output).toBe(1)
    expect(lineOf(run.stdout, 'health')).toMatch(/FAIL.*network error: .*ECONNREFUSED/)
    expect(lineOf(run.stdout, 'get post')).toMatch(/FAIL.*not run/)
    expect(run.stdout).toContain(`; failed: ${CHECK_NAMES.join(', ')}`)
  })
})

describe('against a server that accepts connections but never answers', () => {
  let silent: HangingServer
  let url: string
  beforeEach(async () => {
    silent = await startHangingServer()
    url = `http://127.0.0.1:${silent.port}`
  })
  afterEach(() => silent?.close())

  test('--once fails the checks with a timeout after REQUEST_TIMEOUT_MS and exits 1', async () => {
    const run = await runClient(['--once'], { API_URL: url, REQUEST_TIMEOUT_MS: '150' })

    expect(run.code, run.output).toBe(1)
    expect(lineOf(run.stdout, 'health')).toMatch(
      /FAIL\s+\d+ ms {2}timeout after 150 ms {2}request id /,
    )
  })

  test('SIGTERM during a round aborts the hanging request at once and exits 0', async () => {
    const client = startClient([], { API_URL: url, REQUEST_TIMEOUT_MS: '60000' })
    await client.waitForStdout(/^checking /m)
    await eventually(() =>
      expect(silent.openConnections, 'the client connected').toBeGreaterThan(0),
    )

    const signalledAt = performance.now()
    const exit = await client.stop('SIGTERM')

    // Far sooner than the 60 s REQUEST_TIMEOUT_MS would let the request end.
    expect(performance.now() - signalledAt).toBeLessThan(5_000)
    expect(exit, client.output()).toEqual({ code: 0, signal: null })
    expect(client.stdout()).toMatch(/round interrupted after 0 checks/)
  })
})

describe('with --wait, against an API that starts a moment after the client', () => {
  test(
    'waits for /health, then its first round passes its health check',
    async () => {
      const port = await freePort()
      const client = startClient(['--wait'], {
        API_URL: `http://127.0.0.1:${port}`,
        INTERVAL_SECONDS: '30',
      })
      let web: AppProcess | undefined
      try {
        await client.waitForStdout(/^waiting for http:\/\/127\.0\.0\.1:\d+\/health$/m)
        web = await startAppProcess({ port, env: WEB_ENV })
        await client.waitForStdout(/round (ok|FAIL)/, START_WEB_TIMEOUT_MS)
        expect(lineOf(client.stdout(), 'health'), client.stdout()).toMatch(/\s+ok\s+/)
      } finally {
        await client.stop('SIGTERM')
        await web?.cleanup()
      }
    },
    START_WEB_TIMEOUT_MS,
  )
})
