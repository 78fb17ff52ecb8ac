import { createClient, type RedisClientType } from 'redis'
import { withTimeout } from './timeout.js'

export type RedisClient = RedisClientType

export interface CacheOptions {
  /** Prepended to every key; default ''. */
  keyPrefix?: string
  /** Default 2000. */
  connectTimeoutMs?: number
  /** Default 1000: a command with no answer by then rejects (the server hangs). */
  commandTimeoutMs?: number
  /** Connection errors are reported here, never thrown. */
  onError?: (error: Error) => void
}

export interface Cache {
  readonly client: RedisClient
  /** keyPrefix + name */
  key(name: string): string
  isReady(): boolean
  /** Rejects when Redis is down or does not answer within commandTimeoutMs. */
  ping(): Promise<void>
  /** Settles like `command`, or rejects once it has gone unanswered for commandTimeoutMs. */
  withTimeout<T>(command: Promise<T>): Promise<T>
  /** Graceful close; safe to call twice; works while Redis is down. */
  close(): Promise<void>
}

const MAX_RECONNECT_DELAY_MS = 2_000
const KEEPALIVE_PING_INTERVAL_MS = 1_000
const SILENT_SOCKET_TIMEOUT_MS = 5_000

/** Exponential backoff capped at MAX_RECONNECT_DELAY_MS, with jitter so instances do not reconnect in step. */
function reconnectDelay(retries: number): number {
  const backoff = Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS)
  return backoff + Math.floor(Math.random() * 200)
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

/**
 * Returns at once and connects in the background, retrying forever, so an app can start and
 * serve its other routes while Redis is down, and picks Redis up again by itself.
 */
export function createCache(url: string, options: CacheOptions = {}): Cache {
  const {
    keyPrefix = '',
    connectTimeoutMs = 2_000,
    commandTimeoutMs = 1_000,
    onError = () => {},
  } = options

  const client = createClient({
    url,
    // Fail fast while disconnected instead of queueing commands until Redis is back.
    disableOfflineQueue: true,
    // The pings keep a healthy connection from ever being silent for SILENT_SOCKET_TIMEOUT_MS, so
    // that timeout only ends a connection whose server stopped answering (even mid-handshake),
    // and the client reconnects.
    pingInterval: KEEPALIVE_PING_INTERVAL_MS,
    socket: {
      connectTimeout: connectTimeoutMs,
      socketTimeout: SILENT_SOCKET_TIMEOUT_MS,
      reconnectStrategy: reconnectDelay,
    },
  })

  const report = (error: unknown) => {
    try {
      onError(asError(error))
    } catch {
      // A failing error handler must not turn a Redis outage into a crash.
    }
  }
  client.on('error', report)

  let closing: Promise<void> | undefined
  client.connect().catch((error: unknown) => {
    if (!closing) report(error)
  })

  const timed = <T>(command: Promise<T>) => withTimeout(command, commandTimeoutMs)

  async function closeGracefully(): Promise<void> {
    try {
      await timed(client.close())
    } catch {
      // Pending commands to a hung server would hold a graceful close forever.
      client.destroy()
    }
  }

  return {
    client,
    key: (name) => `${keyPrefix}${name}`,
    isReady: () => client.isReady,
    async ping() {
      await timed(client.ping())
    },
    withTimeout: timed,
    close() {
      closing ??= closeGracefully()
      return closing
    },
  }
}
