import { readCliArgs } from './cli.js'
import { loadConfig } from './config.js'
import { runContinuously, runOnce } from './monitor.js'
import { abortOnShutdownSignals } from './shutdown.js'

const { once, wait } = readCliArgs(process.argv.slice(2))
const options = {
  config: loadConfig(),
  write: (line: string) => console.log(line),
  signal: abortOnShutdownSignals(),
}
process.exitCode = once
  ? await runOnce(options)
  : await runContinuously({ ...options, waitForApi: wait })
