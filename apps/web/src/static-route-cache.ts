import type { Result, Router } from 'hono/router'
import { TrieRouter } from 'hono/router/trie-router'

/**
 * Hono's trie router, with the match of each path registered without a parameter or wildcard kept once made:
 * the trie's search splits the path and builds its list of handlers again for every request.
 */
export class StaticRouteCache<T> implements Router<T> {
  readonly name = 'TrieRouter with static matches kept'
  readonly #trie = new TrieRouter<T>()
  /** `method path` of the routes registered without a parameter or wildcard. */
  readonly #staticKeys = new Set<string>()
  readonly #kept = new Map<string, Result<T>>()

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler)
    this.#kept.clear()
    if (!/[:*?]/.test(path)) this.#staticKeys.add(`${method} ${path}`)
  }

  match(method: string, path: string): Result<T> {
    const key = `${method} ${path}`
    const kept = this.#kept.get(key)
    if (kept !== undefined) return kept
    const result = this.#trie.match(method, path)
    if (this.#staticKeys.has(key)) this.#kept.set(key, result)
    return result
  }
}
