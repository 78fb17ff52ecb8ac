import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type ViteUserConfig } from 'vitest/config'
import { NOT_RUN_FILE_VARIABLE } from './needs.js'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
/** `.reports/` at the repository root, unless TEST_REPORTS_DIR names another folder. */
const reportsDir = process.env.TEST_REPORTS_DIR ?? `${repoRoot}.reports`
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

/**
 * The vitest settings every workspace package shares. Besides the console output, each package writes a
 * JSON report to `<reports>/<package>.json`, and the files that could not run here are listed in
 * `<reports>/not-run.jsonl`; `.ci/run` sums them into one line. The global setup settles which PostgreSQL and
 * Redis the run uses (see global-setup.ts).
 */
export function defineTestConfig(packageDir: string, overrides: ViteUserConfig['test'] = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      globalSetup: [here('./global-setup.ts')],
      setupFiles: [here('./skip-missing.ts')],
      env: { [NOT_RUN_FILE_VARIABLE]: `${reportsDir}/not-run.jsonl` },
      reporters: [
        'default',
        ['json', { outputFile: `${reportsDir}/${basename(packageDir)}.json` }],
      ],
      testTimeout: 15_000,
      hookTimeout: 30_000,
      ...overrides,
    },
  })
}
