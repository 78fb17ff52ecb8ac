import { startHangingServer } from '@repo/testing/hanging-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEnv, type TestEnv } from '../support/in-process.js'
import { samplesOf, sampleValue } from './prometheus-text.js'

const scrape = async (observed: TestEnv) => {
  const res = await observed.app.request('/metrics')
  expect(res.status).toBe(200)
  return res.text()
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe('GET /metrics of an app with its database and cache up', () => {
  let observed: TestEnv
  beforeAll(async () => {
    observed = await createTestEnv({ env: { LOG_LEVEL: 'debug' } })
  })
  afterAll(() => observed?.close())

  it('answers the Prometheus text format', async () => {
    const res = await observed.app.request('/metrics')
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.headers.get('x-request-id')).not.toBeNull()
    expect(await res.text()).toMatch(/^# HELP /m)
  })

  it('counts requests by method, route pattern and status, whatever the id asked for', async () => {
    for (const id of [1, 2, 3]) await observed.app.request(`/api/posts/${id}`)
    await observed.app.request('/api/posts/999999')
    await observed.app.request('/api/posts/abc')
    const text = await scrape(observed)
    const route = '/api/posts/:id'
    expect(sampleValue(text, 'http_requests_total', { method: 'GET', route, status: '200' })).toBe(
      3,
    )
    expect(sampleValue(text, 'http_requests_total', { method: 'GET', route, status: '404' })).toBe(
      1,
    )
    expect(sampleValue(text, 'http_requests_total', { method: 'GET', route, status: '400' })).toBe(
      1,
    )
    expect(
      sampleValue(text, 'http_request_duration_seconds_count', {
        method: 'GET',
        route,
        status: '200',
      }),
    ).toBe(3)
    expect(text).not.toMatch(/route="\/api\/posts\/(1|999999|abc)"/)
  })

  it('puts every unmatched path and every unknown method under one label each: no label value comes from the request', async () => {
    const junk = ['/wp-login.php', '/api/posts/1/comments', '/%2e%2e/etc', `/${'z'.repeat(300)}`]
    for (const path of junk) await observed.app.request(path)
    await observed.app.request('/api/posts/1', { method: 'DELETE' })
    await observed.app.request('/api/posts/1', { method: 'PURGE' })
    const text = await scrape(observed)
    expect(
      sampleValue(text, 'http_requests_total', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(junk.length)
    expect(
      sampleValue(text, 'http_requests_total', {
        method: 'DELETE',
        route: 'unmatched',
        status: '405',
      }),
    ).toBe(1)
    expect(
      sampleValue(text, 'http_requests_total', {
        method: '_OTHER',
        route: 'unmatched',
        status: '405',
      }),
    ).toBe(1)
    expect(text).not.toMatch(/wp-login|comments|etc|zzz|PURGE/)
    const routes = new Set(samplesOf(text, 'http_requests_total').map((s) => s.labels.route))
    for (const route of routes) expect(route).toMatch(/^(unmatched|\/[a-z/:.]*)$/)
  })

  it('counts the hits and misses of posts_cache, and a create empties it', async () => {
    const before = await scrape(observed)
    const hits = sampleValue(before, 'posts_cache_hits_total') ?? 0
    const misses = sampleValue(before, 'posts_cache_misses_total') ?? 0
    await observed.app.request('/api/posts', json({ titulo: 't', conteudo: 'c' }))
    await observed.app.request('/api/posts/cache')
    await observed.app.request('/api/posts/cache')
    await observed.app.request('/api/posts/cache')
    const after = await scrape(observed)
    expect(sampleValue(after, 'posts_cache_misses_total')).toBe(misses + 1)
    expect(sampleValue(after, 'posts_cache_hits_total')).toBe(hits + 2)
    expect(sampleValue(after, 'posts_cache_errors_total')).toBe(0)
  })

  it('reports Redis connected and no database query in flight while idle', async () => {
    const text = await scrape(observed)
    expect(sampleValue(text, 'redis_connected')).toBe(1)
    expect(sampleValue(text, 'db_queries_in_flight')).toBe(0)
    expect(sampleValue(text, 'db_queries_waiting')).toBe(0)
  })
})

describe('GET /metrics while Redis is down', () => {
  let observed: TestEnv
  beforeAll(async () => {
    observed = await createTestEnv({ redisUrl: 'redis://127.0.0.1:1', env: { LOG_LEVEL: 'debug' } })
  })
  afterAll(() => observed?.close())

  it('reports Redis disconnected and counts the cache errors the reads worked around', async () => {
    await observed.app.request('/api/posts/cache')
    await observed.app.request('/api/posts/cache')
    await observed.app.request('/api/posts', json({ titulo: 't', conteudo: 'c' }))
    const text = await scrape(observed)
    expect(sampleValue(text, 'redis_connected')).toBe(0)
    expect(sampleValue(text, 'posts_cache_misses_total')).toBe(2)
    expect(sampleValue(text, 'posts_cache_hits_total')).toBe(0)
    // Each read fails to read, and the create fails to invalidate.
    expect(sampleValue(text, 'posts_cache_errors_total')).toBe(3)
  })
})

describe('database queries in flight', () => {
  it('counts the queries a frozen database holds, and those beyond the pool of 10 as waiting', async () => {
    const hanging = await startHangingServer()
    const observed = await createTestEnv({
      databaseUrl: `postgres://postgres@127.0.0.1:${hanging.port}/postgres`,
      env: { REQUEST_TIMEOUT_MS: '100', LOG_LEVEL: 'debug' },
    })
    try {
      // Each GET /api/posts runs one query (the page and the count together): 12 requests, 12 queries.
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => observed.app.request('/api/posts')),
      )
      expect(answers.map((res) => res.status)).toEqual(Array(12).fill(503))
      const text = await scrape(observed)
      expect(sampleValue(text, 'db_queries_in_flight')).toBe(12)
      expect(sampleValue(text, 'db_queries_waiting')).toBe(2)
    } finally {
      await observed.close()
      await hanging.close()
    }
    expect(sampleValue(await scrape(observed), 'db_queries_in_flight')).toBe(0)
  })
})
