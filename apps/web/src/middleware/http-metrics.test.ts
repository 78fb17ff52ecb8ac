import { Hono } from 'hono'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../logger.js'
import { HttpMetrics } from '../metrics/http-metrics.js'
import { requestFrame } from './request-frame.js'

function measuredApp() {
  const registry = new Registry()
  const app = new Hono()
  app.use(requestFrame(createLogger('silent'), new HttpMetrics(registry)))
  app.get('/api/posts/:id', (c) => c.json({ id: c.req.param('id') }))
  app.on('PROPFIND', '/api/posts/:id', (c) => c.body(null, 207))
  app.get('/boom', () => {
    throw new Error('boom')
  })
  app.onError((_, c) => c.json({ erro: 'x' }, 500))
  return { app, registry }
}

async function requestCounts(registry: Registry) {
  const metric = await registry.getSingleMetric('http_requests_total')?.get()
  return Object.fromEntries(
    (metric?.values ?? []).map(({ labels, value }) => [
      `${labels.method} ${labels.route} ${labels.status}`,
      value,
    ]),
  )
}

describe('the HTTP metrics', () => {
  it('counts by method, route pattern and status, one series for every id', async () => {
    const { app, registry } = measuredApp()
    await app.request('/api/posts/1')
    await app.request('/api/posts/2')
    await app.request('/api/posts/3', { method: 'HEAD' })
    await app.request('/boom')
    expect(await requestCounts(registry)).toEqual({
      'GET /api/posts/:id 200': 2,
      'HEAD /api/posts/:id 200': 1,
      'GET /boom 500': 1,
    })
  })

  it('puts every path no route matches under "unmatched", and a method outside the standard ones under "_OTHER"', async () => {
    const { app, registry } = measuredApp()
    for (const path of ['/a', '/b/c', '/%00', `/${'x'.repeat(500)}`]) await app.request(path)
    await app.request('/api/posts/1', { method: 'PROPFIND' })
    expect(await requestCounts(registry)).toEqual({
      'GET unmatched 404': 4,
      '_OTHER /api/posts/:id 207': 1,
    })
  })

  it('times each request into the histogram of its series', async () => {
    const { app, registry } = measuredApp()
    await app.request('/api/posts/1')
    const text = await registry.metrics()
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/api/posts/:id",status="200"} 1',
    )
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="10",method="GET",route="\/api\/posts\/:id",status="200"\} 1/,
    )
  })

  it('keeps the counts of two apps apart: each has its own registry', async () => {
    const first = measuredApp()
    const second = measuredApp()
    await first.app.request('/api/posts/1')
    expect(await requestCounts(second.registry)).toEqual({})
    expect(await requestCounts(first.registry)).toEqual({ 'GET /api/posts/:id 200': 1 })
  })
})
