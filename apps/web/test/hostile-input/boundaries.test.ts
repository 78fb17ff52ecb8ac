import { PostSchema } from '@repo/contracts/posts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../../src/request-guards.js'
import { expectJsonError } from '../support/expect-json-error.js'
import { postJson } from '../support/http.js'
import { createTestEnv, type TestEnv } from '../support/in-process.js'

let env: TestEnv
beforeAll(async () => {
  env = await createTestEnv()
})
afterAll(() => env.close())

const create = (body: unknown) => env.app.request('/api/posts', postJson(body))

async function expectInvalidField(res: Response, field: string) {
  const error = await expectJsonError(res, 400)
  expect(error.detalhes?.map((detail) => detail.caminho)).toEqual([field])
}

describe('length limits counted in characters (code points), with multibyte text', () => {
  it('conteudo of exactly 10000 four-byte characters is stored whole; one more is 400', async () => {
    const conteudo = '🐘'.repeat(10_000)
    const res = await create({ titulo: 't', conteudo })
    expect(res.status).toBe(201)
    const { id } = PostSchema.parse(await res.json())
    const stored = PostSchema.parse(await (await env.app.request(`/api/posts/${id}`)).json())
    expect(stored.conteudo).toBe(conteudo)

    await expectInvalidField(await create({ titulo: 't', conteudo: `${conteudo}🐘` }), 'conteudo')
  })

  it('autor of exactly 100 multibyte characters is stored whole; one more is 400', async () => {
    const autor = `${[...'José 🇧🇷 '.repeat(20)].slice(0, 99).join('')}ç`
    expect([...autor]).toHaveLength(100)
    const res = await create({ titulo: 't', conteudo: 'c', autor })
    expect(res.status).toBe(201)
    expect(PostSchema.parse(await res.json()).autor).toBe(autor)

    await expectInvalidField(
      await create({ titulo: 't', conteudo: 'c', autor: `${autor}ç` }),
      'autor',
    )
  })

  it('a combining mark counts as a character of its own', async () => {
    const decomposed = 'e\u0301'.repeat(5_000)
    expect((await create({ titulo: 't', conteudo: decomposed })).status).toBe(201)
    await expectInvalidField(await create({ titulo: 't', conteudo: `${decomposed}e` }), 'conteudo')
  })
})

describe('the 64 KiB body limit against the 10000-character limit', () => {
  it('10000 emoji fit as UTF-8, but written as \\u escapes the body exceeds 64 KiB and gets 413', async () => {
    const conteudo = '😀'.repeat(10_000)
    const raw = JSON.stringify({ titulo: 't', conteudo })
    const escaped = raw.replace(/[^ -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(MAX_BODY_BYTES)
    expect(Buffer.byteLength(escaped)).toBeGreaterThan(MAX_BODY_BYTES)

    expect((await create(raw)).status).toBe(201)
    expect((await create(escaped)).status).toBe(413)
  })
})
