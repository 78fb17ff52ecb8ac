import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { startTcpServer } from './tcp-server.js'

/**
 * A TCP proxy that behaves like Docker's port proxy in front of a database container: it forwards while the
 * backend is up; while it is down, it drops open connections and accepts new ones only to close them at once.
 * It can also slow the link down, to keep requests in flight for as long as a test needs.
 */
export interface PortProxy {
  port: number
  backendDown(): void
  backendUp(): void
  /** Every chunk from the backend reaches the client `ms` after it arrived (order kept); 0 to stop. */
  setLatency(ms: number): void
  close(): Promise<void>
}

export async function startPortProxy(target: { host: string; port: number }): Promise<PortProxy> {
  let up = true
  let latencyMs = 0
  const server = await startTcpServer((client, track) => {
    if (!up) {
      client.end()
      return
    }
    const backend = connect(target.port, target.host)
    track(backend)
    client.pipe(backend)
    forwardWithLatency(backend, client, () => latencyMs)
    client.on('close', () => backend.destroy())
    backend.on('close', () => client.destroy())
  })

  return {
    port: server.port,
    backendDown() {
      up = false
      server.dropConnections()
    },
    backendUp() {
      up = true
    },
    setLatency(ms) {
      latencyMs = ms
    },
    close: () => server.close(),
  }
}

function forwardWithLatency(from: Socket, to: Socket, latencyMs: () => number): void {
  let delivered = Promise.resolve()
  from.on('data', (chunk: Buffer) => {
    const dueAt = Date.now() + latencyMs()
    delivered = delivered.then(async () => {
      const wait = dueAt - Date.now()
      if (wait > 0) await sleep(wait)
      if (!to.destroyed) to.write(chunk)
    })
  })
  from.on('end', () => {
    delivered = delivered.then(() => {
      to.end()
    })
  })
}
