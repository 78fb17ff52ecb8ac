import { afterSettling } from '@repo/async/settled'
import { type Db, pingDb } from '@repo/db/client'
import {
  countPosts,
  createPostsTogether,
  getPost,
  type NewPostRow,
  pageOfPostsJson,
} from '@repo/db/posts'
import { Gauge, type Registry } from 'prom-client'

/**
 * The database queries of the app that have started and not yet settled, and how many of them exceed the pool.
 *
 * postgres.js gives a query an idle connection while it has one, opens another while the pool is below `max`,
 * and past that sends the query down a busy connection, behind the query running there (pipelining), or queues
 * it once every connection is full. So "waiting" is `in flight - pool size`: queries that cannot have a
 * connection of their own, and wait for another query to finish first. Below that count a query can still wait,
 * for a connection that is being opened (at start, or while the server does not answer): it shows in "in flight"
 * only. Time spent inside PostgreSQL (locks, a slow plan) is "in flight" too.
 */
export interface QueriesInFlight {
  /** Counts `query` in flight until it settles; settles like it. */
  track<T>(query: Promise<T>): Promise<T>
}

export function queriesInFlight(registry: Registry, poolSize: number): QueriesInFlight {
  let inFlight = 0
  new Gauge({
    name: 'db_queries_in_flight',
    help: 'Database queries started by the app and not yet answered.',
    registers: [registry],
    collect() {
      this.set(inFlight)
    },
  })
  new Gauge({
    name: 'db_queries_waiting',
    help: 'Queries in flight beyond the connection pool: pipelined behind another query, or queued.',
    registers: [registry],
    collect() {
      this.set(Math.max(0, inFlight - poolSize))
    },
  })
  const countSettled = afterSettling(() => {
    inFlight--
  })
  return {
    track(query) {
      inFlight++
      return countSettled(query)
    },
  }
}

/** The database operations of the routes, each counted in `load` while it runs. */
export function countedQueries(db: Db, load: QueriesInFlight) {
  const counted =
    <A extends unknown[], R>(query: (db: Db, ...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      load.track(query(db, ...args))
  const createPost = createPostsTogether(db)
  return {
    ping: counted(pingDb),
    countPosts: counted(countPosts),
    pageOfPostsJson: counted(pageOfPostsJson),
    getPost: counted(getPost),
    createPost: (post: NewPostRow) => load.track(createPost(post)),
  }
}

export type Queries = ReturnType<typeof countedQueries>
