import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createHttpClient } from './http.js'

const seen: Array<{ method?: string; headers: IncomingHttpHeaders }> = []
const server = createServer((request, response) => {
  seen.push({ method: request.method, headers: request.headers })
  request.resume()
  response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
})
let apiUrl: string

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('the HTTP client', () => {
  test('with a write token, sends it as a bearer token on POST only', async () => {
    seen.length = 0
    const signal = new AbortController().signal
    const http = createHttpClient({ apiUrl, timeoutMs: 2000, writeToken: 'segredo', signal })
    await http.request('POST', '/api/posts', { titulo: 't' })
    await http.request('GET', '/api/posts')
    expect(seen.map(({ method, headers }) => [method, headers.authorization])).toEqual([
      ['POST', 'Bearer segredo'],
      ['GET', undefined],
    ])
  })

  test('without one, sends no Authorization header', async () => {
    seen.length = 0
    const signal = new AbortController().signal
    await createHttpClient({ apiUrl, timeoutMs: 2000, signal }).request('POST', '/api/posts', {})
    expect(seen[0]?.headers.authorization).toBeUndefined()
  })
})
