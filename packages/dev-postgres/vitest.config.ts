// Not the shared config of @repo/testing, which depends on this package: the same report, without the shared
// servers (these tests start their own).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const reportsDir =
  process.env.TEST_REPORTS_DIR ?? fileURLToPath(new URL('../../.reports', import.meta.url))

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: `${reportsDir}/dev-postgres.json` }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
