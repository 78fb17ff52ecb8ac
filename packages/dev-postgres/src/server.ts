import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  chownSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { serverUser } from './binaries.js'

const STARTUP_LIMIT_MS = 20_000
const STOP_LIMIT_MS = 10_000

export interface ServerOptions {
  binDir: string
  dataDir: string
  port: number
  /** Where the server's own messages go (appended). */
  logFile: string
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>
}

export interface RunningPostgres {
  readonly pid: number
  /** The `postgres` database, as the superuser `postgres` (trust authentication, 127.0.0.1 only). */
  readonly url: string
  /** Fast shutdown (SIGINT): sessions end, data is checkpointed; resolves once every process is gone. */
  stop(): Promise<void>
  /** SIGKILL to the server and every backend, as a crash would; resolves once every process is gone. */
  kill(): Promise<void>
  /** Sends `signal` to the server and every backend (SIGSTOP freezes it with its connections open). */
  signalAll(signal: NodeJS.Signals): void
  isRunning(): boolean
}

/** The server could not start; `log` holds its last messages. */
export class PostgresStartError extends Error {
  override name = 'PostgresStartError'

  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message)
  }
}

const run = promisify(execFile)

/** Makes a new cluster in `dataDir` (which must not exist or be empty), owned by the user the server runs as. */
export async function initDataDir(
  binDir: string,
  dataDir: string,
  { sync = true }: { sync?: boolean } = {},
): Promise<void> {
  mkdirSync(dirname(dataDir), { recursive: true })
  mkdirSync(dataDir, { mode: 0o700 })
  const user = serverUser()
  if (user) chownSync(dataDir, user.uid, user.gid)
  await run(
    join(binDir, 'initdb'),
    [
      ...['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'],
      ...(sync ? [] : ['--no-sync']),
      '--no-instructions',
    ],
    { ...user, env: { ...process.env, LC_ALL: 'C' } },
  )
}

/** The end of `file` after its first `from` bytes, at most `bytes` long; '' when there is no file. */
export function tail(file: string, bytes = 2_000, from = 0): string {
  try {
    return readFileSync(file).subarray(from).toString('utf8').slice(-bytes)
  } catch {
    return ''
  }
}

const sizeOf = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0

/** Starts `postgres` on `dataDir` and resolves once it answers queries on 127.0.0.1:`port`. */
export async function startPostgres(options: ServerOptions): Promise<RunningPostgres> {
  const { binDir, dataDir, port, logFile, settings = {} } = options
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const args = ['-D', dataDir, '-p', String(port)]
  const all = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...settings }
  for (const [name, value] of Object.entries(all)) args.push('-c', `${name}=${value}`)

  const logStart = sizeOf(logFile)
  const log = openSync(logFile, 'a')
  const child = spawn(join(binDir, 'postgres'), args, {
    stdio: ['ignore', log, log],
    ...serverUser(),
    env: { ...process.env, LC_ALL: 'C' },
  })
  closeSync(log)
  const server = supervise(child, url)
  const messages = () => tail(logFile, 2_000, logStart)

  const deadline = Date.now() + STARTUP_LIMIT_MS
  while (server.isRunning()) {
    if (await answersQueries(url)) return server
    if (Date.now() > deadline) {
      await server.kill()
      throw new PostgresStartError(
        `PostgreSQL did not answer within ${STARTUP_LIMIT_MS} ms`,
        messages(),
      )
    }
    await sleep(50)
  }
  throw new PostgresStartError('PostgreSQL stopped while starting', messages())
}

function supervise(child: ChildProcess, url: string): RunningPostgres {
  const pid = child.pid
  if (pid === undefined) throw new PostgresStartError('could not run postgres', '')
  const exited = once(child, 'exit')
  const isRunning = () => child.exitCode === null && child.signalCode === null
  // Backends are children of the server but each leads a session of its own, so a process-group signal
  // would miss them: signal the server and each of its children.
  const signalAll = (signal: NodeJS.Signals) => {
    const pids = signal === 'SIGCONT' ? [...childPids(pid), pid] : [pid, ...childPids(pid)]
    for (const target of pids) {
      try {
        process.kill(target, signal)
      } catch {
        // Already gone.
      }
    }
  }
  // Should this process die first, the server must not outlive it.
  const killOnExit = () => {
    if (isRunning()) signalAll('SIGKILL')
  }
  process.once('exit', killOnExit)

  const end = async (signal: 'SIGINT' | 'SIGKILL') => {
    if (isRunning()) {
      const backends = childPids(pid)
      if (signal === 'SIGKILL') signalAll('SIGKILL')
      else {
        signalAll('SIGCONT')
        child.kill('SIGINT')
      }
      const timer = setTimeout(() => signalAll('SIGKILL'), STOP_LIMIT_MS)
      await exited
      clearTimeout(timer)
      // A backend still holding the shared memory would stop the next start.
      await waitUntilGone(backends)
    }
    process.off('exit', killOnExit)
  }
  return { pid, url, stop: () => end('SIGINT'), kill: () => end('SIGKILL'), signalAll, isRunning }
}

/** Whether `url` answers `select 1` within about a second. */
export async function answersQueries(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 1, onnotice: () => {} })
  try {
    await sql`select 1`
    return true
  } catch {
    return false
  } finally {
    await sql.end({ timeout: 0 })
  }
}

/** The processes whose parent is `pid` (Linux /proc; none elsewhere). */
function childPids(pid: number): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  return entries
    .filter((entry) => /^\d+$/.test(entry) && readStat(Number(entry))?.ppid === pid)
    .map(Number)
}

function readStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state, ppid: Number(ppid) }
  } catch {
    return undefined
  }
}

async function waitUntilGone(pids: number[]): Promise<void> {
  const deadline = Date.now() + STOP_LIMIT_MS
  const alive = (pid: number) => {
    const state = readStat(pid)?.state
    return state !== undefined && state !== 'Z'
  }
  while (pids.some(alive) && Date.now() < deadline) await sleep(20)
}
