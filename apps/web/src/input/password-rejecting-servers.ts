import { createServer, type Socket } from 'node:net'

export interface FakeServer {
  port: number
  close(): Promise<void>
}

/** PostgreSQL's ErrorResponse for a wrong password, as a real server sends it (SQLSTATE 28P01). */
function postgresAuthFailure(): Buffer {
  const fields = 'SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "postgres"\0\0'
  const header = Buffer.alloc(5)
  header.write('E')
  header.writeInt32BE(Buffer.byteLength(fields) + 4, 1)
  return Buffer.concat([header, Buffer.from(fields)])
}

/** AuthenticationCleartextPassword: asks the client for its password. */
const ASK_FOR_PASSWORD = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])

/**
 * A server that, like PostgreSQL or Redis configured with a password, asks for it and refuses whatever it gets.
 * (The shared servers trust every client, so they cannot show this.)
 */
async function startFakeServer(onConnection: (socket: Socket) => void): Promise<FakeServer> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    onConnection(socket)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

export function startPasswordRejectingPostgres(): Promise<FakeServer> {
  return startFakeServer((socket) => {
    socket.once('data', () => {
      socket.write(ASK_FOR_PASSWORD)
      socket.once('data', () => socket.end(postgresAuthFailure()))
    })
  })
}

/** Answers every command with Redis's WRONGPASS error, as Redis does for AUTH with a wrong password. */
export function startPasswordRejectingRedis(): Promise<FakeServer> {
  return startFakeServer((socket) => {
    socket.on('data', (chunk) => {
      const commands = chunk.toString('latin1').match(/(?:^|\r\n)\*\d+\r\n/g)?.length ?? 1
      socket.write(
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n'.repeat(commands),
      )
    })
  })
}
