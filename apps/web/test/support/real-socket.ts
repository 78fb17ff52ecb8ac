import { freePort } from '@repo/testing/ports'
import { type Config, parseConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { startServer } from '../../src/server.js'
import { collectInto, type LogLine } from './logs.js'
import { acquireResources, type ResourceOptions } from './resources.js'

export interface TestServer {
  port: number
  url: string
  config: Config
  /** Every log line so far, parsed. */
  logs: LogLine[]
  /** Stops the server (the drain of server.ts), then releases its throwaway database and keys. */
  stop(): Promise<void>
}

export interface TestServerOptions extends ResourceOptions {
  /** More configuration, as environment variables; LOG_LEVEL defaults to info. */
  env?: Record<string, string>
  /** Where the log lines go, to read them while the server still starts. */
  logs?: LogLine[]
}

/**
 * The real server (startServer: Node's HTTP parser, the request guards, the drain) in this process, on a free
 * port, on a throwaway database and a Redis key prefix of its own unless `options` say otherwise. Resolves once
 * it listens, which is after it migrated the database.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const resources = await acquireResources(options)
  const logs = options.logs ?? []
  try {
    const config = parseConfig({
      PORT: String(await freePort()),
      DATABASE_URL: resources.databaseUrl,
      REDIS_URL: resources.redisUrl,
      REDIS_KEY_PREFIX: resources.keyPrefix,
      LOG_LEVEL: 'info',
      ...options.env,
    })
    const server = await startServer(config, createLogger(config.LOG_LEVEL, collectInto(logs)))
    return {
      port: server.port,
      url: `http://127.0.0.1:${server.port}`,
      config,
      logs,
      async stop() {
        await server.stop()
        await resources.release()
      },
    }
  } catch (error) {
    await resources.release()
    throw error
  }
}
