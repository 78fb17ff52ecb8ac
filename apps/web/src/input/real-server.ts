import { freePort } from '@repo/testing/ports'
import { createTestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace } from '@repo/testing/redis'
import { parseConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { startServer } from '../server.js'

export interface RealServer {
  port: number
  url: string
  stop(): Promise<void>
}

/** The real server (startServer, a real socket) on a throwaway database and Redis key space of its own. */
export async function startRealServer(env: Record<string, string> = {}): Promise<RealServer> {
  const database = await createTestDatabase()
  const keyspace = createTestKeyspace()
  const config = parseConfig({
    PORT: String(await freePort()),
    DATABASE_URL: database.url,
    REDIS_URL: keyspace.url,
    REDIS_KEY_PREFIX: keyspace.prefix,
    LOG_LEVEL: 'silent',
    ...env,
  })
  const server = await startServer(config, createLogger('silent'))
  return {
    port: server.port,
    url: `http://127.0.0.1:${server.port}`,
    async stop() {
      await server.stop()
      await Promise.allSettled([database.drop(), keyspace.clear()])
    },
  }
}
