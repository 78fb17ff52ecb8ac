import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { needs } from './needs.js'
import { freePort } from './ports.js'

needs('redis-server')

/** A redis-server of a test file's own, that the test may stop, kill, freeze and start again. */
export interface PrivateRedis {
  readonly port: number
  readonly url: string
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>
  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void>
  /** SIGKILL: as a crash or an OOM kill would. */
  kill(): Promise<void>
  /** stop() then start(), on the same port. */
  restart(): Promise<void>
  /** SIGSTOP: connections stay open and new ones are accepted, but nothing is answered. */
  freeze(): void
  /** SIGCONT */
  thaw(): void
  /** Kills the server if it runs; safe to call at any time and twice (use it in afterAll). */
  cleanup(): Promise<void>
}

const STARTUP_LIMIT_MS = 5_000
const STOP_LIMIT_MS = 5_000

/** Whether a Redis answers PING on 127.0.0.1:`port` within half a second. */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.setTimeout(500)
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Starts a redis-server on 127.0.0.1 (on `port`, or a free one) with persistence off. */
export async function startPrivateRedis(port?: number): Promise<PrivateRedis> {
  const serverPort = port ?? (await freePort())
  let server: ChildProcess | undefined
  // Should the test process die before its afterAll, the server must not outlive it.
  const killOnExit = () => server?.kill('SIGKILL')
  process.once('exit', killOnExit)

  const isRunning = (child: ChildProcess | undefined): child is ChildProcess =>
    child !== undefined && child.exitCode === null && child.signalCode === null

  async function start() {
    if (isRunning(server)) throw new Error('the private redis-server is already running')
    const args = [
      '--port',
      String(serverPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]
    const child = spawn('redis-server', args, { stdio: 'ignore' })
    server = child
    const deadline = Date.now() + STARTUP_LIMIT_MS
    while (Date.now() < deadline && isRunning(child)) {
      if (await answersPing(serverPort)) return
      await sleep(50)
    }
    child.kill('SIGKILL')
    throw new Error(`redis-server on port ${serverPort} did not start`)
  }

  async function end(signal: NodeJS.Signals) {
    const running = server
    server = undefined
    if (!isRunning(running)) return
    const exited = once(running, 'exit')
    running.kill(signal)
    // A frozen server would keep a SIGTERM pending forever.
    running.kill('SIGCONT')
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_LIMIT_MS)
    await exited
    clearTimeout(timer)
  }

  function signal(name: NodeJS.Signals) {
    if (!isRunning(server)) throw new Error('the private redis-server is not running')
    server.kill(name)
  }

  await start()
  return {
    port: serverPort,
    url: `redis://127.0.0.1:${serverPort}`,
    start,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGTERM')
      await start()
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    async cleanup() {
      await end('SIGKILL')
      process.off('exit', killOnExit)
    },
  }
}
