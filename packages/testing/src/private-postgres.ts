import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import postgres from 'postgres'
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

const STARTUP_LIMIT_MS = 20_000
const STOP_LIMIT_MS = 10_000

/** Where initdb and postgres live: TEST_POSTGRES_BIN_DIR, else the newest Debian-style install, else PATH. */
function binDir(): string {
  if (process.env.TEST_POSTGRES_BIN_DIR) return process.env.TEST_POSTGRES_BIN_DIR
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return ''
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? '' : join(root, versions[0], 'bin')
}

/** PostgreSQL refuses to run as root: as root, run its binaries as the `postgres` OS user. */
const asRoot = process.getuid?.() === 0

function command(binary: string, args: string[]): [string, string[]] {
  const dir = binDir()
  const path = dir ? join(dir, binary) : binary
  return asRoot
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', path, ...args]]
    : [path, args]
}

function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'private-postgres-'))
  if (asRoot) {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }))
    chownSync(dir, id('-u'), id('-g'))
  }
  return dir
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-2_000)
  } catch {
    return ''
  }
}

/** The processes whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readStat(Number(entry))
    if (stat?.ppid === pid) children.push(Number(entry))
  }
  return children
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

async function answersQueries(url: string): Promise<boolean> {
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

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const dir = makeTempDir()
  const dataDir = join(dir, 'data')
  const logFile = join(dir, 'server.log')
  let server: ChildProcess | undefined
  let cleanedUp = false

  // Backends are children of the server process but each leads a session of its own, so a process-group
  // signal would miss them: signal the server and each of its children.
  const signalAll = (child: ChildProcess, name: NodeJS.Signals) => {
    if (child.pid === undefined) return
    const pids = name === 'SIGCONT' ? [...childPids(child.pid), child.pid] : [child.pid]
    // Stopped first, the server forks no new backend while its children are being signalled.
    if (name !== 'SIGCONT') pids.push(...childPids(child.pid))
    for (const pid of pids) {
      try {
        process.kill(pid, name)
      } catch {
        // Already gone.
      }
    }
  }
  const isRunning = (child: ChildProcess | undefined): child is ChildProcess =>
    child !== undefined && child.exitCode === null && child.signalCode === null
  // Should the test process die before its afterAll, the server must not outlive it.
  const killOnExit = () => {
    if (isRunning(server)) signalAll(server, 'SIGKILL')
  }
  process.once('exit', killOnExit)

  const [initdb, initdbArgs] = command('initdb', [
    ...['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'],
    ...['--no-sync', '--no-instructions'],
  ])
  try {
    execFileSync(initdb, initdbArgs, { stdio: 'pipe', cwd: dir })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }

  async function start() {
    if (isRunning(server)) throw new Error('the private PostgreSQL is already running')
    const [binary, args] = command('postgres', [
      ...['-D', dataDir, '-p', String(port)],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // The operating system never crashes under a test, so syncing to disk buys nothing.
      ...['-c', 'fsync=off', '-c', 'full_page_writes=off'],
      ...['-c', 'max_connections=60', '-c', 'shared_buffers=16MB'],
    ])
    const log = openSync(logFile, 'a')
    const child = spawn(binary, args, { stdio: ['ignore', log, log], cwd: dir })
    closeSync(log)
    server = child
    const deadline = Date.now() + STARTUP_LIMIT_MS
    while (Date.now() < deadline && isRunning(child)) {
      if (await answersQueries(url)) return
      await sleep(50)
    }
    signalAll(child, 'SIGKILL')
    throw new Error(`the private PostgreSQL on port ${port} did not start:\n${tail(logFile)}`)
  }

  async function end(signal: 'SIGINT' | 'SIGKILL') {
    const running = server
    server = undefined
    if (!isRunning(running) || running.pid === undefined) return
    const children = childPids(running.pid)
    const exited = once(running, 'exit')
    if (signal === 'SIGKILL') {
      signalAll(running, 'SIGKILL')
    } else {
      signalAll(running, 'SIGCONT')
      running.kill('SIGINT')
    }
    const timer = setTimeout(() => signalAll(running, 'SIGKILL'), STOP_LIMIT_MS)
    await exited
    clearTimeout(timer)
    // A backend still holding the shared memory would stop the next start().
    await waitUntilGone(children)
  }

  function signalRunning(name: NodeJS.Signals) {
    if (!isRunning(server)) throw new Error('the private PostgreSQL is not running')
    signalAll(server, name)
  }

  try {
    await start()
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    process.off('exit', killOnExit)
    throw error
  }
  return {
    port,
    url,
    start,
    stop: () => end('SIGINT'),
    kill: () => end('SIGKILL'),
    freeze: () => signalRunning('SIGSTOP'),
    thaw: () => signalRunning('SIGCONT'),
    async cleanup() {
      await end('SIGKILL')
      if (cleanedUp) return
      cleanedUp = true
      process.off('exit', killOnExit)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
