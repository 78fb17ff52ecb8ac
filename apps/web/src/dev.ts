// The entry of `pnpm dev`: the production entry, plus what a machine with nothing but Node lacks. With
// DATABASE_URL unset it starts the PostgreSQL that npm installed, on a data folder kept between runs; with
// REDIS_URL unset the server uses its in-process cache. Never bundled: the image runs index.ts.
import { fileURLToPath } from 'node:url'
import {
  type DevDatabase,
  DevDatabaseError,
  startDevDatabase,
} from '@repo/dev-postgres/dev-database'
import { parseConfig, parseDevSettings, wantsEmbeddedDatabase } from './config.js'
import { createLogger } from './logger.js'
import { configOrExit, serve, stopOnSignals } from './main.js'

/** Git-ignored, at the root of the repository. */
const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../.data/postgres', import.meta.url))

const stopRequested = stopOnSignals(() => {})
const { DEV_POSTGRES_PORT, DEV_POSTGRES_DIR = DEFAULT_DATA_DIR } = await configOrExit(() =>
  parseDevSettings(process.env),
)

let database: DevDatabase | undefined
if (wantsEmbeddedDatabase(process.env)) {
  try {
    database = await startDevDatabase({
      dataDir: DEV_POSTGRES_DIR,
      port: DEV_POSTGRES_PORT,
      resetCommand: 'pnpm db:reset',
    })
  } catch (error) {
    if (!(error instanceof DevDatabaseError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}
const stopDatabase = async () => database?.stop()

const config = await configOrExit(
  () => parseConfig({ ...process.env, DATABASE_URL: database?.url ?? process.env.DATABASE_URL }),
  stopDatabase,
)
const logger = createLogger(config.LOG_LEVEL)
if (database) {
  logger.info(
    { dataDir: DEV_POSTGRES_DIR, port: DEV_POSTGRES_PORT, created: database.created },
    'embedded PostgreSQL started',
  )
}
await serve(config, logger, {
  stopRequested,
  afterStop: stopDatabase,
  databaseLabel: database ? `embedded (127.0.0.1:${DEV_POSTGRES_PORT})` : undefined,
})
