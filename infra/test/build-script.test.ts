import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { infraDir } from '../src/repo.js'

const script = join(infraDir, 'scripts/build-app.sh')

// Only argument handling runs here: a real build installs into the workspace it runs in.
function run(...args: string[]) {
  return spawnSync('sh', [script, ...args], { encoding: 'utf8' })
}

describe('build-app.sh', () => {
  test.each([
    [[]],
    [['build', 'admin', '/tmp/out']],
    [['build', 'web']],
    [['install', 'web', '/tmp/out']],
    [['deploy', 'web']],
  ])('with arguments %j it prints its usage and exits 2 before doing anything', (args) => {
    const result = run(...args)
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('usage:')
    expect(result.stdout).toBe('')
  })

  test('parses as a POSIX sh script', () => {
    const syntax = spawnSync('sh', ['-n', script], { encoding: 'utf8' })
    expect(syntax.status).toBe(0)
    expect(syntax.stderr).toBe('')
  })
})
