import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { startHangingServer } from '@repo/testing/hanging-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEnv, type TestEnv } from '../support/in-process.js'
import type { LogLine } from '../support/logs.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'
import { CLOSED_POSTGRES_URL, CLOSED_REDIS_URL } from '../support/resources.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

const linesOf = (logs: LogLine[], requestId: string | null) =>
  logs.filter((line) => line.requestId === requestId)

describe('the app with its database and cache up', () => {
  let observed: TestEnv
  beforeAll(async () => {
    observed = await createTestEnv({ env: { LOG_LEVEL: 'debug' } })
  })
  afterAll(() => observed?.close())

  it('keeps a sane X-Request-Id and logs the request under it, by route pattern', async () => {
    const res = await observed.app.request('/api/posts/1', {
      headers: { 'X-Request-Id': 'check-get-post.1' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('check-get-post.1')
    expect(linesOf(observed.logs, 'check-get-post.1')).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'request',
        method: 'GET',
        route: '/api/posts/:id',
        status: 200,
      }),
    ])
  })

  it('replaces a bad X-Request-Id with a new one, and neither answers nor logs the bad one', async () => {
    const bad = '<script>"injected"\\n{"level":"fatal"}'
    const res = await observed.app.request('/api/posts', { headers: { 'X-Request-Id': bad } })
    const id = res.headers.get('x-request-id')
    expect(id).toMatch(UUID)
    expect(await res.text()).not.toContain('injected')
    expect(JSON.stringify(observed.logs)).not.toContain('injected')
    expect(linesOf(observed.logs, id)).toHaveLength(1)
  })

  it('makes one when the request has none', async () => {
    const res = await observed.app.request('/api/stats')
    expect(res.headers.get('x-request-id')).toMatch(UUID)
  })

  it.each([
    ['404, no such route', '/nada', undefined, 404],
    ['404, no such post', '/api/posts/2147483647', undefined, 404],
    ['405', '/api/posts/1', { method: 'DELETE' }, 405],
    ['400, bad id', '/api/posts/abc', undefined, 400],
    ['400, bad JSON', '/api/posts', json('{"titulo":'), 400],
    ['413', '/api/posts', json({ titulo: 't', conteudo: 'x'.repeat(70_000) }), 413],
    ['415', '/api/posts', { method: 'POST', body: 'x' }, 415],
  ] satisfies [string, string, RequestInit | undefined, number][])(
    'answers the id on a %s, and logs it',
    async (_, path, init, status) => {
      const headers = new Headers(init?.headers)
      headers.set('X-Request-Id', `err-${status}`)
      const res = await observed.app.request(path, { ...init, headers })
      expect(res.status).toBe(status)
      expect(res.headers.get('x-request-id')).toBe(`err-${status}`)
      expect(linesOf(observed.logs, `err-${status}`).at(-1)).toMatchObject({ status })
    },
  )
})

describe('the app meeting database and cache errors', () => {
  let down: TestEnv
  let unmigrated: TestEnv
  beforeAll(async () => {
    ;[down, unmigrated] = await Promise.all([
      createTestEnv({
        databaseUrl: CLOSED_POSTGRES_URL,
        redisUrl: CLOSED_REDIS_URL,
        env: { LOG_LEVEL: 'debug' },
      }),
      createTestEnv({ migrate: false, env: { LOG_LEVEL: 'debug' } }),
    ])
  })
  afterAll(() => Promise.all([down?.close(), unmigrated?.close()]))

  it('a 503 from the database carries the id, on the database error line and on the request line at error', async () => {
    const res = await down.app.request('/api/posts', { headers: { 'X-Request-Id': 'db-down-1' } })
    expect(res.status).toBe(503)
    expect(res.headers.get('x-request-id')).toBe('db-down-1')
    expect(linesOf(down.logs, 'db-down-1')).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'database unavailable',
        code: 'ECONNREFUSED',
      }),
      expect.objectContaining({
        level: 'error',
        message: 'request',
        route: '/api/posts',
        status: 503,
        errorKind: 'database unavailable',
      }),
    ])
  })

  it('the cache errors a read works around carry its id too', async () => {
    const res = await down.app.request('/api/posts/cache', {
      headers: { 'X-Request-Id': 'cache-down-1' },
    })
    expect(res.status).toBe(503)
    const lines = linesOf(down.logs, 'cache-down-1')
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'debug', message: 'posts cache bypassed' }),
    )
    expect(lines.at(-1)).toMatchObject({ level: 'error', errorKind: 'database unavailable' })
  })

  it('a 503 from the cache (the counter) is logged at error as the cache being unavailable', async () => {
    const res = await down.app.request('/api/contador', { headers: { 'X-Request-Id': 'ctr-1' } })
    expect(res.status).toBe(503)
    expect(linesOf(down.logs, 'ctr-1')).toEqual([
      expect.objectContaining({ level: 'error', status: 503, errorKind: 'cache unavailable' }),
    ])
  })

  it('a 500 carries the id, on the unexpected error line and on the request line', async () => {
    const res = await unmigrated.app.request('/api/posts/1', {
      headers: { 'X-Request-Id': 'bug-1' },
    })
    expect(res.status).toBe(500)
    expect(res.headers.get('x-request-id')).toBe('bug-1')
    expect(linesOf(unmigrated.logs, 'bug-1')).toEqual([
      expect.objectContaining({ level: 'error', message: 'unexpected error', code: '42P01' }),
      expect.objectContaining({ level: 'error', status: 500, errorKind: 'unexpected' }),
    ])
  })
})

describe('a request that times out', () => {
  it('answers 503 with its id, logged as a timeout', async () => {
    const hanging = await startHangingServer()
    const observed = await createTestEnv({
      databaseUrl: `postgres://postgres@127.0.0.1:${hanging.port}/postgres`,
      env: { REQUEST_TIMEOUT_MS: '200', LOG_LEVEL: 'debug' },
    })
    try {
      const res = await observed.app.request('/api/posts', {
        headers: { 'X-Request-Id': 'slow-1' },
      })
      expect(res.status).toBe(503)
      expect(res.headers.get('x-request-id')).toBe('slow-1')
      expect(linesOf(observed.logs, 'slow-1')).toContainEqual(
        expect.objectContaining({ level: 'error', status: 503, errorKind: 'timeout' }),
      )
    } finally {
      await observed.close()
      await hanging.close()
    }
  })
})

describe('the real server', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ env: { LOG_LEVEL: 'debug' } })
  })
  afterAll(() => server?.stop())

  it('answers the id over a real socket', async () => {
    const res = await fetch(`${server.url}/health`, { headers: { 'X-Request-Id': 'probe-7' } })
    expect(res.headers.get('x-request-id')).toBe('probe-7')
    expect(linesOf(server.logs, 'probe-7')).toEqual([
      expect.objectContaining({ level: 'debug', route: '/health' }),
    ])
  })

  it('a request Node cannot parse still gets a JSON 400 with a new id, not the one it sent', async () => {
    const { port } = new URL(server.url)
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1')
      let received = ''
      socket.setEncoding('latin1')
      socket.on('data', (chunk) => {
        received += chunk
      })
      socket.on('end', () => resolve(received))
      socket.on('error', reject)
      socket.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: mine\r\nbroken header\r\n\r\n')
    })
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    const id = /\r\nX-Request-Id: ([^\r]+)\r\n/i.exec(answer)?.[1]
    expect(id).toMatch(UUID)
  })

  it('answers a request with a header Node splits into two ids with a new one', async () => {
    const { port } = new URL(server.url)
    const id = await new Promise<string | undefined>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/health', headers: { 'X-Request-Id': ['a', 'b'] } },
        (res) => {
          res.resume()
          resolve(res.headers['x-request-id'] as string | undefined)
        },
      )
      req.on('error', reject)
      req.end()
    })
    expect(id).toMatch(UUID)
  })
})
