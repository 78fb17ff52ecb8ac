import { randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import { needs } from './needs.js'

needs('redis')

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface TestKeyspace {
  url: string
  /** Prefix that every key of this test run starts with. */
  prefix: string
  /** Deletes every key under the prefix. */
  clear(): Promise<void>
}

/** A key space of its own for one test file, on the shared test server. */
export function createTestKeyspace(url = TEST_REDIS_URL): TestKeyspace {
  const prefix = `test:${randomUUID()}:`
  return {
    url,
    prefix,
    async clear() {
      const client = createClient({ url })
      client.on('error', () => {})
      await client.connect()
      try {
        const keys: string[] = []
        for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
          keys.push(...batch)
        }
        if (keys.length > 0) await client.del(keys)
      } finally {
        client.destroy()
      }
    },
  }
}
