import { type HangingServer, startHangingServer } from '@repo/testing/hanging-server'
import { rawHttp } from '@repo/testing/raw-http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectJsonError } from '../support/expect-json-error.js'
import { postJson } from '../support/http.js'
import { createTestEnv, type TestEnv } from '../support/in-process.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

/** Far below the database's own limits (5 s to connect, 5 s per statement), so only the app's can fire. */
const REQUEST_TIMEOUT_MS = '300'
const TIMED_OUT = { erro: 'Tempo limite da requisição esgotado' }

describe('with a database that accepts connections and never answers', () => {
  let silent: HangingServer
  let env: TestEnv
  beforeAll(async () => {
    silent = await startHangingServer()
    const { port } = silent
    env = await createTestEnv({
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      env: { REQUEST_TIMEOUT_MS },
    })
  })
  afterAll(async () => {
    await env?.close()
    await silent.close()
  })

  it.each([
    ['GET', '/api/posts'],
    ['GET', '/api/posts/1'],
    ['GET', '/api/posts/cache'],
    ['GET', '/api/stats'],
  ])(
    '%s %s answers 503 with the timeout error body once REQUEST_TIMEOUT_MS passes',
    async (method, path) => {
      const res = await env.app.request(path, { method })
      expect(await expectJsonError(res, 503)).toEqual(TIMED_OUT)
    },
  )

  it('POST /api/posts answers 503 with the timeout error body', async () => {
    const res = await env.app.request('/api/posts', postJson({ titulo: 't', conteudo: 'c' }))
    expect(await expectJsonError(res, 503)).toEqual(TIMED_OUT)
  })
})

describe('a client that stops sending its body half way', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ env: { REQUEST_TIMEOUT_MS } })
  })
  afterAll(() => server?.stop())

  it('gets 503 with the timeout error body instead of holding the request open', async () => {
    const head = 'POST /api/posts HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n'
    const [response] = await rawHttp(
      server.port,
      `${head}Content-Length: 100\r\n\r\n{"titulo": "t", `,
    )
    expect(await expectJsonError(response, 503)).toEqual(TIMED_OUT)
  })
})
