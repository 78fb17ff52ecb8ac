import { fileURLToPath } from 'node:url'
import { type NodeProcess, spawnNodeWithTsx } from '@repo/testing/node-process'
import { freePort } from '@repo/testing/ports'
import type { ReferenceName } from './routes.js'

const APP_DIR = fileURLToPath(new URL('../../', import.meta.url))
const ENTRIES: Record<ReferenceName, string> = {
  'node:http': 'scripts/bench/references/node-http.ts',
  redis: 'scripts/bench/references/redis.ts',
  postgres: 'scripts/bench/references/postgres.ts',
}

export interface ReferenceServer {
  name: ReferenceName
  pid: number
  url: string
  /** Its process, e.g. to talk to a preloaded probe over IPC (`ipc`). */
  node: NodeProcess
  stop(): Promise<void>
}

/**
 * A reference server (references/<name>.ts) as a child process, through tsx: it transpiles the sources once at
 * start, so the code that serves the load is the same as a bundle's. Resolves once it listens.
 */
export async function startReference(
  name: ReferenceName,
  env: Record<string, string>,
  {
    nodeBinary,
    nodeArgs = [],
    ipc,
    listenWithinMs = 20_000,
  }: {
    nodeBinary?: string
    /** Flags for node, e.g. `--import` of a probe. */
    nodeArgs?: readonly string[]
    ipc?: boolean
    listenWithinMs?: number
  } = {},
): Promise<ReferenceServer> {
  const port = await freePort()
  const node: NodeProcess = spawnNodeWithTsx([...nodeArgs, ENTRIES[name]], {
    cwd: APP_DIR,
    env: { ...env, PORT: String(port) },
    nodeBinary,
    ipc,
  })
  try {
    await node.waitForStdout(/listening/, listenWithinMs)
  } catch (error) {
    await node.stop('SIGKILL')
    throw error
  }
  return {
    name,
    pid: node.pid,
    node,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await node.stop('SIGTERM', 5000)
    },
  }
}
