import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { Cache } from '@repo/cache/cache'
import { cacheAside, invalidate } from '@repo/cache/cache-aside'
import { POSTS_CACHE_KEY } from '@repo/cache/keys'
import {
  NewPostSchema,
  PAGE_LIMIT_DEFAULT,
  PageQuerySchema,
  type Post,
  PostIdParamSchema,
  PostListSchema,
  PostPageSchema,
  PostSchema,
  type PostSource,
} from '@repo/contracts/posts'
import type { PostRow } from '@repo/db/posts'
import type { AppEnv } from '../app-env.js'
import { ApiError } from '../errors.js'
import { jsonText } from '../json-text.js'
import { describeError } from '../logger.js'
import type { PostsCacheMetrics } from '../metrics/cache-metrics.js'
import type { Queries } from '../metrics/db-queries.js'
import { requireWriteToken } from '../middleware/write-token.js'
import { errorContent, jsonContent, WRITE_TOKEN_SCHEME } from '../openapi.js'
import { limitBody, requireJsonBody } from '../request-guards.js'

const list = createRoute({
  method: 'get',
  path: '/api/posts',
  operationId: 'listPosts',
  summary: 'A page of posts, newest first, read from the database',
  request: { query: PageQuerySchema },
  responses: {
    200: jsonContent(PostListSchema, 'The page and the total number of posts'),
    400: errorContent('Invalid limit or offset'),
    503: errorContent('The database is unavailable'),
  },
})

const cachedList = createRoute({
  method: 'get',
  path: '/api/posts/cache',
  operationId: 'listPostsCached',
  summary: `The default page (${PAGE_LIMIT_DEFAULT} newest posts), cache-aside in Redis`,
  responses: {
    200: jsonContent(PostListSchema, '`fonte` says whether it came from the cache or the database'),
    503: errorContent('The database is unavailable and the cache has no copy'),
  },
})

const byId = createRoute({
  method: 'get',
  path: '/api/posts/{id}',
  operationId: 'getPost',
  summary: 'One post',
  request: { params: PostIdParamSchema },
  responses: {
    200: jsonContent(PostSchema, 'The post'),
    400: errorContent('The id is not a positive integer within PostgreSQL integer range'),
    404: errorContent('No post has this id'),
    503: errorContent('The database is unavailable'),
  },
})

const create = createRoute({
  method: 'post',
  path: '/api/posts',
  operationId: 'createPost',
  summary: 'Create a post',
  description: 'Needs `Authorization: Bearer <token>` when the server sets API_WRITE_TOKEN.',
  security: [{ [WRITE_TOKEN_SCHEME]: [] }],
  middleware: [limitBody, requireJsonBody] as const,
  request: {
    body: { content: { 'application/json': { schema: NewPostSchema } }, required: true },
  },
  responses: {
    201: {
      ...jsonContent(PostSchema, 'The created post'),
      headers: { Location: { schema: { type: 'string' }, description: 'URL of the new post' } },
    },
    400: errorContent('Malformed JSON or invalid fields'),
    401: errorContent('API_WRITE_TOKEN is set and the bearer token is missing or wrong'),
    413: errorContent('Body larger than 64 KiB'),
    415: errorContent('Content-Type is not JSON'),
    503: errorContent('The database is unavailable'),
  },
})

export const toPost = (row: PostRow): Post => ({
  ...row,
  data_criacao: row.data_criacao.toISOString(),
})

/**
 * posts_cache holds the default page as the text of the route's body without `fonte`: `{"total":N,"posts":[…]}`.
 * A hit sends it as it is, with `fonte` spliced in, never parsed nor serialised again. So the text is checked
 * against the page's schema before it is stored, and on a read only its frame is checked: a value of another
 * shape, a truncated one or one that is no JSON at all is a miss, and is replaced.
 */
const STORED_PAGE_START = /^\{"total":\d+,"posts":\[/

const storablePage = (text: string) =>
  PostPageSchema.safeParse(JSON.parse(text)).success ? text : undefined

const storedPage = (stored: string) =>
  STORED_PAGE_START.test(stored) && stored.endsWith(']}') ? stored : undefined

/** The body of a page route: the page's text with `fonte` first, as `{ fonte, ...page }` would serialise. */
const withSource = (source: PostSource, pageText: string) =>
  `{"fonte":"${source}",${pageText.slice(1)}`

interface PostRoutesDeps {
  queries: Queries
  cache: Cache
  cacheTtlSeconds: number
  cacheMetrics: PostsCacheMetrics
  /** When set, creating a post needs it as a bearer token. */
  writeToken?: string
}

export function postRoutes({
  queries,
  cache,
  cacheTtlSeconds,
  cacheMetrics,
  writeToken,
}: PostRoutesDeps) {
  const loadDefaultPage = () => queries.pageOfPostsJson({ limit: PAGE_LIMIT_DEFAULT, offset: 0 })

  const routes = new OpenAPIHono<AppEnv>()
  // Before the body is read: a client without the token learns nothing from the validation.
  routes.post('/api/posts', requireWriteToken(writeToken))
  // /api/posts/cache is registered before /api/posts/{id} so that "cache" is not taken for an id.
  return routes
    .openapi(list, async (c) => {
      const page = await queries.pageOfPostsJson(c.req.valid('query'))
      return jsonText(c, PostListSchema, withSource('banco_de_dados', page), 200)
    })
    .openapi(cachedList, async (c) => {
      const logger = c.get('logger')
      let read: { value: string; hit: boolean }
      try {
        read = await cacheAside(cache, {
          key: POSTS_CACHE_KEY,
          ttlSeconds: cacheTtlSeconds,
          load: loadDefaultPage,
          encode: storablePage,
          decode: storedPage,
          onCacheError: (error) => {
            cacheMetrics.error()
            // Debug only: while Redis is down every read would log it, and the client already logs the outage.
            logger.debug(describeError(error), 'posts cache bypassed')
          },
        })
      } catch (error) {
        // cacheAside works around every cache failure, so what it throws comes from the database: a miss.
        cacheMetrics.miss()
        throw error
      }
      if (read.hit) cacheMetrics.hit()
      else cacheMetrics.miss()
      const source = read.hit ? 'cache' : 'banco_de_dados'
      return jsonText(c, PostListSchema, withSource(source, read.value), 200)
    })
    .openapi(byId, async (c) => {
      const row = await queries.getPost(c.req.valid('param').id)
      if (!row) throw new ApiError(404, 'Post não encontrado')
      return c.json(toPost(row), 200)
    })
    .openapi(create, async (c) => {
      const post = toPost(await queries.createPost(c.req.valid('json')))
      try {
        await invalidate(cache, POSTS_CACHE_KEY)
      } catch (error) {
        cacheMetrics.error()
        c.get('logger').warn(describeError(error), 'could not invalidate the posts cache')
      }
      c.header('Location', `/api/posts/${post.id}`)
      return c.json(post, 201)
    })
}
