import { type PostList, PostListSchema } from '@repo/contracts/posts'
import { type Check, type CheckContext, CheckFailure } from '../check.js'
import { expectStatus, parseBody } from './expect.js'
import { expectOwnPostListed } from './posts.js'

async function readCache({ http }: CheckContext): Promise<PostList> {
  const response = await http.request('GET', '/api/posts/cache')
  expectStatus(response, 200)
  return parseBody(PostListSchema, response)
}

/** Our create emptied the cache, so this read normally fills it from the database. */
export const firstCacheRead: Check = {
  name: 'cache read 1',
  async run(context) {
    const list = await readCache(context)
    context.state.firstCacheTotal = list.total
    const missing = expectOwnPostListed(list.posts, context.state)
    if (missing !== undefined) return missing
    return list.fonte === 'cache' ? 'fonte "cache": another reader filled it first' : undefined
  },
}

/** Served from the cache unless Redis is down or another writer changed the list in between. */
export const secondCacheRead: Check = {
  name: 'cache read 2',
  async run(context) {
    const list = await readCache(context)
    if (list.fonte === 'cache') return undefined
    const { cacheConnected, firstCacheTotal } = context.state
    if (cacheConnected === false) return 'fonte "banco_de_dados": the cache is desconectado'
    if (firstCacheTotal !== undefined && list.total !== firstCacheTotal) {
      return `fonte "banco_de_dados": another writer intervened (total ${firstCacheTotal} -> ${list.total})`
    }
    throw new CheckFailure(
      `fonte is "banco_de_dados", expected "cache" (total unchanged${firstCacheTotal === undefined ? '?' : ` at ${list.total}`})`,
    )
  },
}
