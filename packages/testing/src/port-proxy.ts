import { once } from 'node:events'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'

/**
 * A TCP proxy that behaves like Docker's port proxy in front of a database container: it forwards while the
 * backend is up; while it is down, it drops open connections and accepts new ones only to close them at once.
 */
export interface PortProxy {
  port: number
  backendDown(): void
  backendUp(): void
  close(): Promise<void>
}

export async function startPortProxy(target: { host: string; port: number }): Promise<PortProxy> {
  let up = true
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }

  const server = createServer((client) => {
    track(client)
    if (!up) {
      client.end()
      return
    }
    const backend = connect(target.port, target.host)
    track(backend)
    client.pipe(backend).pipe(client)
    client.on('close', () => backend.destroy())
    backend.on('close', () => client.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')

  const dropAll = () => {
    for (const socket of sockets) socket.destroy()
  }
  return {
    port: (server.address() as AddressInfo).port,
    backendDown() {
      up = false
      dropAll()
    },
    backendUp() {
      up = true
    },
    async close() {
      dropAll()
      server.close()
      await once(server, 'close')
    },
  }
}
