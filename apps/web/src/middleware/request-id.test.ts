import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../app-env.js'
import { createLogger } from '../logger.js'
import { HttpMetrics } from '../metrics/http-metrics.js'
import { requestFrame } from './request-frame.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

function appWithRequestIds() {
  const lines: string[] = []
  const app = new Hono<AppEnv>()
  const logger = createLogger('debug', (line) => lines.push(line))
  app.use(requestFrame(logger, new HttpMetrics(new Registry())))
  app.get('/ok', (c) => {
    c.var.logger.info('handled')
    return c.json({ id: c.var.requestId })
  })
  app.get('/boom', () => {
    throw new Error('boom')
  })
  app.get('/teapot', () => {
    throw new HTTPException(418)
  })
  app.notFound((c) => c.json({ erro: 'Rota não encontrada' }, 404))
  app.onError((error, c) => {
    c.var.logger.error({ error: error.message }, 'failed')
    return c.json({ erro: 'x' }, error instanceof HTTPException ? error.status : 500)
  })
  const logged = () =>
    lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message !== 'request')
  return { app, lines, logged }
}

describe('the request id', () => {
  it.each([
    'a',
    'abc-123',
    '0123456789abcdef',
    'trace.id:span_7-x',
    'A'.repeat(128),
    '550e8400-e29b-41d4-a716-446655440000',
  ])('keeps the sane incoming id %s, answers it and logs it', async (incoming) => {
    const { app, logged } = appWithRequestIds()
    const res = await app.request('/ok', { headers: { 'X-Request-Id': incoming } })
    expect(res.headers.get('x-request-id')).toBe(incoming)
    expect(await res.json()).toEqual({ id: incoming })
    expect(logged()).toEqual([expect.objectContaining({ message: 'handled', requestId: incoming })])
  })

  it.each([
    ['too long', 'A'.repeat(129)],
    ['a space', 'abc def'],
    ['a slash', 'a/b'],
    ['a quote', 'a"b'],
    ['an equals sign', 'a=b'],
    ['non-ASCII', 'ação'],
    ['a newline escape', 'a\\nb'],
    ['two ids in one header', 'one, two'],
    ['empty', ''],
  ])(
    'replaces an id with %s by a new UUID, and never answers or logs the bad one',
    async (_, incoming) => {
      const { app, lines } = appWithRequestIds()
      const res = await app.request('/ok', { headers: { 'X-Request-Id': incoming } })
      const answered = res.headers.get('x-request-id') ?? ''
      expect(answered).toMatch(UUID)
      if (incoming !== '') {
        expect(lines.join('')).not.toContain(JSON.stringify(incoming).slice(1, -1))
        expect(await res.text()).not.toContain(incoming)
      }
      expect(lines.join('')).toContain(answered)
    },
  )

  it('makes a new id for each request that brings none', async () => {
    const { app } = appWithRequestIds()
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await app.request('/ok')).headers.get('x-request-id')),
    )
    for (const id of ids) expect(id).toMatch(UUID)
    expect(new Set(ids).size).toBe(3)
  })

  it.each([
    ['/nada', 404],
    ['/boom', 500],
    ['/teapot', 418],
  ])('answers the id on %s (%i) too, and the error handler logs with it', async (path, status) => {
    const { app, logged } = appWithRequestIds()
    const res = await app.request(path, { headers: { 'X-Request-Id': 'err-1' } })
    expect(res.status).toBe(status)
    expect(res.headers.get('x-request-id')).toBe('err-1')
    for (const line of logged()) expect(line.requestId).toBe('err-1')
  })
})
