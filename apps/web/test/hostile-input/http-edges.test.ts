import { StatsSchema } from '@repo/contracts/counter'
import { rawHttp } from '@repo/testing/raw-http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECURITY_HEADERS } from '../../src/middleware/security-headers.js'
import { MAX_BODY_BYTES } from '../../src/request-guards.js'
import { expectJsonError } from '../support/expect-json-error.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server?.stop())

/** One HTTP/1.1 request as bytes: request line and headers, then the body as given. */
const request = (head: string[], body: string | Buffer = '') =>
  Buffer.concat([Buffer.from(`${[...head, 'Host: test'].join('\r\n')}\r\n\r\n`), Buffer.from(body)])

const requestCount = async () =>
  StatsSchema.parse(await (await fetch(`${server.url}/api/stats`)).json()).total_requisicoes

describe('a body sent with a GET', () => {
  it('is read and thrown away, never taken for a request of its own', async () => {
    const before = await requestCount()
    const smuggled = 'GET /api/contador HTTP/1.1\r\nHost: test\r\n\r\n'
    const responses = await rawHttp(
      server.port,
      Buffer.concat([
        request(['GET /api/contador HTTP/1.1', `Content-Length: ${smuggled.length}`], smuggled),
        request(['GET /health HTTP/1.1', 'Connection: close']),
      ]),
      { count: 3 },
    )
    expect(responses.map((response) => response.status)).toEqual([200, 200])
    expect(await requestCount()).toBe(before + 1)
  })

  it('of 1 MiB gets the normal answer, and the connection serves the next request', async () => {
    const responses = await rawHttp(
      server.port,
      Buffer.concat([
        request(
          ['GET /api/posts?limit=1 HTTP/1.1', 'Content-Length: 1048576'],
          'x'.repeat(2 ** 20),
        ),
        request(['GET /health HTTP/1.1', 'Connection: close']),
      ]),
      { count: 2 },
    )
    expect(responses.map((response) => response.status)).toEqual([200, 200])
  })
})

describe('the 64 KiB body limit of POST /api/posts', () => {
  it('answers 413 as soon as Content-Length announces more, without waiting for the body', async () => {
    const [response] = await rawHttp(
      server.port,
      request([
        'POST /api/posts HTTP/1.1',
        'Content-Type: application/json',
        'Content-Length: 10000000',
      ]),
    )
    await expectJsonError(response, 413)
  })

  it('answers 413 to a chunked body that grows past 64 KiB', async () => {
    const chunk = 'x'.repeat(16 * 1024)
    const chunks = Array.from({ length: MAX_BODY_BYTES / chunk.length + 1 }, () => chunk)
    const chunked = `${chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('')}0\r\n\r\n`
    const [response] = await rawHttp(
      server.port,
      request(
        [
          'POST /api/posts HTTP/1.1',
          'Content-Type: application/json',
          'Transfer-Encoding: chunked',
          'Connection: close',
        ],
        chunked,
      ),
    )
    await expectJsonError(response, 413)
  })

  it('creates the post from a small chunked body', async () => {
    const json = JSON.stringify({ titulo: 'em pedaços', conteudo: 'c' })
    const [response] = await rawHttp(
      server.port,
      request(
        [
          'POST /api/posts HTTP/1.1',
          'Content-Type: application/json',
          'Transfer-Encoding: chunked',
          'Connection: close',
        ],
        `${Buffer.byteLength(json).toString(16)}\r\n${json}\r\n0\r\n\r\n`,
      ),
    )
    expect(response?.status).toBe(201)
  })
})

describe('requests that Node cannot parse', () => {
  it.each([
    ['a raw non-ASCII byte in the path', request(['GET /api/posts/é HTTP/1.1'])],
    [
      'both Content-Length and Transfer-Encoding (request smuggling)',
      request(['POST /api/posts HTTP/1.1', 'Content-Length: 5', 'Transfer-Encoding: chunked']),
    ],
    ['a header without a colon', request(['GET /health HTTP/1.1', 'no colon here'])],
    ['not HTTP at all', Buffer.from('\u0000\u0001\u0002 hello\r\n\r\n')],
  ])('answer 400 with the JSON error body for %s', async (_, bytes) => {
    const [response] = await rawHttp(server.port, bytes)
    expect((await expectJsonError(response, 400)).erro).toBe('Requisição HTTP malformada')
  })

  it('answer 431 with the JSON error body for headers over 16 KiB', async () => {
    const [response] = await rawHttp(
      server.port,
      request(['GET /health HTTP/1.1', `X-Big: ${'x'.repeat(20 * 1024)}`]),
    )
    await expectJsonError(response, 431)
  })
})

describe('URL-encoded junk in the path, over a real socket', () => {
  it.each([
    '/api/posts/%ZZ',
    '/api/posts/%00',
    '/api/posts/%C0%AE%C0%AE',
    '/api/posts/..%2F..%2Fetc%2Fpasswd',
    '/api/posts/1%20OR%201=1',
    '/api/posts?limit=%',
    '//api//posts',
    `/api/posts/${'9'.repeat(8000)}`,
  ])('%s gets a 4xx with the JSON error body', async (path) => {
    const [response] = await rawHttp(
      server.port,
      request([`GET ${path} HTTP/1.1`, 'Connection: close']),
    )
    expect(response?.status).toBeGreaterThanOrEqual(400)
    await expectJsonError(response, response?.status ?? 0)
  })
})

describe('the headers of every answer', () => {
  it.each([
    ['200', request(['GET /health HTTP/1.1', 'Connection: close'])],
    ['200 page', request(['GET / HTTP/1.1', 'Connection: close'])],
    ['404', request(['GET /nada HTTP/1.1', 'Connection: close'])],
    ['405', request(['DELETE /api/posts HTTP/1.1', 'Connection: close'])],
    ['415', request(['POST /api/posts HTTP/1.1', 'Content-Length: 2', 'Connection: close'], '{}')],
  ])(
    'a %s carries the security headers, each once, and names neither the server nor the framework',
    async (_, bytes) => {
      const [response] = await rawHttp(server.port, bytes)
      expect(response?.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'cross-origin-resource-policy': 'same-origin',
        'strict-transport-security': expect.stringMatching(/^max-age=/),
        'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      })
      for (const [name, value] of SECURITY_HEADERS) {
        expect(response?.headers[name.toLowerCase()]).toBe(value)
      }
      expect(response?.headers).not.toHaveProperty('x-powered-by')
      expect(response?.headers).not.toHaveProperty('server')
      const names = response?.headerNames ?? []
      expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([])
    },
  )

  it('the dashboard page keeps its Content-Security-Policy beside them', async () => {
    const [response] = await rawHttp(server.port, request(['GET / HTTP/1.1', 'Connection: close']))
    expect(response?.status).toBe(200)
    expect(response?.headers['content-security-policy']).toContain("script-src 'self'")
  })
})
