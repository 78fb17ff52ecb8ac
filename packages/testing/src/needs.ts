// A test file that needs something this machine may lack says so when it is loaded: the helpers that give a
// server call `needs` (`./redis.js`, `./private-redis.js`), and a file calls it itself for anything else. The
// run's global setup says which servers are missing; `skip-missing.ts` then skips every test and hook of such a
// file, and `.ci/run` names the file and the reason.
import { statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

const NEEDS = Symbol.for('@repo/testing/needs')

/**
 * `redis`: a Redis server; `redis-server`: the binary, for fault injection; `local-servers`: PostgreSQL and Redis
 * on their default ports of 127.0.0.1, as a container's health check expects them; `binary:<name>`: a program on PATH.
 */
export type Requirement = 'redis' | 'redis-server' | 'local-servers' | `binary:${string}`

/** Where the files that could not run are listed, one JSON line each, for `.ci/run`'s totals. */
export const NOT_RUN_FILE_VARIABLE = 'TEST_NOT_RUN_FILE'

/** Environment variable through which the global setup tells the test files why a server is missing. */
export const missingVariable = (requirement: 'redis' | 'redis-server' | 'local-servers') =>
  `TEST_MISSING_${requirement.toUpperCase().replaceAll('-', '_')}`

function registry(): Set<Requirement> {
  const scope = globalThis as { [NEEDS]?: Set<Requirement> }
  scope[NEEDS] ??= new Set()
  return scope[NEEDS]
}

/** Marks the test file being loaded as needing `requirements`. Each test file has globals of its own. */
export function needs(...requirements: Requirement[]): void {
  for (const requirement of requirements) registry().add(requirement)
}

/** The regular file `name` in a folder of PATH, or undefined. */
export function onPath(name: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find((path) => statSync(path, { throwIfNoEntry: false })?.isFile())
}

/** Why this test file cannot run here, or undefined when everything it needs is there. */
export function missingReason(): string | undefined {
  for (const requirement of registry()) {
    if (requirement.startsWith('binary:')) {
      const name = requirement.slice('binary:'.length)
      if (!onPath(name)) return `needs ${name}, which is not on PATH`
      continue
    }
    const reason = process.env[missingVariable(requirement as 'redis')]
    if (reason) return reason
  }
  return undefined
}
