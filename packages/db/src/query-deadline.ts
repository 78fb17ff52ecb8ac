import { withTimeout } from '@repo/async/deadline'
import type { Sql } from 'postgres'
import type { BackendSockets } from './backend-sockets.js'

/** Rejection of a query that had no answer within the client's deadline; its connection was dropped. */
export class QueryDeadlineError extends Error {
  override name = 'QueryDeadlineError'
  readonly code = 'QUERY_DEADLINE'

  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`)
  }
}

/** What postgres.js keeps on a query: `state` is set once it is sent down a connection. */
interface PendingQuery extends Promise<unknown> {
  state?: { pid: number | null; secret: number | null } | null
  cancel(): unknown
}

const isQuery = (value: unknown): value is PendingQuery =>
  value instanceof Promise && typeof (value as Partial<PendingQuery>).cancel === 'function'

/**
 * `sql` whose every query (a tagged template, awaited) settles within `ms`, or rejects with QueryDeadlineError.
 * statement_timeout is enforced by the server, so a server that stops answering (frozen, its host gone) never
 * cancels anything, and postgres.js has no client-side time limit: here, once `ms` pass, a query still waiting
 * for a connection leaves the pool's queue, and one already sent has its connection destroyed (the other queries
 * sent down it fail too, as they would wait behind it), so the pool opens a new one for what comes next.
 * Transactions (`sql.begin`) and `sql.unsafe` keep no deadline: migrations lift their time limits on purpose.
 */
export function withQueryDeadline(sql: Sql, ms: number, sockets: BackendSockets): Sql {
  const limited = new Proxy(sql, {
    apply(target, thisArg, args) {
      const result: unknown = Reflect.apply(target, thisArg, args)
      if (isQuery(result)) limit(result, ms, sockets)
      return result
    },
  })
  deadlines.set(limited, ms)
  return limited
}

const deadlines = new WeakMap<Sql, number>()

/** The deadline of `sql`'s queries, in ms, when it was made by withQueryDeadline. */
export const queryDeadlineMs = (sql: Sql): number | undefined => deadlines.get(sql)

/**
 * The clock starts when the query is first awaited, which is when postgres.js sends it: a query used as a
 * fragment inside another is never awaited, and gets no timer.
 */
function limit(query: PendingQuery, ms: number, sockets: BackendSockets): void {
  const then = query.then
  let raced: Promise<unknown> | undefined
  // biome-ignore lint/suspicious/noThenProperty: the query stays the thenable it is, its answer raced against the clock.
  query.then = ((onFulfilled, onRejected) => {
    raced ??= withTimeout(
      then.call(query, (value) => value),
      ms,
      () => drop(query, new QueryDeadlineError(ms), sockets),
    )
    return raced.then(onFulfilled, onRejected)
  }) as typeof query.then
}

function drop(query: PendingQuery, error: QueryDeadlineError, sockets: BackendSockets): Error {
  const { pid, secret } = query.state ?? {}
  if (typeof pid === 'number' && typeof secret === 'number') {
    sockets.destroy(pid, secret)
  } else if (!query.state) {
    // Not sent yet: postgres.js takes it out of its queue. (For a query already sent it would open a connection
    // to ask the server to cancel, which a frozen server never answers.)
    query.cancel()
  }
  return error
}
