import { connect, createServer, type Socket } from 'node:net'

export interface HangingServer {
  readonly port: number
  close(): Promise<void>
}

/**
 * A TCP listener on 127.0.0.1 that accepts connections and never answers on them: a stand-in for a
 * database or cache whose host froze. With `forwardAfter`, only the first `forwardAfter` connections
 * hang; later ones are piped to `forwardTo` (a working server).
 */
export async function startHangingServer(
  options: { forwardAfter?: number; forwardTo?: { host: string; port: number } } = {},
): Promise<HangingServer> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  }

  const server = createServer((socket) => {
    track(socket)
    accepted++
    const { forwardAfter, forwardTo } = options
    if (forwardTo === undefined || forwardAfter === undefined || accepted <= forwardAfter) return
    const upstream = connect(forwardTo.port, forwardTo.host)
    track(upstream)
    socket.pipe(upstream).pipe(socket)
    socket.on('close', () => upstream.destroy())
    upstream.on('close', () => socket.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')

  return {
    port: address.port,
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
