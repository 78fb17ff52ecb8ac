import { startTcpServer } from './tcp-server.js'

// Servers that, like PostgreSQL or Redis configured with a password, ask for it and refuse whatever they get.
// (The shared test servers trust every client, so they cannot show this.)

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

export function startPasswordRejectingPostgres(): Promise<FakeServer> {
  return startTcpServer((socket) => {
    socket.once('data', () => {
      socket.write(ASK_FOR_PASSWORD)
      socket.once('data', () => socket.end(postgresAuthFailure()))
    })
  })
}

/** Answers every command with Redis's WRONGPASS error, as Redis does for AUTH with a wrong password. */
export function startPasswordRejectingRedis(): Promise<FakeServer> {
  return startTcpServer((socket) => {
    socket.on('data', (chunk) => {
      const commands = chunk.toString('latin1').match(/(?:^|\r\n)\*\d+\r\n/g)?.length ?? 1
      socket.write(
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n'.repeat(commands),
      )
    })
  })
}
