import type { Result, Router } from 'hono/router'
import { TrieRouter } from 'hono/router/trie-router'

/**
 * Hono's trie router, with the match of each path registered without a parameter or wildcard kept once made:
 * the trie's search splits the path and builds its list of handlers again for every request.
 */
export class StaticRouteCache<T> implements Router<T> {
  readonly name = 'TrieRouter with static matches kept'
  readonly #trie = new TrieRouter<T>()
  /** `method path` of the routes without parameters; their matches once made. */
  readonly #static = new Map<string, Result<T> | undefined>()

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler)
    for (const key of this.#static.keys()) this.#static.set(key, undefined)
    if (!/[:*?]/.test(path)) this.#static.set(`${method} ${path}`, undefined)
  }

  match(method: string, path: string): Result<T> {
    const key = `${method} ${path}`
    const kept = this.#static.get(key)
    if (kept !== undefined) return kept
    const result = this.#trie.match(method, path)
    if (this.#static.has(key)) this.#static.set(key, result)
    return result
  }
}
