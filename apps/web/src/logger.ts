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
  write = (line: string) => process.stdout.write(line),
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

/** What a log line may say about an error: its kind and message, never a stack or a connection string. */
export function describeError(error: unknown): Fields {
  if (!(error instanceof Error)) return { error: String(error) }
  const code = (error as { code?: unknown }).code
  return { error: error.message, errorName: error.name, ...(code === undefined ? {} : { code }) }
}
