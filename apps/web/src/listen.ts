import type { Server } from 'node:http'

/**
 * Connections the kernel may hold before the app accepts them. Node's default, 511, overflows when thousands of
 * clients connect at once: the rest are dropped and their clients retry 1, 3, 7 s later. The kernel caps it at
 * net.core.somaxconn (4096 on Linux since 5.4).
 */
const LISTEN_BACKLOG = 4096

/** Resolves once `server` listens on `port`; rejects with the error that kept it from it (e.g. EADDRINUSE). */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
