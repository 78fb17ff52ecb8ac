import { createClient, type RedisClientType } from '@redis/client'
import { withTimeout } from '@repo/async/deadline'
import { asError } from './as-error.js'
import { type Cache, prefixed } from './cache.js'
import { generationKey } from './keys.js'

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

/** A Redis command that got no answer in time: the server hangs or the network dropped it. */
export class CommandTimeoutError extends Error {
  override name = 'CommandTimeoutError'

  constructor(timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`)
  }
}

/** The Redis cache: the store, with the node-redis client for what the seam does not cover. */
export interface RedisCache extends Cache {
  readonly client: RedisClient
  /** Settles like `command`, or rejects once it has gone unanswered for commandTimeoutMs. */
  withTimeout<T>(command: Promise<T>): Promise<T>
}

/** Cache-aside's generation guard: both scripts run atomically in Redis. */
const DELETE_AND_ADVANCE_GENERATION = `
redis.call('DEL', KEYS[1])
return redis.call('INCR', KEYS[2])
`

const SET_IF_GENERATION_UNCHANGED = `
local current = redis.call('GET', KEYS[2]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`

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
export function createCache(url: string, options: CacheOptions = {}): RedisCache {
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
    // No per-command timeout of node-redis's own (5 s by default): `timed` below bounds every command, and
    // node-redis's costs an AbortSignal.timeout and its listener on each one.
    commandOptions: { timeout: 0 },
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

  return prefixed(
    {
      client,
      location: describeEndpoint(url),
      withTimeout: timed,
      isReady: () => client.isReady,
      async ping() {
        await timed(client.ping())
      },
      readEntry: (dataKey) =>
        timed(client.mGet([dataKey, generationKey(dataKey)])).then(
          ([data = null, generation = null]) => ({ data, generation: generation ?? '' }),
        ),
      async storeIfGenerationUnchanged(dataKey, expectedGeneration, data, ttlSeconds) {
        const stored = await timed(
          client.eval(SET_IF_GENERATION_UNCHANGED, {
            keys: [dataKey, generationKey(dataKey)],
            arguments: [expectedGeneration, data, String(ttlSeconds)],
          }),
        )
        return stored === 1
      },
      async deleteAndAdvanceGeneration(dataKey) {
        await timed(
          client.eval(DELETE_AND_ADVANCE_GENERATION, { keys: [dataKey, generationKey(dataKey)] }),
        )
      },
      increment: (key) => timed(client.incr(key)),
      read: (key) => timed(client.get(key)),
      close() {
        closing ??= closeGracefully()
        return closing
      },
    } satisfies Omit<RedisCache, 'key' | 'loadsInFlight'>,
    keyPrefix,
  )
}

const DEFAULT_PORT = 6379

/** `host:port` of a Redis URL: never the user or the password it may carry. */
function describeEndpoint(url: string): string {
  if (!URL.canParse(url)) return '(invalid URL)'
  const { hostname, port } = new URL(url)
  return `${hostname}:${port || DEFAULT_PORT}`
}
