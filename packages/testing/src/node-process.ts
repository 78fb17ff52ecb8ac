import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface NodeProcess {
  pid: number
  /** Everything written to stdout so far. */
  stdout(): string
  /** stdout and stderr so far, for a failure message. */
  output(): string
  exited: Promise<Exit>
  /** Resolves once stdout matches `pattern`; rejects on exit or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>
  /** Sends `signal`, then SIGKILL if the process is still alive after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>
}

/**
 * Runs `node --import tsx <args>` (tsx is resolved from `cwd`): TypeScript sources run as they are, with no build
 * step. Stop it in afterAll, also when the test failed.
 */
export function spawnNodeWithTsx(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
): NodeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const { pid } = child
  if (pid === undefined) throw new Error(`could not start node ${args.join(' ')}`)
  let stdout = ''
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    output += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
  })
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  let hasExited = false
  void exited.then(() => {
    hasExited = true
  })

  return {
    pid,
    stdout: () => stdout,
    output: () => output,
    exited,
    async waitForStdout(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(stdout)) {
        if (hasExited) throw new Error(`exited before printing ${pattern}:\n${output}`)
        if (Date.now() > deadline)
          throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)
        await sleep(20)
      }
    },
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (hasExited) return exited
      process.kill(pid, signal)
      const timer = setTimeout(() => {
        if (!hasExited) process.kill(pid, 'SIGKILL')
      }, graceMs)
      const exit = await exited
      clearTimeout(timer)
      return exit
    },
  }
}
