import { TrieRouter } from 'hono/router/trie-router'
import { describe, expect, it } from 'vitest'
import { StaticRouteCache } from './static-route-cache.js'

const ROUTES: Array<[method: string, path: string, handler: string]> = [
  ['ALL', '*', 'frame'],
  ['GET', '/health', 'health'],
  ['GET', '/api/posts', 'list'],
  ['POST', '/api/posts', 'create'],
  ['GET', '/api/posts/cache', 'cached'],
  ['GET', '/api/posts/:id', 'one'],
  ['GET', '/assets/*', 'asset'],
]

const REQUESTS: Array<[method: string, path: string]> = [
  ['GET', '/health'],
  ['GET', '/api/posts'],
  ['POST', '/api/posts'],
  ['DELETE', '/api/posts'],
  ['GET', '/api/posts/cache'],
  ['GET', '/api/posts/7'],
  ['GET', '/api/posts/8'],
  ['GET', '/api/posts/'],
  ['GET', '/health/'],
  ['GET', '/assets/app.js'],
  ['GET', '/nowhere'],
]

function both() {
  const trie = new TrieRouter<string>()
  const cache = new StaticRouteCache<string>()
  for (const [method, path, handler] of ROUTES) {
    trie.add(method, path, handler)
    cache.add(method, path, handler)
  }
  return { trie, cache }
}

describe('StaticRouteCache', () => {
  it('matches every request as the trie router does, the second time too', () => {
    const { trie, cache } = both()
    for (let round = 0; round < 2; round++) {
      for (const [method, path] of REQUESTS) {
        expect(cache.match(method, path), `${method} ${path}`).toEqual(trie.match(method, path))
      }
    }
  })

  it('keeps the match of a route without parameters, and of no other path', () => {
    const { cache } = both()
    expect(cache.match('GET', '/api/posts/cache')).toBe(cache.match('GET', '/api/posts/cache'))
    expect(cache.match('POST', '/api/posts')).toBe(cache.match('POST', '/api/posts'))
    expect(cache.match('GET', '/api/posts/7')).not.toBe(cache.match('GET', '/api/posts/7'))
    expect(cache.match('GET', '/nowhere')).not.toBe(cache.match('GET', '/nowhere'))
  })

  it('forgets the matches it kept when a route is added', () => {
    const { trie, cache } = both()
    const before = cache.match('GET', '/health')
    trie.add('GET', '/health', 'late')
    cache.add('GET', '/health', 'late')
    expect(cache.match('GET', '/health')).not.toBe(before)
    expect(cache.match('GET', '/health')).toEqual(trie.match('GET', '/health'))
  })
})
