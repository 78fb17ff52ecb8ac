import type { Context, Env, Hono } from 'hono'
import { TrieRouter } from 'hono/router/trie-router'

type Answer = (c: Context) => Response | Promise<Response>

/**
 * The not-found handler of `app`: 405 with `Allow` when a route answers the path with other methods, else 404.
 * hono/method-not-allowed does the same as a middleware, which costs every request an async step; a not-found
 * handler runs only for the requests that no route answered. Built from `app.routes` at the first such request,
 * once every route is registered.
 */
export function unmatchedRequests<E extends Env>(
  app: Hono<E>,
  answers: { notFound: Answer; methodNotAllowed: (c: Context, allowed: string[]) => Response },
): Answer {
  let methodsOfPath: TrieRouter<string[]> | undefined
  return (c) => {
    methodsOfPath ??= byPattern(app.routes)
    const allowed = new Set(
      methodsOfPath.match('ALL', c.req.path)[0].flatMap(([methods]) => methods),
    )
    if (allowed.size === 0 || allowed.has(c.req.method)) return answers.notFound(c)
    return answers.methodNotAllowed(c, [...allowed])
  }
}

function byPattern(routes: ReadonlyArray<{ method: string; path: string }>): TrieRouter<string[]> {
  const methods = new Map<string, Set<string>>()
  for (const { method, path } of routes) {
    if (method === 'ALL' || method === 'HEAD') continue
    const ofPath = methods.get(path) ?? new Set<string>()
    ofPath.add(method)
    if (method === 'GET') ofPath.add('HEAD')
    methods.set(path, ofPath)
  }
  const router = new TrieRouter<string[]>()
  for (const [path, ofPath] of methods) router.add('ALL', path, [...ofPath])
  return router
}
