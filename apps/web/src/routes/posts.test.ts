import { type Post, PostListSchema, PostSchema } from '@repo/contracts/posts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectJsonError } from '../../test/support/expect-json-error.js'
import { postJson } from '../../test/support/http.js'
import { createTestEnv, type TestEnv } from '../../test/support/in-process.js'
import { CLOSED_POSTGRES_URL, CLOSED_REDIS_URL } from '../../test/support/resources.js'
import { MAX_BODY_BYTES } from '../request-guards.js'

let env: TestEnv
beforeAll(async () => {
  env = await createTestEnv()
})
afterAll(() => env.close())

const list = async (query = '') => {
  const res = await env.app.request(`/api/posts${query}`)
  return { status: res.status, body: await res.json() }
}
const create = async (body: unknown, headers?: Record<string, string>) => {
  const res = await env.app.request('/api/posts', postJson(body, headers))
  return { res, body: (await res.clone().json()) as Record<string, unknown> }
}
const readCache = async () =>
  PostListSchema.parse(await (await env.app.request('/api/posts/cache')).json())

describe('GET /api/posts', () => {
  it('on a fresh database lists the 3 initial posts from the database', async () => {
    const fresh = await createTestEnv()
    try {
      const body = PostListSchema.parse(await (await fresh.app.request('/api/posts')).json())
      expect(body.fonte).toBe('banco_de_dados')
      expect(body.total).toBe(3)
      expect(body.posts).toHaveLength(3)
    } finally {
      await fresh.close()
    }
  })

  it('lists newest first, and by id among posts created at the same moment', async () => {
    await create({ titulo: 'mais novo', conteudo: 'c' })
    const { body } = await list()
    const posts = PostListSchema.parse(body).posts
    expect(posts[0]?.titulo).toBe('mais novo')
    for (let i = 1; i < posts.length; i++) {
      const [newer, older] = [posts[i - 1] as Post, posts[i] as Post]
      const order = Date.parse(newer.data_criacao) - Date.parse(older.data_criacao)
      expect(order > 0 || (order === 0 && newer.id > older.id)).toBe(true)
    }
  })

  it('pages with limit and offset while total still counts every post', async () => {
    const all = PostListSchema.parse((await list('?limit=100')).body)
    const page = PostListSchema.parse((await list('?limit=2&offset=1')).body)
    expect(page.total).toBe(all.total)
    expect(page.posts).toEqual(all.posts.slice(1, 3))
    const beyond = PostListSchema.parse((await list(`?offset=${all.total}`)).body)
    expect(beyond.posts).toEqual([])
    expect(beyond.total).toBe(all.total)
  })

  it('returns at most 50 posts by default', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => create({ titulo: `p${i}`, conteudo: 'c' })),
    )
    const body = PostListSchema.parse((await list()).body)
    expect(body.posts).toHaveLength(50)
    expect(body.total).toBeGreaterThan(50)
  })

  it.each([
    '?limit=0',
    '?limit=101',
    '?limit=abc',
    '?limit=1.5',
    '?limit=-1',
    '?limit=',
    '?limit=1e1',
    '?offset=-1',
    '?offset=x',
    '?limit=99999999999999999999',
  ])('answers 400 for %s', async (query) => {
    const res = await env.app.request(`/api/posts${query}`)
    const body = await expectJsonError(res, 400)
    expect(body.detalhes?.[0]?.caminho).toMatch(/^(limit|offset)$/)
  })

  it('accepts the limits 1 and 100', async () => {
    expect((await list('?limit=1')).status).toBe(200)
    expect((await list('?limit=100&offset=0')).status).toBe(200)
  })
})

describe('POST /api/posts', () => {
  it('creates a post: 201, the post, and its Location', async () => {
    const { res, body } = await create({
      titulo: 'Novo Post',
      conteudo: 'Conteúdo aqui',
      autor: 'Você',
    })
    expect(res.status).toBe(201)
    const post = PostSchema.parse(body)
    expect(post).toMatchObject({ titulo: 'Novo Post', conteudo: 'Conteúdo aqui', autor: 'Você' })
    expect(res.headers.get('location')).toBe(`/api/posts/${post.id}`)
    expect(Math.abs(Date.now() - Date.parse(post.data_criacao))).toBeLessThan(60_000)
    const fetched = await env.app.request(`/api/posts/${post.id}`)
    expect(await fetched.json()).toEqual(post)
  })

  it('trims strings, ignores unknown fields and defaults a missing or blank autor', async () => {
    const missing = await create({ titulo: '  a  ', conteudo: '\n b \t', extra: 1 })
    expect(missing.body).toMatchObject({ titulo: 'a', conteudo: 'b', autor: 'Anônimo' })
    expect(missing.body).not.toHaveProperty('extra')
    const blank = await create({ titulo: 'a', conteudo: 'b', autor: '   ' })
    expect(blank.body.autor).toBe('Anônimo')
  })

  it('accepts fields of exactly the maximum length, in characters', async () => {
    const { res, body } = await create({
      titulo: '😀'.repeat(200),
      conteudo: 'c'.repeat(10_000),
      autor: 'a'.repeat(100),
    })
    expect(res.status).toBe(201)
    expect(body.titulo).toBe('😀'.repeat(200))
  })

  it.each([
    ['titulo missing', { conteudo: 'c' }, 'titulo'],
    ['titulo blank', { titulo: '   ', conteudo: 'c' }, 'titulo'],
    ['titulo too long', { titulo: 'x'.repeat(201), conteudo: 'c' }, 'titulo'],
    ['titulo not a string', { titulo: 42, conteudo: 'c' }, 'titulo'],
    ['conteudo missing', { titulo: 't' }, 'conteudo'],
    ['conteudo too long', { titulo: 't', conteudo: 'x'.repeat(10_001) }, 'conteudo'],
    ['autor too long', { titulo: 't', conteudo: 'c', autor: 'x'.repeat(101) }, 'autor'],
    ['autor null', { titulo: 't', conteudo: 'c', autor: null }, 'autor'],
    ['a NUL character', { titulo: 'a\u0000b', conteudo: 'c' }, 'titulo'],
    ['a body that is an array', [], ''],
  ])('answers 400 with details for %s', async (_, body, field) => {
    const { res } = await create(body)
    const error = await expectJsonError(res, 400)
    expect(error.detalhes?.map((d) => d.caminho)).toContain(field)
  })

  it('answers 400 for malformed JSON', async () => {
    const { res } = await create('{"titulo": ')
    expect((await expectJsonError(res, 400)).erro).toMatch(/JSON/)
  })

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['form data', { 'content-type': 'application/x-www-form-urlencoded' }],
  ])('answers 415 for a %s body', async (_, headers) => {
    const { res } = await create({ titulo: 't', conteudo: 'c' }, headers)
    await expectJsonError(res, 415)
  })

  it('answers 415 when the Content-Type header is missing', async () => {
    const res = await env.app.request('/api/posts', { method: 'POST', body: '{}' })
    await expectJsonError(res, 415)
  })

  const bodyOfSize = (bytes: number) => {
    const base = JSON.stringify({ titulo: 't', conteudo: 'c', padding: '' })
    return JSON.stringify({ titulo: 't', conteudo: 'c', padding: 'x'.repeat(bytes - base.length) })
  }

  it('accepts a body of exactly 64 KiB', async () => {
    const body = bodyOfSize(MAX_BODY_BYTES)
    expect(Buffer.byteLength(body)).toBe(64 * 1024)
    expect((await create(body)).res.status).toBe(201)
  })

  it('answers 413 for a body one byte over 64 KiB', async () => {
    const { res } = await create(bodyOfSize(MAX_BODY_BYTES + 1))
    await expectJsonError(res, 413)
  })

  it('stores SQL-looking text verbatim', async () => {
    const titulo = "Robert'); DROP TABLE posts;--"
    const conteudo = "1 OR 1=1; \\x00 $1 ' || pg_sleep(1) --"
    const { body } = await create({ titulo, conteudo })
    expect(body).toMatchObject({ titulo, conteudo })
    expect((await list()).status).toBe(200)
  })
})

describe('GET /api/posts/:id', () => {
  it('answers 404 for an id that no post has', async () => {
    const error = await expectJsonError(await env.app.request('/api/posts/2147483647'), 404)
    expect(error.erro).toBe('Post não encontrado')
  })

  it.each(['0', '-1', 'abc', '1.5', '2147483648', '99999999999', '1e3', '%20'])(
    'answers 400 for the id %s',
    async (id) => {
      await expectJsonError(await env.app.request(`/api/posts/${id}`), 400)
    },
  )
})

describe('GET /api/posts/cache', () => {
  it('reads the database on a miss, then the cache, stored with the configured TTL', async () => {
    await create({ titulo: 'invalida', conteudo: 'c' })
    const miss = await readCache()
    const hit = await readCache()
    expect(miss.fonte).toBe('banco_de_dados')
    expect(hit.fonte).toBe('cache')
    expect(hit.posts).toEqual(miss.posts)
    expect(hit.total).toBe(miss.total)
    const ttl = await env.cache.client.ttl(env.cache.key('posts_cache'))
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(env.config.CACHE_TTL_SECONDS)
  })

  it('serves the same default page as GET /api/posts', async () => {
    await create({ titulo: 'x', conteudo: 'c' })
    const fromCacheRoute = await readCache()
    const fromList = PostListSchema.parse((await list()).body)
    expect(fromCacheRoute.posts).toEqual(fromList.posts)
  })

  it('a hit answers the bytes of the miss, with fonte "cache" first and the JSON content type', async () => {
    await create({ titulo: 'bytes', conteudo: 'c' })
    const miss = await env.app.request('/api/posts/cache')
    const hit = await env.app.request('/api/posts/cache')
    const missText = await miss.text()
    expect(missText.startsWith('{"fonte":"banco_de_dados","total":')).toBe(true)
    expect(await hit.text()).toBe(
      missText.replace('{"fonte":"banco_de_dados",', '{"fonte":"cache",'),
    )
    expect(hit.headers.get('content-type')).toBe('application/json')
    expect(missText).toBe(JSON.stringify(PostListSchema.parse(JSON.parse(missText))))
  })

  it.each([
    ['not JSON', '{"total":3,"posts":['],
    ['JSON of another shape', '{"posts":42}'],
    ['a list, as another version of the app might have stored', '[{"id":1}]'],
    ['a page whose total is no number', '{"total":"3","posts":[]}'],
  ])(
    'a value under posts_cache that is %s is a miss: answered from the database, then replaced',
    async (_, stored) => {
      const key = env.cache.key('posts_cache')
      await env.cache.client.set(key, stored)
      const answer = await readCache()
      expect(answer).toEqual({
        ...PostListSchema.parse((await list()).body),
        fonte: 'banco_de_dados',
      })
      const { fonte: _fonte, ...page } = answer
      expect(await env.cache.client.get(key)).toBe(JSON.stringify(page))
      expect((await readCache()).fonte).toBe('cache')
    },
  )

  it('after a create, the next read comes from the database and includes the new post', async () => {
    await readCache()
    const { body } = await create({ titulo: 'depois do cache', conteudo: 'c' })
    const next = await readCache()
    expect(next.fonte).toBe('banco_de_dados')
    expect(next.posts[0]).toEqual(body)
  })
})

describe('when the cache is down', () => {
  let down: TestEnv
  beforeAll(async () => {
    down = await createTestEnv({ redisUrl: CLOSED_REDIS_URL })
  })
  afterAll(() => down.close())

  it('GET /api/posts/cache still answers 200 from the database', async () => {
    const fromList = PostListSchema.parse(await (await down.app.request('/api/posts')).json())
    const res = await down.app.request('/api/posts/cache')
    expect(res.status).toBe(200)
    const body = PostListSchema.parse(await res.json())
    expect(body).toMatchObject({ fonte: 'banco_de_dados', total: fromList.total })
    expect(body.posts).toEqual(fromList.posts)
  })

  it('POST /api/posts still creates the post', async () => {
    const res = await down.app.request('/api/posts', postJson({ titulo: 't', conteudo: 'c' }))
    expect(res.status).toBe(201)
  })
})

describe('when the database is down', () => {
  let down: TestEnv
  beforeAll(async () => {
    down = await createTestEnv({ databaseUrl: CLOSED_POSTGRES_URL })
  })
  afterAll(() => down.close())

  it.each([
    ['GET', '/api/posts'],
    ['GET', '/api/posts/1'],
    ['GET', '/api/posts/cache'],
    ['GET', '/api/stats'],
  ])('%s %s answers 503 with an error body', async (method, path) => {
    const error = await expectJsonError(await down.app.request(path, { method }), 503)
    expect(error.erro).toBe('Banco de dados indisponível')
  })

  it('POST /api/posts answers 503 with an error body', async () => {
    const res = await down.app.request('/api/posts', postJson({ titulo: 't', conteudo: 'c' }))
    expect((await expectJsonError(res, 503)).erro).toBe('Banco de dados indisponível')
  })
})
