import { CounterSchema, StatsSchema } from '@repo/contracts/counter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postJson } from '../../test/support/http.js'
import { createTestEnv, type TestEnv } from '../../test/support/in-process.js'
import { CLOSED_REDIS_URL } from '../../test/support/resources.js'

describe('the request counter and the stats', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await createTestEnv()
  })
  afterAll(() => env.close())

  const count = async () =>
    CounterSchema.parse(await (await env.app.request('/api/contador')).json())
  const stats = async () => StatsSchema.parse(await (await env.app.request('/api/stats')).json())

  // A fresh database and key space of its own: the other tests of this file increment the shared one.
  it('GET /api/stats counts 0 requests before the counter is ever incremented', async () => {
    const fresh = await createTestEnv()
    try {
      const body = StatsSchema.parse(await (await fresh.app.request('/api/stats')).json())
      expect(body.total_requisicoes).toBe(0)
      expect(body.total_posts).toBe(3)
    } finally {
      await fresh.close()
    }
  })

  it('GET /api/contador increments by one per call', async () => {
    const first = await count()
    const second = await count()
    expect(second.contador).toBe(first.contador + 1)
  })

  it('200 concurrent GET /api/contador calls get 200 distinct consecutive values', async () => {
    const before = (await stats()).total_requisicoes
    const values = await Promise.all(Array.from({ length: 200 }, () => count()))
    const sorted = values.map((v) => v.contador).sort((a, b) => a - b)
    expect(sorted).toEqual(Array.from({ length: 200 }, (_, i) => before + 1 + i))
  })

  it('GET /api/stats reads the counter without incrementing it and counts new posts', async () => {
    const before = await stats()
    const { contador } = await count()
    await env.app.request('/api/posts', postJson({ titulo: 't', conteudo: 'c' }))
    const first = await stats()
    const second = await stats()
    expect(first.total_requisicoes).toBe(contador)
    expect(second.total_requisicoes).toBe(contador)
    expect(first.total_posts).toBe(before.total_posts + 1)
    expect(Date.now() - Date.parse(first.timestamp)).toBeLessThan(5000)
  })
})

describe('when the cache is down', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await createTestEnv({ redisUrl: CLOSED_REDIS_URL })
  })
  afterAll(() => env.close())

  it('GET /api/contador answers 503 with an error body', async () => {
    const res = await env.app.request('/api/contador')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ erro: 'Cache indisponível' })
  })

  it('GET /api/stats answers 503 with an error body', async () => {
    const res = await env.app.request('/api/stats')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ erro: 'Cache indisponível' })
  })
})
