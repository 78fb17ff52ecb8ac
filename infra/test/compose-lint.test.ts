import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DCLinter } from 'dclint'
import { afterAll, describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { infraDir } from '../src/repo.js'

// The settings `npx dclint` reads from infra/, where the reason for each one is written down.
const { rules } = parse(readFileSync(join(infraDir, '.dclintrc.yaml'), 'utf8')) as {
  rules: Record<string, unknown>
}
const linter = new DCLinter({ rules, quiet: true, debug: false, exclude: [] })

const scratch = mkdtempSync(join(tmpdir(), 'infra-dclint-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

interface LintMessage {
  rule: string
  line: number
  message: string
}

// dclint's declaration files use extensionless imports that NodeNext cannot follow, so its result
// type arrives as `any`; this is the part of it the tests read.
function lint(path: string): LintMessage[] {
  const [result] = linter.lintFiles([path], false) as { messages: LintMessage[] }[]
  return (result?.messages ?? []).map(({ rule, line, message }) => ({ rule, line, message }))
}

function lintText(fileName: string, text: string) {
  const path = join(scratch, fileName)
  writeFileSync(path, text)
  return lint(path)
}

describe('dclint', () => {
  test('the settings switch no rule off', () => {
    const levels = Object.values(rules).map((setting) =>
      Array.isArray(setting) ? setting[0] : setting,
    )
    expect(levels).not.toContain(0)
  })

  test('infra/compose.yml follows the Compose specification and breaks no dclint rule', () => {
    expect(lint(join(infraDir, 'compose.yml'))).toEqual([])
  })

  test('infra/compose.prod.yml breaks no dclint rule but the name, which compose.yml gives', () => {
    const messages = lint(join(infraDir, 'compose.prod.yml'))
    expect(messages.map(({ rule }) => rule)).toEqual(['require-project-name-field'])
  })

  test('infra/compose.local.yml breaks no dclint rule but the name, and publishes db and cache on 127.0.0.1 only', () => {
    const messages = lint(join(infraDir, 'compose.local.yml'))
    expect(messages.map(({ rule }) => rule)).toEqual(['require-project-name-field'])
    const { services } = parse(readFileSync(join(infraDir, 'compose.local.yml'), 'utf8')) as {
      services: Record<string, { ports: string[] }>
    }
    expect(services).toEqual({
      db: { ports: ['127.0.0.1:5432:5432'] },
      cache: { ports: ['127.0.0.1:6379:6379'] },
    })
  })

  test('a file outside the Compose specification is reported as invalid-schema', () => {
    const messages = lintText(
      'compose.invalid.yml',
      'name: demo\nservices:\n  web:\n    image: nginx:1.27\n    restart_policy: always\n',
    )
    expect(messages.map(({ rule }) => rule)).toEqual(['invalid-schema'])
  })

  test('a version field, a floating image tag and an unquoted port on every interface are each reported', () => {
    const messages = lintText(
      'compose.rules.yml',
      "version: '3.8'\nname: demo\nservices:\n  web:\n    image: nginx:latest\n    ports:\n      - 8080:80\n",
    )
    expect(messages.map(({ rule }) => rule).sort()).toEqual([
      'no-unbound-port-interfaces',
      'no-version-field',
      'require-quotes-in-ports',
      'service-image-require-explicit-tag',
    ])
  })
})
