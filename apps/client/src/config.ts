import { readFileSync } from 'node:fs'
import { z } from 'zod'

/** Longest delay Node's timers accept; a larger one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647

const positiveNumber = (message: string, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, message)
    .transform(Number)
    .pipe(z.number().positive(message).max(max, `must be at most ${max}`))

const wholeNumber = (message: string, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(1, message).max(max, `must be at most ${max}`))

const ConfigSchema = z
  .object({
    API_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL', abort: true })
      .refine((url) => !new URL(url).search && !new URL(url).hash, {
        error: 'must not have a query or a fragment',
      })
      .default('http://localhost:5000'),
    INTERVAL_SECONDS: positiveNumber(
      'must be a positive number of seconds',
      Math.floor(MAX_TIMER_MS / 1000),
    ).default(15),
    REQUEST_TIMEOUT_MS: wholeNumber(
      'must be a positive whole number of milliseconds',
      MAX_TIMER_MS,
    ).default(5000),
    /** Sent as a bearer token when creating a post, for an API that sets API_WRITE_TOKEN. */
    API_WRITE_TOKEN: z.string().trim().min(1, 'must not be empty').optional(),
  })
  .transform((env) => ({
    apiUrl: env.API_URL.replace(/\/+$/, ''),
    intervalSeconds: env.INTERVAL_SECONDS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    writeToken: env.API_WRITE_TOKEN,
  }))

export type Config = z.output<typeof ConfigSchema>
export type Env = Record<string, string | undefined>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Validates the environment; the error names every bad variable. API_WRITE_TOKEN_FILE names a file to read
 * API_WRITE_TOKEN from (a Compose or Kubernetes secret).
 */
export function parseConfig(
  rawEnv: Env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Config {
  const env = withTokenFromFile(rawEnv, readFile)
  const result = ConfigSchema.safeParse(env)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`)
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
}

function withTokenFromFile(env: Env, readFile: (path: string) => string): Env {
  const path = env.API_WRITE_TOKEN_FILE
  if (path === undefined) return env
  if (env.API_WRITE_TOKEN !== undefined) {
    throw new ConfigError('Set API_WRITE_TOKEN or API_WRITE_TOKEN_FILE, not both')
  }
  try {
    return { ...env, API_WRITE_TOKEN: readFile(path) }
  } catch (error) {
    const reason = (error as { code?: string }).code ?? 'unreadable'
    throw new ConfigError(
      `API_WRITE_TOKEN_FILE names a file that cannot be read (${reason}): ${path}`,
    )
  }
}

/** The one place that reads process.env: exits with status 2 when a variable is invalid. */
export function loadConfig(): Config {
  try {
    return parseConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(2)
  }
}
