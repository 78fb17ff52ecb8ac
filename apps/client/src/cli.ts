import { parseArgs } from 'node:util'

export const USAGE = 'usage: client [--once] [--wait]'

export interface CliArgs {
  /** Run a single round and exit with its outcome instead of repeating every INTERVAL_SECONDS. */
  once: boolean
  /** Before the first round, wait (up to one interval) for the API to answer `/health`. */
  wait: boolean
}

/** Throws a TypeError for an unknown option or a stray argument. */
export function parseCliArgs(args: readonly string[]): CliArgs {
  // `pnpm start -- --once` hands the `--` through to the script.
  const rest = args[0] === '--' ? args.slice(1) : args
  const { values } = parseArgs({
    args: [...rest],
    options: {
      once: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  })
  return { once: values.once, wait: values.wait }
}

/** Exits with status 2 and the usage on a bad command line. */
export function readCliArgs(args: readonly string[]): CliArgs {
  try {
    return parseCliArgs(args)
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`)
    process.exit(2)
  }
}
