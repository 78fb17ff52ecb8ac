import { spawnSync } from 'node:child_process'

/**
 * Whether Debian's `prometheus` package (the `prometheus` and `promtool` binaries) is installed; `.ci/run` installs
 * it. A test that needs it calls this first: without it the test is skipped with the reason printed, except
 * under CI=true, where a skip would hide that CI never ran it, so it fails instead.
 */
export function prometheusBinariesOr(skip: (reason: string) => void): void {
  const missing = ['prometheus', 'promtool'].filter(
    (binary) => spawnSync(binary, ['--version'], { stdio: 'ignore' }).error !== undefined,
  )
  if (missing.length === 0) return
  const reason = `${missing.join(' and ')} not installed (apt-get install prometheus)`
  if (process.env.CI === 'true') throw new Error(`${reason}: under CI=true this test must run`)
  console.warn(`skipped: ${reason}`)
  skip(reason)
}
