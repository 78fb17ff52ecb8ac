import { StatusSchema } from '@repo/contracts/status'
import { type HangingServer, startHangingServer } from '@repo/testing/hanging-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEnv, type TestEnv } from '../../test/support/in-process.js'
import { CLOSED_POSTGRES_URL, CLOSED_REDIS_URL } from '../../test/support/resources.js'

describe('with the database and the cache up', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await createTestEnv()
  })
  afterAll(() => env.close())

  it('GET /health answers healthy', async () => {
    const res = await env.app.request('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'healthy' })
  })

  it('GET /status reports both dependencies connected with a timestamp', async () => {
    const res = await env.app.request('/status')
    expect(res.status).toBe(200)
    const body = StatusSchema.parse(await res.json())
    expect(body).toMatchObject({ banco_dados: 'conectado', cache: 'conectado', status: 'ok' })
    expect(Date.now() - Date.parse(body.timestamp)).toBeLessThan(5000)
  })
})

describe('when the cache is down', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await createTestEnv({ redisUrl: CLOSED_REDIS_URL })
  })
  afterAll(() => env.close())

  it('GET /status answers 503 with the cache disconnected and the status degraded', async () => {
    const res = await env.app.request('/status')
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({
      banco_dados: 'conectado',
      cache: 'desconectado',
      status: 'degradado',
    })
  })

  it('GET /health still answers 200', async () => {
    expect((await env.app.request('/health')).status).toBe(200)
  })
})

describe('when the database is down', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await createTestEnv({ databaseUrl: CLOSED_POSTGRES_URL })
  })
  afterAll(() => env.close())

  it('GET /status answers 503 with the database disconnected', async () => {
    const res = await env.app.request('/status')
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({
      banco_dados: 'desconectado',
      cache: 'conectado',
      status: 'degradado',
    })
  })

  it('GET /health still answers 200', async () => {
    expect((await env.app.request('/health')).status).toBe(200)
  })
})

describe('when both dependencies accept connections but never answer', () => {
  let silent: HangingServer
  let env: TestEnv
  beforeAll(async () => {
    silent = await startHangingServer()
    const { port } = silent
    env = await createTestEnv({
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      redisUrl: `redis://127.0.0.1:${port}`,
    })
  })
  afterAll(async () => {
    await env.close()
    await silent.close()
  })

  it('GET /status still answers 503 within 2 seconds', async () => {
    const started = Date.now()
    const res = await env.app.request('/status')
    expect(Date.now() - started).toBeLessThan(2000)
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({
      banco_dados: 'desconectado',
      cache: 'desconectado',
      status: 'degradado',
    })
  })
})
