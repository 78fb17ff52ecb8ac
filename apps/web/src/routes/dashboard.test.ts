import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEnv, type TestEnv } from '../../test/support/in-process.js'

let env: TestEnv
beforeAll(async () => {
  env = await createTestEnv()
})
afterAll(() => env.close())

describe('GET /', () => {
  it('is an HTML page under a strict Content-Security-Policy', async () => {
    const res = await env.app.request('/')

    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/)
    expect(await res.text()).toMatch(/^<!doctype html><html lang="pt-BR">/)
  })

  it('gives every field a label, and loads nothing from outside the app', async () => {
    const html = await (await env.app.request('/')).text()
    const fields = [...html.matchAll(/<(?:input|textarea)[^>]*\bid="([^"]+)"/g)].map((m) => m[1])
    const labelled = [...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1])

    expect(fields).toEqual(['titulo', 'conteudo', 'autor', 'token'])
    expect(labelled).toEqual(fields)
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect(html).not.toMatch(/<script>|<style>|\sstyle="|\son[a-z]+="/)
  })

  it('the script and stylesheet it names are served, with an ETag that answers 304', async () => {
    const html = await (await env.app.request('/')).text()
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1])
    expect(assets.sort()).toEqual(['/assets/dashboard.css', '/assets/dashboard.js'])

    for (const path of assets as string[]) {
      const res = await env.app.request(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(
        path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/,
      )
      const etag = res.headers.get('etag') ?? ''
      expect(etag).toMatch(/^".+"$/)
      const again = await env.app.request(path, { headers: { 'if-none-match': etag } })
      expect(again.status).toBe(304)
    }
  })

  it('answers another method on / with 405, as for every known path', async () => {
    const res = await env.app.request('/', { method: 'POST' })
    expect(res.status).toBe(405)
    expect(await res.json()).toEqual({ erro: 'Método não permitido' })
  })
})

describe('GET /docs/api-reference.js', () => {
  it('is the pinned renderer, from the npm package when the app runs from its sources', async () => {
    const res = await env.app.request('/docs/api-reference.js', {
      headers: { 'accept-encoding': 'gzip' },
    })

    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await res.text()).toContain('createApiReference')
  })
})
