import { describe, expect, test } from 'vitest'
import { isIgnored, parseDockerignore } from '../src/dockerignore.js'
import { readRepoFile } from '../src/repo.js'

const rules = parseDockerignore(readRepoFile('.dockerignore'))

describe('.dockerignore', () => {
  test.each([
    'node_modules/vitest/package.json',
    'apps/web/node_modules/hono/package.json',
    'apps/web/dist/server/index.js',
    'packages/db/.turbo/turbo-build.log',
    '.git/HEAD',
    '.reports/infra.json',
    'apps/client/coverage/index.html',
    '.env',
    '.env.local',
    'apps/web/.env.production',
    'pnpm-debug.log',
    'apps/web/npm-debug.log',
  ])('leaves %s out of the build context', (path) => {
    expect(isIgnored(rules, path)).toBe(true)
  })

  test.each([
    'pnpm-lock.yaml',
    'package.json',
    'apps/web/src/index.ts',
    'packages/db/migrations/0001_create_posts.sql',
    'infra/scripts/build-app.sh',
    'infra/Dockerfile',
  ])('keeps %s in the build context', (path) => {
    expect(isIgnored(rules, path)).toBe(false)
  })
})

describe('Docker pattern semantics', () => {
  test('a bare name matches at the root only, **/ matches at any depth', () => {
    const rootOnly = parseDockerignore('node_modules\n')
    expect(isIgnored(rootOnly, 'node_modules/a.js')).toBe(true)
    expect(isIgnored(rootOnly, 'apps/web/node_modules/a.js')).toBe(false)
    const anyDepth = parseDockerignore('**/node_modules\n')
    expect(isIgnored(anyDepth, 'apps/web/node_modules/a.js')).toBe(true)
  })

  test('the last matching pattern wins, so ! re-includes a file', () => {
    const withException = parseDockerignore('**/.env*\n!.env.example\n')
    expect(isIgnored(withException, '.env.example')).toBe(false)
    expect(isIgnored(withException, '.env')).toBe(true)
  })

  test('* and ? stay within one path segment', () => {
    const star = parseDockerignore('apps/*.log\nfile?.txt\n')
    expect(isIgnored(star, 'apps/a.log')).toBe(true)
    expect(isIgnored(star, 'apps/web/a.log')).toBe(false)
    expect(isIgnored(star, 'file1.txt')).toBe(true)
    expect(isIgnored(star, 'file10.txt')).toBe(false)
  })
})
