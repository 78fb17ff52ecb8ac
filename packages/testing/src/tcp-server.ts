import { createServer, type Socket } from 'node:net'

export interface TcpServer {
  readonly port: number
  /** Connections open right now, accepted or opened on their behalf (see `track`). */
  readonly openConnections: number
  /** Destroys every open connection; new ones are still accepted. */
  dropConnections(): void
  /** Destroys every open connection, then stops listening. */
  close(): Promise<void>
}

/**
 * A TCP listener on a free port of 127.0.0.1 that keeps count of its connections, so that `close()` can end them:
 * the scaffold of every fake server and proxy here. `onConnection` gets each accepted socket and a `track`
 * function for sockets it opens in turn (e.g. to a backend), which `close()` then ends too.
 */
export async function startTcpServer(
  onConnection: (socket: Socket, track: (socket: Socket) => void) => void,
): Promise<TcpServer> {
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('error', () => socket.destroy())
    socket.on('close', () => sockets.delete(socket))
  }
  const dropConnections = () => {
    for (const socket of sockets) socket.destroy()
  }
  const server = createServer((socket) => {
    track(socket)
    onConnection(socket, track)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')

  return {
    port: address.port,
    get openConnections() {
      return sockets.size
    },
    dropConnections,
    close() {
      dropConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
