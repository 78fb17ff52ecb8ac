import { fileURLToPath } from 'node:url'
import { type NodeProcess, spawnNodeWithTsx } from '@repo/testing/node-process'

const clientRoot = fileURLToPath(new URL('../../', import.meta.url))

/** Starts this client from its sources, as `node --import tsx src/index.ts <args>`. */
export function startClient(args: readonly string[], env: Record<string, string>): NodeProcess {
  return spawnNodeWithTsx(['src/index.ts', ...args], { cwd: clientRoot, env })
}

/** Runs the client to its end and returns its exit code and stdout. */
export async function runClient(args: readonly string[], env: Record<string, string>) {
  const client = startClient(args, env)
  const exit = await client.exited
  return { ...exit, stdout: client.stdout(), output: client.output() }
}
