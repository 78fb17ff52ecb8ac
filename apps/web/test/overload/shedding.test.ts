import { type HangingServer, startHangingServer } from '@repo/testing/hanging-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectJsonError } from '../support/expect-json-error.js'
import { createTestEnv, type TestEnv } from '../support/in-process.js'

describe('the app with every place taken by requests waiting on a database that never answers', () => {
  let silent: HangingServer
  let env: TestEnv
  beforeAll(async () => {
    silent = await startHangingServer()
    env = await createTestEnv({
      databaseUrl: `postgres://postgres@127.0.0.1:${silent.port}/postgres`,
      env: {
        MAX_REQUESTS_IN_FLIGHT: '2',
        MAX_REQUESTS_QUEUED: '0',
        DB_STATEMENT_TIMEOUT_MS: '500',
      },
    })
  })
  afterAll(async () => {
    await env?.close()
    await silent?.close()
  })

  it('turns the next request away at once with the contract 503, Retry-After, a request id and the security headers; the probes still answer', async () => {
    const holding = [env.app.request('/api/posts'), env.app.request('/api/posts/1')]
    await new Promise((resolve) => setTimeout(resolve, 50))

    const started = performance.now()
    const turnedAway = await env.app.request('/api/contador')
    expect(performance.now() - started).toBeLessThan(200)
    expect((await expectJsonError(turnedAway, 503)).erro).toMatch(/sobrecarregado/)
    expect(turnedAway.headers.get('retry-after')).toBe('1')
    expect(turnedAway.headers.get('x-request-id')).toBeTruthy()
    expect(turnedAway.headers.get('x-content-type-options')).toBe('nosniff')

    expect((await env.app.request('/health')).status).toBe(200)
    const status = await env.app.request('/status')
    expect(await status.json()).toMatchObject({ banco_dados: 'desconectado', cache: 'conectado' })
    expect(await (await env.app.request('/metrics')).text()).toMatch(
      /^http_requests_shed_total 1$/m,
    )

    // The query deadline (DB_STATEMENT_TIMEOUT_MS + 500 ms) frees the places.
    expect((await Promise.all(holding)).map((res) => res.status)).toEqual([503, 503])
    expect((await env.app.request('/api/contador')).status).toBe(200)
  })
})
