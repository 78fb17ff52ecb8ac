import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PostSchema } from '@repo/contracts/posts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { expectJsonError } from '../support/expect-json-error.js'
import { postJson } from '../support/http.js'
import { createTestEnv, type TestEnv } from '../support/in-process.js'

const TOKEN = 'token-de-escrita-do-teste-0123456789'
const post = { titulo: 'Com token', conteudo: 'x' }

describe('with API_WRITE_TOKEN set', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await createTestEnv({ env: { API_WRITE_TOKEN: TOKEN, LOG_LEVEL: 'debug' } })
  })
  afterAll(() => env?.close())

  it('POST /api/posts without the token answers 401 JSON with WWW-Authenticate, and stores nothing', async () => {
    const before = (await (await env.app.request('/api/stats')).json()) as { total_posts: number }
    const res = await env.app.request('/api/posts', postJson(post))
    await expectJsonError(res, 401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
    expect(res.headers.get('x-request-id')).toBeTruthy()
    const after = (await (await env.app.request('/api/stats')).json()) as { total_posts: number }
    expect(after.total_posts).toBe(before.total_posts)
  })

  it('POST /api/posts with a wrong token answers 401, before the body is even looked at', async () => {
    const res = await env.app.request(
      '/api/posts',
      postJson('not json', { authorization: 'Bearer token-errado-mas-comprido' }),
    )
    await expectJsonError(res, 401)
  })

  it('POST /api/posts with the token creates the post', async () => {
    const res = await env.app.request(
      '/api/posts',
      postJson(post, { authorization: `Bearer ${TOKEN}` }),
    )
    expect(res.status).toBe(201)
    expect(PostSchema.parse(await res.json())).toMatchObject(post)
  })

  it('leaves the reads open', async () => {
    expect((await env.app.request('/api/posts')).status).toBe(200)
    expect((await env.app.request('/api/posts/cache')).status).toBe(200)
  })

  it('never writes the token to a log line, even at debug', () => {
    expect(env.logs.length).toBeGreaterThan(0)
    expect(JSON.stringify(env.logs)).not.toContain(TOKEN)
  })
})

describe('API_WRITE_TOKEN in the configuration', () => {
  const urls = { DATABASE_URL: 'postgres://db/app', REDIS_URL: 'redis://cache' }

  it('is unset by default: the API stays open', () => {
    expect(parseConfig(urls).API_WRITE_TOKEN).toBeUndefined()
  })

  it('is read from the file API_WRITE_TOKEN_FILE names, without its trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'write-token-'))
    const file = join(dir, 'api_write_token')
    writeFileSync(file, `${TOKEN}\n`)
    expect(parseConfig({ ...urls, API_WRITE_TOKEN_FILE: file }).API_WRITE_TOKEN).toBe(TOKEN)
  })

  it('refuses both the variable and its file, and a short token, without printing it', () => {
    expect(() =>
      parseConfig({ ...urls, API_WRITE_TOKEN: TOKEN, API_WRITE_TOKEN_FILE: '/x' }),
    ).toThrow('Set API_WRITE_TOKEN or API_WRITE_TOKEN_FILE, not both')
    expect(() => parseConfig({ ...urls, API_WRITE_TOKEN: 'curto' })).toThrow(
      /API_WRITE_TOKEN must be at least 16 characters$/,
    )
  })
})

describe('with API_WRITE_TOKEN read from a file, through the app', () => {
  let env: TestEnv
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'write-token-'))
    const file = join(dir, 'api_write_token')
    writeFileSync(file, `${TOKEN}\n`)
    env = await createTestEnv({ env: { API_WRITE_TOKEN_FILE: file } })
  })
  afterAll(() => env?.close())

  it('accepts the token of the file and refuses a request without it', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` }
    expect((await env.app.request('/api/posts', postJson(post, headers))).status).toBe(201)
    expect((await env.app.request('/api/posts', postJson(post))).status).toBe(401)
  })
})
