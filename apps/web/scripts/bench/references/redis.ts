// The ceiling of a route that makes one Redis call: node-redis with the app's client options (createCache), one
// command per request and its answer sent as it is.
import { createCache } from '@repo/cache/client'
import { COUNTER_KEY, POSTS_CACHE_KEY } from '@repo/cache/keys'
import { notFound, requiredEnv, sendJson, serve } from './serve.js'

const cache = createCache(requiredEnv('REDIS_URL'), { keyPrefix: requiredEnv('REDIS_KEY_PREFIX') })
const postsCacheKey = cache.key(POSTS_CACHE_KEY)
const counterKey = cache.key(COUNTER_KEY)

serve(
  async (request, response) => {
    if (request.url === '/api/posts/cache') {
      const stored = await cache.client.get(postsCacheKey)
      if (stored === null) throw new Error('posts_cache is empty')
      return sendJson(response, 200, stored)
    }
    if (request.url === '/api/contador') {
      return sendJson(response, 200, `{"contador":${await cache.client.incr(counterKey)}}`)
    }
    notFound(response)
  },
  () => cache.close(),
)
