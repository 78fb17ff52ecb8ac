import type { Config } from './config.js'

export type LogLevel = Config['LOG_LEVEL']
type Fields = Record<string, unknown>

export interface Logger {
  debug(message: string, fields?: Fields): void
  info(message: string, fields?: Fields): void
  warn(message: string, fields?: Fields): void
  error(message: string, fields?: Fields): void
}

const SEVERITY = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const

/** One JSON object per line on stdout, the format log collectors read without configuration. */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const at =
    (name: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: Fields): void => {
      if (SEVERITY[name] < SEVERITY[level]) return
      write(
        `${JSON.stringify({ time: new Date().toISOString(), level: name, message, ...fields })}\n`,
      )
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** The same logger with `fields` added to every line, e.g. which server a dependency's errors are about. */
export function withFields(logger: Logger, fields: Fields): Logger {
  const at =
    (name: keyof Logger) =>
    (message: string, more?: Fields): void =>
      logger[name](message, { ...fields, ...more })
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
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

/** What a log line may say about an error: its kind and message, never a stack or a connection string. */
export function describeError(error: unknown): Fields {
  if (!(error instanceof Error)) return { error: String(error) }
  const code = (error as { code?: unknown }).code
  return { error: error.message, errorName: error.name, ...(code === undefined ? {} : { code }) }
}
