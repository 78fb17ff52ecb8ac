// A test file that needs a server this machine may lack says so by importing the helper that gives it
// (`./redis.js`, `./private-redis.js`): they call `needs` when loaded. The run's global setup says what is
// missing; `skip-missing.ts` then skips every test of such a file, and `.ci/run` names the file and the reason.

const NEEDS = Symbol.for('@repo/testing/needs')

export type Requirement = 'redis' | 'redis-server'

/** Environment variable through which the global setup tells the test files why a requirement is missing. */
export const missingVariable = (requirement: Requirement) =>
  `TEST_MISSING_${requirement.toUpperCase().replaceAll('-', '_')}`

type Registry = Set<Requirement>

function registry(): Registry {
  const scope = globalThis as { [NEEDS]?: Registry }
  scope[NEEDS] ??= new Set()
  return scope[NEEDS]
}

/** Marks the test file being loaded as needing `requirement`. Each test file has globals of its own. */
export function needs(requirement: Requirement): void {
  registry().add(requirement)
}

/** Why this test file cannot run here, or undefined when everything it needs is there. */
export function missingReason(): string | undefined {
  for (const requirement of registry()) {
    const reason = process.env[missingVariable(requirement)]
    if (reason) return reason
  }
  return undefined
}
