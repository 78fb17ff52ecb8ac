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
  })
  .transform((env) => ({
    apiUrl: env.API_URL.replace(/\/+$/, ''),
    intervalSeconds: env.INTERVAL_SECONDS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
  }))

export type Config = z.output<typeof ConfigSchema>
export type Env = Record<string, string | undefined>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Validates the environment; the error names every bad variable. */
export function parseConfig(env: Env): Config {
  const result = ConfigSchema.safeParse(env)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`)
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
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
