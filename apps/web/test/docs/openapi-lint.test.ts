import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEnv, type TestEnv } from '../support/in-process.js'

const REDOCLY = fileURLToPath(new URL('../../node_modules/.bin/redocly', import.meta.url))

interface LintReport {
  totals: { errors: number; warnings: number }
  problems: { ruleId: string; severity: string; message: string }[]
}

let env: TestEnv
const scratch = mkdtempSync(join(tmpdir(), 'openapi-lint-'))

beforeAll(async () => {
  env = await createTestEnv()
})
afterAll(async () => {
  await env?.close()
  rmSync(scratch, { recursive: true, force: true })
})

/** `redocly lint` with its recommended rules, offline: no telemetry, no update check, no config file found. */
async function lint(document: unknown): Promise<LintReport> {
  const file = join(scratch, 'openapi.json')
  writeFileSync(file, JSON.stringify(document))
  const { stdout } = await promisify(execFile)(
    REDOCLY,
    ['lint', file, '--extends', 'recommended', '--format', 'json'],
    {
      cwd: scratch,
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        NO_UPDATE_NOTIFIER: '1',
      },
      timeout: 60_000,
    },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }))
  return JSON.parse(stdout) as LintReport
}

describe('the OpenAPI document, as Redocly lints it with its recommended rules', () => {
  it('has no error, and each operation an operationId, security and a server to call', async () => {
    const document = await (await env.app.request('/openapi.json')).json()

    const report = await lint(document)

    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message}`)
    console.log(`redocly lint: ${report.totals.errors} errors, ${report.totals.warnings} warnings`)
    expect(problems.filter((p) => p.startsWith('error'))).toEqual([])
    expect(report.totals.errors).toBe(0)
    expect(problems.filter((p) => /operationId|security|servers/.test(p))).toEqual([])
  }, 90_000)

  it('reports the errors the document had before it said who may call what (the linter can fail)', async () => {
    const document = (await (await env.app.request('/openapi.json')).json()) as {
      servers?: unknown
      paths: Record<string, Record<string, { security?: unknown }>>
    }
    for (const item of Object.values(document.paths))
      for (const operation of Object.values(item)) delete operation.security
    delete document.servers

    const report = await lint(document)

    const rules = report.problems.filter((p) => p.severity === 'error').map((p) => p.ruleId)
    expect(rules).toContain('security-defined')
    expect(rules).toContain('no-empty-servers')
  }, 90_000)
})
