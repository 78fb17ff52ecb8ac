import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectJsonError } from '../test/support/expect-json-error.js'
import { createTestEnv, type TestEnv } from '../test/support/in-process.js'

let env: TestEnv
beforeAll(async () => {
  env = await createTestEnv()
})
afterAll(() => env.close())

describe('routes that do not exist', () => {
  it.each(['/api', '/api/posts/1/comments', '/api/posts/', '/nada', '/assets/', '/assets/x.js'])(
    'GET %s answers 404 with the error body',
    async (path) => {
      const error = await expectJsonError(await env.app.request(path), 404)
      expect(error.erro).toBe('Rota não encontrada')
    },
  )
})

describe('a known path with the wrong method', () => {
  it.each([
    ['DELETE', '/api/posts', 'GET, HEAD, POST'],
    ['PUT', '/api/posts/1', 'GET, HEAD'],
    ['POST', '/health', 'GET, HEAD'],
    ['PATCH', '/api/contador', 'GET, HEAD'],
    ['POST', '/api/posts/cache', 'GET, HEAD'],
  ])('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
    const res = await env.app.request(path, { method })
    const error = await expectJsonError(res, 405)
    expect(error.erro).toBe('Método não permitido')
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(allow.split(', ').sort())
  })
})

describe('every response', () => {
  it('carries the standard security headers and no framework banner', async () => {
    const res = await env.app.request('/health')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(res.headers.get('x-powered-by')).toBeNull()
  })

  it('sends no CORS headers when CORS is not configured', async () => {
    const res = await env.app.request('/health', { headers: { origin: 'https://example.org' } })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('with CORS_ORIGINS set', () => {
  it('allows exactly the configured origins', async () => {
    const cors = await createTestEnv({
      env: { CORS_ORIGINS: 'https://a.example, https://b.example' },
    })
    try {
      const allowed = await cors.app.request('/health', {
        headers: { origin: 'https://b.example' },
      })
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://b.example')
      const other = await cors.app.request('/health', { headers: { origin: 'https://c.example' } })
      expect(other.headers.get('access-control-allow-origin')).toBeNull()
    } finally {
      await cors.close()
    }
  })
})

describe('the API documentation', () => {
  it('GET /openapi.json lists every route of the contract with its methods', async () => {
    const res = await env.app.request('/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { openapi: string; paths: Record<string, object> }
    expect(doc.openapi).toBe('3.1.0')
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(operations.sort()).toEqual(
      [
        'GET /health',
        'GET /status',
        'GET /api/posts',
        'POST /api/posts',
        'GET /api/posts/{id}',
        'GET /api/posts/cache',
        'GET /api/contador',
        'GET /api/stats',
        'GET /api/events',
      ].sort(),
    )
  })

  it('describes the write token as a bearer scheme, required by POST /api/posts only', async () => {
    const doc = (await (await env.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown; responses: object }>>
      components: { securitySchemes: Record<string, unknown> }
    }
    expect(doc.components.securitySchemes).toEqual({
      writeToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    })
    const secured = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(
          ([, operation]) => Array.isArray(operation.security) && operation.security.length > 0,
        )
        .map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation.security]),
    )
    expect(secured).toEqual([['POST /api/posts', [{ writeToken: [] }]]])
    expect(Object.keys(doc.paths['/api/posts']?.post?.responses ?? {})).toContain('401')
  })

  it('GET /docs serves the interactive page pointing at /openapi.json, its script served by the app', async () => {
    const res = await env.app.request('/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await res.text()
    expect(html).toContain('/openapi.json')
    expect(html).toContain('<script src="/docs/api-reference.js"')
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
  })

  it('every operation has an operationId of its own, all but the write say they need no credentials, and the document names a server', async () => {
    const doc = (await (await env.app.request('/openapi.json')).json()) as {
      servers: unknown[]
      paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>
    }
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        name: `${method} ${path}`,
        ...operation,
      })),
    )
    const ids = operations.map((operation) => operation.operationId)
    expect(new Set(ids).size).toBe(operations.length)
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true)
    for (const { name, security } of operations) {
      expect(security, name).toEqual(name === 'post /api/posts' ? [{ writeToken: [] }] : [])
    }
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }])
  })
})
