import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { dashboardHeaders, docsHeaders } from './page-headers.js'

const app = new Hono()
  .get('/', dashboardHeaders, (c) => c.html('<p>painel</p>'))
  .get('/docs', docsHeaders, (c) => c.text(c.get('secureHeadersNonce') ?? ''))

/** The directives of a Content-Security-Policy, by name. */
function directives(response: Response): Record<string, string[]> {
  const policy = response.headers.get('content-security-policy') ?? ''
  return Object.fromEntries(
    policy.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/)
      return [name, values]
    }),
  )
}

describe('the HTML pages’ Content-Security-Policy', () => {
  it('lets the dashboard load scripts, styles and data from its own origin only, nothing inline', async () => {
    const policy = directives(await app.request('/'))

    expect(policy['default-src']).toEqual(["'none'"])
    expect(policy['script-src']).toEqual(["'self'"])
    expect(policy['style-src']).toEqual(["'self'"])
    expect(policy['connect-src']).toEqual(["'self'"])
    expect(policy['base-uri']).toEqual(["'none'"])
  })

  it('lets /docs run inline script only with the nonce of that very response, new on each', async () => {
    const first = await app.request('/docs')
    const second = await app.request('/docs')
    const nonce = await first.text()

    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    expect(directives(first)['script-src']).toEqual(["'self'", `'nonce-${nonce}'`])
    expect(await second.text()).not.toBe(nonce)
    expect(directives(first)['script-src']).not.toContain("'unsafe-inline'")
  })

  it('keeps the other security headers', async () => {
    const response = await app.request('/')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN')
  })
})
