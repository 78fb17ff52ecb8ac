import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { type NodeProcess, spawnNodeWithTsx } from '@repo/testing/node-process'
import { freePort } from '@repo/testing/ports'
import { createTestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace, TEST_REDIS_URL } from '@repo/testing/redis'

const HEALTHY_WITHIN_MS = 30_000

export interface WebServer {
  url: string
  /** What the server has logged so far (JSON lines). */
  stdout(): string
  /** Stops the server, drops its database and deletes its Redis keys. */
  stop(): Promise<void>
}

/**
 * Starts apps/web's real server entry as a child process, on a database of its own and, through
 * REDIS_KEY_PREFIX, on Redis keys of its own; resolves once GET /health answers 200.
 */
export async function startWebServer({ redisUrl = TEST_REDIS_URL } = {}): Promise<WebServer> {
  const appUrl = import.meta.resolve('web/app')
  const database = await createTestDatabase()
  const keyspace = createTestKeyspace()
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let server: NodeProcess | undefined
  const stop = async () => {
    await server?.stop()
    await Promise.all([database.drop(), keyspace.clear()])
  }
  try {
    server = spawnNodeWithTsx([fileURLToPath(new URL('index.ts', appUrl))], {
      cwd: fileURLToPath(new URL('../', appUrl)),
      env: {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: keyspace.prefix,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
    })
    await waitUntilHealthy(url, server)
  } catch (error) {
    await stop()
    throw error
  }
  return { url, stdout: () => server?.stdout() ?? '', stop }
}

async function waitUntilHealthy(url: string, server: NodeProcess): Promise<void> {
  let exited = false
  void server.exited.then(() => {
    exited = true
  })
  const deadline = Date.now() + HEALTHY_WITHIN_MS
  while (Date.now() < deadline && !exited) {
    const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    )
    if (healthy) return
    await sleep(100)
  }
  throw new Error(
    `the web server did not answer GET /health${exited ? ' (it exited)' : ''}:\n${server.output()}`,
  )
}
