import { readFileSync } from 'node:fs'
import { z } from 'zod'

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))

const connectionUrl = (...protocols: string[]) =>
  z.string().refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
    error: `must start with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`,
  })

const port = () => integer(1, 65_535)

const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: port().default(5000),
    /** When set, GET /metrics is served on this port only, and the public PORT answers it 404. */
    METRICS_PORT: port().optional(),
    DATABASE_URL: connectionUrl('postgres:', 'postgresql:'),
    /** Unset outside production: an in-process cache (development only; nothing shared between instances). */
    REDIS_URL: connectionUrl('redis:', 'rediss:').optional(),
    CACHE_TTL_SECONDS: integer(1).default(60),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** Prepended to every Redis key, so several stacks can share one Redis. */
    REDIS_KEY_PREFIX: z.string().default(''),
    /**
     * Longest a database statement may run before PostgreSQL cancels it. The client gives up on a query 500 ms
     * later (a server that stopped answering cancels nothing) and drops its connection.
     */
    DB_STATEMENT_TIMEOUT_MS: integer(100).default(3000),
    /** Longest a Redis command may wait for its answer. */
    REDIS_COMMAND_TIMEOUT_MS: integer(50).default(1000),
    /** Longest a request may take before the app answers 503. */
    REQUEST_TIMEOUT_MS: integer(100).default(10_000),
    /**
     * Listening sockets on PORT (SO_REUSEPORT; Node 22.12 or later, else one). libuv accepts one connection each
     * time the event loop finds a listening socket ready, so a saturated loop with 1,000 busy connections accepted
     * a few new ones a second; each socket is one more accept per turn. 16 by `pnpm --filter web overload`.
     */
    LISTEN_SOCKETS: integer(1, 64).default(16),
    /** Requests answered at once; the probes (/health, /status, /metrics) are not counted. */
    MAX_REQUESTS_IN_FLIGHT: integer(1).default(64),
    /**
     * Requests waiting for one of those places, let in oldest first; past that, 503 at once. About what the app
     * answers in MAX_QUEUE_WAIT_MS (~2,000 a second measured): a shorter queue turns away requests that would have
     * been answered in time, and each one turned away brings its client's next request at once, so the 503s then
     * take the CPU the admitted requests need.
     */
    MAX_REQUESTS_QUEUED: integer(0).default(2048),
    /** Longest a request waits in that queue before it gets 503. */
    MAX_QUEUE_WAIT_MS: integer(1).default(1000),
    /** When set, POST /api/posts needs `Authorization: Bearer <token>`. */
    API_WRITE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** On SIGTERM/SIGINT, how long in-flight requests may take to finish. */
    SHUTDOWN_TIMEOUT_MS: integer(0).default(10_000),
    /** Most server-sent event streams (GET /api/events) open at once on this instance; past it, 503. */
    EVENT_STREAMS_MAX: integer(0).default(500),
    /** How often an open event stream gets a comment line, so that proxies keep it and dead clients show. */
    EVENT_HEARTBEAT_MS: integer(100).default(15_000),
    /** Comma-separated origins allowed by CORS; empty keeps CORS off. */
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
  })
  .refine((config) => config.METRICS_PORT !== config.PORT, {
    path: ['METRICS_PORT'],
    error: 'must differ from PORT',
  })
  .superRefine((config, context) => {
    if (config.NODE_ENV !== 'production') return
    if (config.REDIS_URL === undefined)
      context.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message: 'is required in production',
      })
  })

/** What `pnpm dev` adds, read by the development entry only. */
const DevSettingsSchema = z.object({
  /** Port of the embedded PostgreSQL that `pnpm dev` starts when DATABASE_URL is unset. */
  DEV_POSTGRES_PORT: port().default(54_329),
  /** Its data folder; default `.data/postgres` at the root of the repository. */
  DEV_POSTGRES_DIR: z.string().min(1).optional(),
})
export type DevSettings = z.output<typeof DevSettingsSchema>

export type Config = z.output<typeof ConfigSchema>
export type Env = Record<string, string | undefined>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Variables that may instead be read from a file named by `<NAME>_FILE`, as Compose and Kubernetes secrets are. */
const SECRET_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'API_WRITE_TOKEN'] as const

function readSecretFiles(env: Env, readFile: (path: string) => string): Env {
  const resolved = { ...env }
  for (const name of SECRET_VARIABLES) {
    const path = env[`${name}_FILE`]
    if (path === undefined) continue
    if (env[name] !== undefined) throw new ConfigError(`Set ${name} or ${name}_FILE, not both`)
    try {
      resolved[name] = readFile(path).trim()
    } catch (error) {
      const reason = (error as { code?: string }).code ?? 'unreadable'
      throw new ConfigError(`${name}_FILE names a file that cannot be read (${reason}): ${path}`)
    }
  }
  return resolved
}

/**
 * Validates the environment; the error names every bad variable, never its value (it may hold a password).
 * `DATABASE_URL_FILE`, `REDIS_URL_FILE` and `API_WRITE_TOKEN_FILE` name files to read those from instead.
 */
export function parseConfig(
  rawEnv: Env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Config {
  const env = readSecretFiles(rawEnv, readFile)
  const result = ConfigSchema.safeParse(env)
  if (result.success) return result.data
  throw configError(result.error, env)
}

/**
 * Whether `pnpm dev` has to bring its own PostgreSQL: no database is configured, and this is not production,
 * where a missing DATABASE_URL must stop the app rather than start a server nobody asked for.
 */
export function wantsEmbeddedDatabase(env: Env): boolean {
  return (
    env.DATABASE_URL === undefined &&
    env.DATABASE_URL_FILE === undefined &&
    env.NODE_ENV !== 'production'
  )
}

export function parseDevSettings(env: Env): DevSettings {
  const result = DevSettingsSchema.safeParse(env)
  if (result.success) return result.data
  throw configError(result.error, env)
}

function configError(error: z.ZodError, env: Env): ConfigError {
  const problems = error.issues.map((issue) => {
    const variable = String(issue.path[0])
    const reason =
      env[variable] === undefined && issue.code !== 'custom' ? 'is required' : issue.message
    return `${variable} ${reason}`
  })
  return new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
}
