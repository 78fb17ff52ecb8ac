import { Hono } from 'hono'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../app-env.js'
import { createLogger } from '../logger.js'
import { HttpMetrics } from '../metrics/http-metrics.js'
import { requestFrame } from './request-frame.js'

function loggedApp() {
  const lines: string[] = []
  const app = new Hono<AppEnv>()
  const logger = createLogger('debug', (line) => lines.push(line))
  app.use(requestFrame(logger, new HttpMetrics(new Registry())))
  app.get('/health', (c) => c.json({ status: 'healthy' }))
  app.get('/metrics', (c) => c.text(''))
  app.get('/api/posts/:id', (c) => c.json({ id: c.req.param('id') }))
  app.get('/api/contador', (c) => {
    c.set('errorKind', 'cache unavailable')
    return c.json({ erro: 'Cache indisponível' }, 503)
  })
  app.get('/api/posts', (c) => {
    c.set('errorKind', 'overloaded')
    return c.json({ erro: 'Servidor sobrecarregado, tente novamente em instantes' }, 503)
  })
  app.get('/boom', () => {
    throw new Error('boom')
  })
  app.onError((_, c) => c.json({ erro: 'Erro interno do servidor' }, 500))
  const requestLines = () =>
    lines.map((line) => JSON.parse(line)).filter((line) => line.message === 'request')
  return { app, requestLines }
}

describe('the request log', () => {
  it('writes one info line per request with the method, the route pattern, the status, the time and the id', async () => {
    const { app, requestLines } = loggedApp()
    const res = await app.request('/api/posts/qqq-zz?token=xyz')
    expect(requestLines()).toEqual([
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        route: '/api/posts/:id',
        status: 200,
        ms: expect.any(Number),
        requestId: res.headers.get('x-request-id'),
      }),
    ])
    // Neither the id asked for nor the query: only the pattern. (A UUID and a timestamp hold no q, z, x or y.)
    expect(JSON.stringify(requestLines())).not.toMatch(/qqq|zz|token|xyz/)
  })

  it('logs probes (/health, /metrics) at debug', async () => {
    const { app, requestLines } = loggedApp()
    await app.request('/health')
    await app.request('/metrics')
    expect(requestLines().map(({ level, route }) => [level, route])).toEqual([
      ['debug', '/health'],
      ['debug', '/metrics'],
    ])
  })

  it('logs a path no route matches under one route label, never the path', async () => {
    const { app, requestLines } = loggedApp()
    await app.request('/wp-admin/../etc/passwd')
    expect(requestLines()).toEqual([
      expect.objectContaining({ level: 'info', route: 'unmatched', status: 404 }),
    ])
    expect(JSON.stringify(requestLines())).not.toContain('passwd')
  })

  it('logs a 5xx at error with the kind of failure, "unexpected" when nothing named it', async () => {
    const { app, requestLines } = loggedApp()
    await app.request('/api/contador')
    await app.request('/boom')
    expect(requestLines()).toEqual([
      expect.objectContaining({ level: 'error', status: 503, errorKind: 'cache unavailable' }),
      expect.objectContaining({ level: 'error', status: 500, errorKind: 'unexpected' }),
    ])
  })

  it('logs a request turned away by the load shedder at debug, not error: under a flood that is thousands a second', async () => {
    const { app, requestLines } = loggedApp()
    await app.request('/api/posts')
    expect(requestLines()).toEqual([
      expect.objectContaining({ level: 'debug', status: 503, errorKind: 'overloaded' }),
    ])
  })
})
