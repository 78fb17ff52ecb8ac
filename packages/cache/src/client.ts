import { withTimeout } from '@repo/async/deadline'
import { createClient, type RedisClientType } from 'redis'
import { asError } from './as-error.js'

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

/** A cache-aside load under way in this process, and the generation its key had when it started. */
export interface LoadInFlight {
  generation: string | undefined
  promise: Promise<unknown>
}

/** A Redis command that got no answer in time: the server hangs or the network dropped it. */
export class CommandTimeoutError extends Error {
  override name = 'CommandTimeoutError'

  constructor(timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`)
  }
}

export interface Cache {
  readonly client: RedisClient
  /** Cache-aside loads in flight, one per key, so that concurrent misses in this process share one load. */
  readonly loadsInFlight: Map<string, LoadInFlight>
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

  // node-redis only times out commands still waiting to be written; once a command is on the wire, a hung
  // server would keep it pending forever.
  const timed = <T>(command: Promise<T>) =>
    withTimeout(command, commandTimeoutMs, () => new CommandTimeoutError(commandTimeoutMs))

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
    loadsInFlight: new Map(),
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
