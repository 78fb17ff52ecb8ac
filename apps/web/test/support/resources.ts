import { createTestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace, TEST_REDIS_URL } from '@repo/testing/redis'

/** URLs nothing listens on: connections are refused at once. */
export const CLOSED_POSTGRES_URL = 'postgres://postgres@127.0.0.1:1/postgres'
export const CLOSED_REDIS_URL = 'redis://127.0.0.1:1'

/** Where an app under test keeps its data. Each of the three ways to start the app takes these options. */
export interface ResourceOptions {
  /**
   * A database used as it is (e.g. a private server, or one that is down). By default the app gets a throwaway
   * database of its own on the shared test server, migrated by createTestEnv or by the app as it starts, dropped
   * at the end.
   */
  databaseUrl?: string
  /** By default the shared test Redis. */
  redisUrl?: string
  /** A Redis key prefix shared with another instance. By default a prefix of its own, whose keys go at the end. */
  keyPrefix?: string
}

export interface Resources {
  databaseUrl: string
  redisUrl: string
  keyPrefix: string
  /** The database is a throwaway one of its own. */
  ownDatabase: boolean
  /** Drops the throwaway database and deletes the keys of its own prefix. */
  release(): Promise<void>
}

export async function acquireResources({
  databaseUrl,
  redisUrl = TEST_REDIS_URL,
  keyPrefix,
}: ResourceOptions = {}): Promise<Resources> {
  const releases: Array<() => Promise<void>> = []
  const ownDatabase = databaseUrl === undefined
  if (databaseUrl === undefined) {
    const database = await createTestDatabase()
    databaseUrl = database.url
    releases.push(() => database.drop())
  }
  if (keyPrefix === undefined) {
    // Its keys are deleted on the shared server, where they are unless the test gave another Redis (a private one
    // is thrown away whole; a closed or hanging one holds nothing and could not be asked).
    const keyspace = createTestKeyspace()
    keyPrefix = keyspace.prefix
    releases.push(() => keyspace.clear())
  }
  return {
    databaseUrl,
    redisUrl,
    keyPrefix,
    ownDatabase,
    async release() {
      await Promise.allSettled(releases.map((release) => release()))
    },
  }
}
