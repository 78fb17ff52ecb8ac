import type { Post } from '@repo/contracts/posts'
import { afterEach, describe, expect, test } from 'vitest'
import { type StubApi, type StubRoutes, startStubApi } from '../../test/support/stub-api.js'
import type { CheckContext, RoundState } from '../check.js'
import { createHttpClient } from '../http.js'
import { firstCacheRead, secondCacheRead } from './cache.js'
import { counter, stats } from './counter.js'
import { createPost, getPost, listPosts } from './posts.js'
import { health, status } from './service.js'

const post: Post = {
  id: 42,
  titulo: 'Olá',
  conteudo: 'Conteúdo',
  autor: 'Você',
  data_criacao: '2026-11-27T15:30:00.123Z',
}
const now = new Date().toISOString()

let stub: StubApi | undefined
afterEach(async () => {
  await stub?.close()
  stub = undefined
})

async function contextFor(routes: StubRoutes, state: RoundState = {}, timeoutMs = 2000) {
  stub = await startStubApi(routes)
  const signal = new AbortController().signal
  return {
    http: createHttpClient({ apiUrl: stub.url, timeoutMs, signal }),
    state,
  } satisfies CheckContext
}

const list = (fonte: 'cache' | 'banco_de_dados', posts: Post[], total = posts.length) => ({
  status: 200,
  body: { fonte, total, posts },
})

describe('every check', () => {
  test('when the body does not match the contract, fails naming the field', async () => {
    const context = await contextFor({ 'GET /health': { status: 200, body: { status: 'sick' } } })
    await expect(health.run(context)).rejects.toThrow(
      /^HTTP 200: body does not match the contract: status: /,
    )
  })

  test('when the body is HTML, fails saying it is not JSON', async () => {
    const context = await contextFor({ 'GET /health': { status: 200, raw: '<h1>ok</h1>' } })
    await expect(health.run(context)).rejects.toThrow('HTTP 200: body is not JSON')
  })

  test('on a wrong status with an error body, fails quoting its erro', async () => {
    const context = await contextFor({
      'GET /api/contador': { status: 503, body: { erro: 'Cache indisponível' } },
    })
    await expect(counter.run(context)).rejects.toThrow(
      'HTTP 503 (expected 200): Cache indisponível',
    )
  })

  test('when the API does not answer within the timeout, fails with a timeout', async () => {
    const context = await contextFor({ 'GET /health': 'no answer' }, {}, 200)
    await expect(health.run(context)).rejects.toThrow('timeout after 200 ms')
  })
})

describe('status', () => {
  test('when Redis is down and the API says 503 degradado, passes with a note', async () => {
    const context = await contextFor({
      'GET /status': {
        status: 503,
        body: {
          banco_dados: 'conectado',
          cache: 'desconectado',
          status: 'degradado',
          timestamp: now,
        },
      },
    })
    await expect(status.run(context)).resolves.toBe('degradado: cache desconectado')
    expect(context.state.cacheConnected).toBe(false)
  })

  test('when the API answers 200 with status degradado, fails', async () => {
    const context = await contextFor({
      'GET /status': {
        status: 200,
        body: {
          banco_dados: 'desconectado',
          cache: 'conectado',
          status: 'degradado',
          timestamp: now,
        },
      },
    })
    await expect(status.run(context)).rejects.toThrow('HTTP 200 with status "degradado"')
  })
})

describe('create post', () => {
  test('when the Location header is missing, fails but keeps the post for the next checks', async () => {
    const context = await contextFor({ 'POST /api/posts': { status: 201, body: post } })
    await expect(createPost.run(context)).rejects.toThrow(
      'Location is missing, expected "/api/posts/42"',
    )
    expect(context.state.post).toEqual(post)
  })

  test('when the API rejects the post with 400, fails quoting its erro', async () => {
    const context = await contextFor({
      'POST /api/posts': { status: 400, body: { erro: 'Dados inválidos', detalhes: [] } },
    })
    await expect(createPost.run(context)).rejects.toThrow(
      'HTTP 400 (expected 201): Dados inválidos',
    )
  })
})

describe('get post and list posts', () => {
  test('when no post was created, get post fails as not run', async () => {
    const context = await contextFor({})
    await expect(getPost.run(context)).rejects.toThrow('not run: create post did not create a post')
  })

  test('when the post read back differs from the one created, get post fails', async () => {
    const context = await contextFor(
      { 'GET /api/posts/42': { status: 200, body: { ...post, titulo: 'Outro' } } },
      { post },
    )
    await expect(getPost.run(context)).rejects.toThrow('post 42 differs')
  })

  test('when the created post is missing from the list, list posts fails naming its id', async () => {
    const other = { ...post, id: 7 }
    const context = await contextFor(
      { 'GET /api/posts': list('banco_de_dados', [other]) },
      { post },
    )
    await expect(listPosts.run(context)).rejects.toThrow(
      'the post created by this round (42) is not in the list',
    )
  })
})

describe('cache reads', () => {
  test('when the first read does not hold the created post, it fails', async () => {
    const context = await contextFor({ 'GET /api/posts/cache': list('cache', []) }, { post })
    await expect(firstCacheRead.run(context)).rejects.toThrow('(42) is not in the list')
  })

  test('when the second read comes from the database with the same total, it fails', async () => {
    const context = await contextFor(
      { 'GET /api/posts/cache': list('banco_de_dados', [post], 4) },
      { post, cacheConnected: true, firstCacheTotal: 4 },
    )
    await expect(secondCacheRead.run(context)).rejects.toThrow(
      'fonte is "banco_de_dados", expected "cache" (total unchanged at 4)',
    )
  })

  test('when another writer changed the total in between, the second read passes with a note', async () => {
    const context = await contextFor(
      { 'GET /api/posts/cache': list('banco_de_dados', [post], 5) },
      { post, cacheConnected: true, firstCacheTotal: 4 },
    )
    await expect(secondCacheRead.run(context)).resolves.toMatch(/another writer intervened/)
  })

  test('when status reported the cache desconectado, the second read passes from the database', async () => {
    const context = await contextFor(
      { 'GET /api/posts/cache': list('banco_de_dados', [post], 4) },
      { post, cacheConnected: false, firstCacheTotal: 4 },
    )
    await expect(secondCacheRead.run(context)).resolves.toMatch(/desconectado/)
  })
})

describe('stats', () => {
  test('when total_requisicoes is below the counter just read, fails', async () => {
    const context = await contextFor(
      {
        'GET /api/stats': {
          status: 200,
          body: { total_posts: 4, total_requisicoes: 0, timestamp: now },
        },
      },
      { counter: 3 },
    )
    await expect(stats.run(context)).rejects.toThrow(
      'total_requisicoes is 0, below the counter just read (3)',
    )
  })
})
