import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** A redis-server of a test's own, that the test may stop, freeze and restart. */
export interface PrivateRedis {
  readonly port: number
  readonly url: string
  /** Kills the server (as a crash would). */
  stop(): Promise<void>
  /** Starts it again on the same port. */
  start(): Promise<void>
  /** SIGSTOP: connections stay open, nothing is answered. */
  freeze(): void
  /** SIGCONT */
  thaw(): void
}

function answersPing(port: number): Promise<boolean> {
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

async function waitUntilAnswering(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await answersPing(port)) return
    await sleep(50)
  }
  throw new Error(`redis-server on port ${port} did not start`)
}

export async function startPrivateRedis(port: number): Promise<PrivateRedis> {
  let server: ChildProcess | undefined

  async function start() {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    server = spawn('redis-server', args, { stdio: 'ignore' })
    await waitUntilAnswering(port)
  }

  async function stop() {
    const running = server
    server = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = once(running, 'exit')
    running.kill('SIGKILL')
    await exited
  }

  function signal(name: NodeJS.Signals) {
    if (!server) throw new Error('the private redis-server is not running')
    server.kill(name)
  }

  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
  }
}
