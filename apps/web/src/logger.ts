import { pino } from 'pino'
import { bufferedStdout } from './buffered-stdout.js'
import type { Config } from './config.js'

export type LogLevel = Config['LOG_LEVEL']
export type Logger = pino.Logger
type Fields = Record<string, unknown>

/**
 * Keys whose values never reach a line, wherever a caller puts them: connection strings and credentials. The app
 * logs hosts (describeEndpoint) and error kinds (describeError) instead; this is the net under that rule. Exact
 * paths only: a wildcard (`*.password`) makes pino walk every field of every line, which quadruples its cost.
 */
const REDACTED_PATHS = [
  'DATABASE_URL',
  'REDIS_URL',
  'password',
  'connectionString',
  'url',
  'authorization',
  'cookie',
  'config.DATABASE_URL',
  'config.REDIS_URL',
  'headers.authorization',
  'headers.cookie',
]

/** pino's number for `error`: a line at it or above is flushed at once. */
const ERROR_LEVEL = 50

/**
 * One JSON object per line on stdout (`write` replaces stdout, e.g. in a test): `level` as a name, `time` in ISO
 * 8601, `message`, then the fields. Pretty output is for `pnpm dev` only, which pipes these lines to pino-pretty.
 */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const options: pino.LoggerOptions = {
    level,
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }
  if (write) return pino(options, { write })
  const stdout = bufferedStdout()
  return pino(
    {
      ...options,
      hooks: {
        logMethod(args, log, lineLevel) {
          log.apply(this, args)
          if (lineLevel >= ERROR_LEVEL) stdout.flushSync()
        },
      },
    },
    stdout,
  )
}

const DEFAULT_PORTS: Record<string, string> = {
  'postgres:': '5432',
  'postgresql:': '5432',
  'redis:': '6379',
  'rediss:': '6379',
}

/**
 * `host:port` of a connection string, for a log line about a failing connection. Never the user, the password
 * or the rest of the URL: a connection string may carry a password.
 */
export function describeEndpoint(url: string): string {
  if (!URL.canParse(url)) return '(invalid URL)'
  const { protocol, hostname, port } = new URL(url)
  return `${hostname}:${port || DEFAULT_PORTS[protocol] || '?'}`
}

/** `scheme://user:password@` inside a text, e.g. a driver's error message that quotes its connection string. */
const CREDENTIALS_IN_URL = /([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi

/**
 * What a log line may say about an error: its kind and message, never a stack or the credentials of a connection
 * string quoted in the message.
 */
export function describeError(error: unknown): Fields {
  if (!(error instanceof Error)) return { error: withoutCredentials(String(error)) }
  const code = (error as { code?: unknown }).code
  return {
    error: withoutCredentials(error.message),
    errorName: error.name,
    ...(code === undefined ? {} : { code }),
  }
}

function withoutCredentials(text: string): string {
  return text.replace(CREDENTIALS_IN_URL, '$1[redacted]@')
}
