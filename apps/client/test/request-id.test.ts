import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { freePort } from '@repo/testing/ports'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type AppProcess, startAppProcess } from 'web/testing'
import { type Check, CheckFailure } from '../src/check.js'
import { createHttpClient } from '../src/http.js'
import { formatCheckLine } from '../src/report.js'
import { runRound } from '../src/round.js'
import { runClient } from './support/client-process.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('request ids of a round', () => {
  const received: { path: string; headers: IncomingHttpHeaders }[] = []
  let url: string
  let close: () => Promise<void>
  beforeAll(async () => {
    const server = createServer((request, response) => {
      received.push({ path: request.url ?? '', headers: request.headers })
      const status = request.url === '/fails' ? 503 : 200
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    close = () => new Promise((resolve) => server.close(() => resolve()))
  })
  afterAll(() => close?.())

  const asking = (name: string, paths: string[]): Check => ({
    name,
    async run({ http }) {
      for (const path of paths) {
        const response = await http.request('GET', path)
        if (response.status !== 200) throw new CheckFailure(`HTTP ${response.status}`)
      }
      return undefined
    },
  })

  test('each check sends one new X-Request-Id on all its requests, and a failed check reports it', async () => {
    received.length = 0
    const signal = new AbortController().signal
    const report = await runRound({
      checks: [
        asking('two requests', ['/a', '/b']),
        asking('one request', ['/c']),
        asking('failing', ['/fails']),
        { name: 'not run', run: () => Promise.reject(new CheckFailure('not run')) },
      ],
      context: { http: createHttpClient({ apiUrl: url, timeoutMs: 2000, signal }), state: {} },
      signal,
    })
    const idOf = (path: string) =>
      received.find((request) => request.path === path)?.headers['x-request-id']
    expect(idOf('/a')).toMatch(UUID)
    expect(idOf('/b')).toBe(idOf('/a'))
    expect(idOf('/c')).toMatch(UUID)
    expect(idOf('/c')).not.toBe(idOf('/a'))
    const [first, , failing, notRun] = report.results
    if (!first || !failing || !notRun) throw new Error(`${report.results.length} results`)
    expect(first.requestId).toBeUndefined()
    expect(failing).toMatchObject({ ok: false, requestId: idOf('/fails') })
    expect(notRun.requestId).toBeUndefined()
    expect(formatCheckLine(failing)).toMatch(
      new RegExp(`^failing\\s+FAIL\\s+\\d+ ms {2}HTTP 503 {2}request id ${idOf('/fails')}$`),
    )
    expect(formatCheckLine(notRun)).not.toMatch(/request id/)
  })
})

describe('against a web app whose Redis is a closed port', () => {
  let web: AppProcess
  beforeAll(async () => {
    web = await startAppProcess({
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      env: { LOG_LEVEL: 'info' },
    })
  }, 60_000)
  afterAll(() => web?.cleanup())

  test("the request id a failed check prints finds the web app's log line of that request", async () => {
    const run = await runClient(['--once'], { API_URL: web.url })
    const counterLine = run.stdout.split('\n').find((line) => line.startsWith('counter  '))
    const requestId = /request id (\S+)$/.exec(counterLine ?? '')?.[1]
    expect(requestId, run.stdout).toMatch(UUID)
    const logged = web
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.requestId === requestId)
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'request',
        route: '/api/contador',
        status: 503,
        errorKind: 'cache unavailable',
      }),
    ])
  })
})
