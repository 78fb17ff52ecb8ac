import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { embeddedBinDir, installedBinDir } from '@repo/dev-postgres/binaries'
import { initDataDir, type RunningPostgres, startPostgres } from '@repo/dev-postgres/server'
import { freePort } from './ports.js'

/**
 * A PostgreSQL server of a test file's own, in a temporary data directory, that the test may stop, kill, freeze
 * and start again on the same port and data. Start one per test file: `initdb` takes a second or two.
 */
export interface PrivatePostgres {
  readonly port: number
  /** The `postgres` database of the server, as the superuser `postgres` (trust authentication). */
  readonly url: string
  /** Starts the server again on the same port and data directory; resolves once it answers queries. */
  start(): Promise<void>
  /** Fast shutdown (SIGINT): sessions are ended, data is checkpointed. */
  stop(): Promise<void>
  /** SIGKILL to the server and every backend, as a crash or an OOM kill would; start() then runs recovery. */
  kill(): Promise<void>
  /** SIGSTOP to the server and every backend: connections stay open and are accepted, nothing is answered. */
  freeze(): void
  /** SIGCONT */
  thaw(): void
  /** Kills the server if it runs and deletes its data directory; safe to call twice (use it in afterAll). */
  cleanup(): Promise<void>
}

/** initdb and postgres: TEST_POSTGRES_BIN_DIR, else an installed PostgreSQL, else the one npm installed. */
function binDir(): string {
  const dir = process.env.TEST_POSTGRES_BIN_DIR ?? installedBinDir() ?? embeddedBinDir()
  if (!dir) throw new Error('no PostgreSQL binaries: neither installed nor from npm')
  return dir
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'private-postgres-'))
  // As root the server runs as another user, who must be able to reach its data folder.
  chmodSync(dir, 0o755)
  const options = {
    binDir: binDir(),
    dataDir: join(dir, 'data'),
    port,
    logFile: join(dir, 'server.log'),
    settings: {
      // The operating system never crashes under a test, so syncing to disk buys nothing.
      fsync: 'off',
      full_page_writes: 'off',
      max_connections: '60',
      shared_buffers: '16MB',
    },
  }
  let server: RunningPostgres | undefined
  let cleanedUp = false

  const running = (): RunningPostgres => {
    if (!server?.isRunning()) throw new Error('the private PostgreSQL is not running')
    return server
  }
  const start = async () => {
    if (server?.isRunning()) throw new Error('the private PostgreSQL is already running')
    server = await startPostgres(options)
  }

  try {
    await initDataDir(options.binDir, options.dataDir, { sync: false })
    await start()
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop: async () => server?.stop(),
    kill: async () => server?.kill(),
    freeze: () => running().signalAll('SIGSTOP'),
    thaw: () => running().signalAll('SIGCONT'),
    async cleanup() {
      await server?.kill()
      if (cleanedUp) return
      cleanedUp = true
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
