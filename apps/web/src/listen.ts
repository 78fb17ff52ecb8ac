import type { Server } from 'node:http'

/**
 * Connections the kernel may hold before the app accepts them. Node's default, 511, overflows when thousands of
 * clients connect at once: the rest are dropped and their clients retry 1, 3, 7 s later. The kernel caps it at
 * net.core.somaxconn (4096 on Linux since 5.4).
 */
const LISTEN_BACKLOG = 4096

/** Whether this Node can open several listening sockets on one port (`reusePort`: 22.12 and 23.1 on). */
export function canReusePort(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  return major >= 23 || (major === 22 && minor >= 12)
}

/** Resolves once `server` listens on `port`; rejects with the error that kept it from it (e.g. EADDRINUSE). */
export function listen(server: Server, port: number, { reusePort = false } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, backlog: LISTEN_BACKLOG, reusePort }, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** `servers` all listening on `port` (0: the one the first is given), each on a socket of its own. */
export async function listenTogether(servers: Server[], port: number): Promise<number> {
  const [first, ...rest] = servers
  if (!first) throw new Error('listenTogether needs a server')
  const reusePort = rest.length > 0
  await listen(first, port, { reusePort })
  const bound = (first.address() as { port: number }).port
  try {
    for (const server of rest) await listen(server, bound, { reusePort })
  } catch (error) {
    for (const server of servers) if (server.listening) server.close()
    throw error
  }
  return bound
}
