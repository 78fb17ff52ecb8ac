import postgres, { type Sql } from 'postgres'
import { BackendSockets } from './backend-sockets.js'
import { withQueryDeadline } from './query-deadline.js'
import { startupCloseGuard } from './startup-close-guard.js'

export type Db = Sql

export interface DbOptions {
  /** Pool size. */
  max?: number
  connectTimeoutSeconds?: number
  /** Server-side `statement_timeout` of every connection. */
  statementTimeoutMs?: number
  /**
   * Client-side deadline of every query, waiting for a connection included: past it the query is rejected with
   * QUERY_DEADLINE and its connection dropped. Default: `statementTimeoutMs` + 500, so that a server that still
   * answers cancels a slow statement itself first (keeping the connection).
   */
  queryTimeoutMs?: number
  /** Called with the text of every statement sent to the server (postgres.js `debug`), e.g. to count them. */
  onQuery?: (query: string) => void
}

/**
 * A lazy pool: nothing connects until the first query, so this never throws when the server is down, and the pool
 * reconnects by itself when it comes back. Close it with `await db.end()`.
 */
export function createDb(url: string, options: DbOptions = {}): Db {
  const { max = 10, connectTimeoutSeconds = 5, statementTimeoutMs = 5_000, onQuery } = options
  const { queryTimeoutMs = statementTimeoutMs + QUERY_DEADLINE_MARGIN_MS } = options
  const sockets = new BackendSockets()
  const settings = {
    max,
    connect_timeout: connectTimeoutSeconds,
    // Seconds. Idle connections close early and every connection is renewed, so few sockets sit in the pool
    // long enough to go stale; TCP keepalive starts probing an idle one after 15 s instead of 60.
    idle_timeout: 30,
    max_lifetime: 30 * 60,
    keep_alive: 15,
    // Seconds a closed connection waits before it connects again for a new query. postgres.js grows this with
    // every failed attempt (up to 20 s) and keeps it once the server is back, so queries sent right after a
    // restart waited up to 20 s. Capped, a query waits at most half a second.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5),
    connection: { statement_timeout: statementTimeoutMs, application_name: 'compose-stack' },
    // `create ... if not exists` notices come on every start; they are not news.
    onnotice: () => {},
    debug: onQuery ? (_connection: number, query: string) => onQuery(query) : false,
    // An option of postgres.js that its type declarations leave out (README, "Custom socket").
    socket: startupCloseGuard((socket) => sockets.watch(socket)),
  }
  return withQueryDeadline(postgres(url, settings), queryTimeoutMs, sockets)
}

/** How much longer than statement_timeout the client waits for an answer before it drops the connection. */
export const QUERY_DEADLINE_MARGIN_MS = 500

/** Resolves when the database answers `select 1`; rejects when it cannot be reached. */
export async function pingDb(db: Db): Promise<void> {
  await db`select 1`
}

const unavailableCodes = new Set([
  // Node's socket and DNS errors
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // postgres.js
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // this package: no answer within the query deadline
  'QUERY_DEADLINE',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, query_canceled (statement_timeout),
  // too_many_connections
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '53300',
])

/**
 * Whether `error` means the database is out of reach (down, restarting, overloaded, too slow) rather than a bug
 * such as a syntax error: the difference between answering 503 and answering 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnavailable)) return true
  if (typeof error !== 'object' || error === null || !('code' in error)) return false
  const { code } = error
  // Class 08 of SQLSTATE: connection exceptions.
  return typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08'))
}

/**
 * True when the server refused the login (SQLSTATE class 28, e.g. a password rotated on the server). Not worth
 * retrying at start, yet while serving it means the database is out of reach, not a bug in the request.
 */
export function isLoginRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('28')
}
