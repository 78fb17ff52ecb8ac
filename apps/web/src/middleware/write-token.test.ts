import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { expectJsonError } from '../../test/support/expect-json-error.js'
import { isWriteToken, requireWriteToken } from './write-token.js'

const TOKEN = 'um-token-de-escrita-bem-longo'

function guarded(token: string | undefined) {
  const app = new Hono()
  app.post('/write', requireWriteToken(token), (c) => c.json({ ok: true }, 201))
  return app
}

const post = (app: Hono, authorization?: string) =>
  app.request('/write', {
    method: 'POST',
    headers: authorization === undefined ? {} : { authorization },
  })

describe('requireWriteToken with a token', () => {
  const app = guarded(TOKEN)

  it('lets the request through with Authorization: Bearer <token>', async () => {
    expect((await post(app, `Bearer ${TOKEN}`)).status).toBe(201)
    expect((await post(app, `bearer ${TOKEN}`)).status).toBe(201)
  })

  it('answers 401 JSON with WWW-Authenticate: Bearer without an Authorization header', async () => {
    const res = await post(app)
    expect((await expectJsonError(res, 401)).erro).toMatch(/token/i)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
  })

  it.each([
    ['a wrong token', 'Bearer outro-token-qualquer-longo'],
    ['the token with one more character', `Bearer ${TOKEN}x`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 5)}`],
  ])('answers 401 for %s, naming the error in WWW-Authenticate', async (_, authorization) => {
    const res = await post(app, authorization)
    await expectJsonError(res, 401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
  })

  it.each([
    ['another scheme', `Basic ${TOKEN}`],
    ['the token without a scheme', TOKEN],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 for %s', async (_, authorization) => {
    const res = await post(app, authorization)
    await expectJsonError(res, 401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
  })
})

describe('requireWriteToken without a token', () => {
  it('lets every request through: the API stays open', async () => {
    const app = guarded(undefined)
    expect((await post(app)).status).toBe(201)
    expect((await post(app, 'Bearer anything')).status).toBe(201)
  })
})

describe('isWriteToken', () => {
  const expected = createHash('sha256').update(TOKEN).digest()

  it('compares digests of equal length, so any length given is compared without throwing', () => {
    // timingSafeEqual throws on buffers of different lengths: the digests never are.
    for (const given of ['', 'x', TOKEN.slice(0, -1), `${TOKEN}${'y'.repeat(10_000)}`]) {
      expect(isWriteToken(given, expected)).toBe(false)
    }
    expect(isWriteToken(TOKEN, expected)).toBe(true)
  })
})
