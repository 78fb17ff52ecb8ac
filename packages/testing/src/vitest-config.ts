import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type ViteUserConfig } from 'vitest/config'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * The vitest settings every workspace package shares. Besides the console output, each package writes a
 * JSON report to `.reports/<package>.json` at the repository root; `.ci/run` sums them into one line.
 */
export function defineTestConfig(packageDir: string, overrides: ViteUserConfig['test'] = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: [
        'default',
        ['json', { outputFile: `${repoRoot}.reports/${basename(packageDir)}.json` }],
      ],
      testTimeout: 15_000,
      hookTimeout: 30_000,
      ...overrides,
    },
  })
}
