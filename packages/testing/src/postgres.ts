import { randomUUID } from 'node:crypto'
import postgres from 'postgres'

/** Server the tests run on; never the database of a real deployment. */
export const TEST_POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface TestDatabase {
  /** Connection string of the throwaway database. */
  url: string
  name: string
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** Creates an empty database of its own for one test file, on the shared test server. */
export async function createTestDatabase(serverUrl = TEST_POSTGRES_URL): Promise<TestDatabase> {
  const name = `test_${randomUUID().replaceAll('-', '')}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  try {
    await admin`create database ${admin(name)}`
  } finally {
    await admin.end()
  }
  return {
    name,
    url: withDatabase(serverUrl, name),
    async drop() {
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} })
      try {
        await cleanup`drop database if exists ${cleanup(name)} with (force)`
      } finally {
        await cleanup.end()
      }
    },
  }
}
