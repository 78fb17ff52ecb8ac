import { describe, expect, test } from 'vitest'
import { mergeCompose } from '../src/compose-merge.js'

const base = `services:
  web:
    image: a:1
    command: ["node", "a.js"]
    environment:
      A: "1"
      B: "2"
    ports:
      - "127.0.0.1::5000"
    cap_drop: [ALL]
    healthcheck:
      test: ["CMD", "true"]
      interval: 10s
`

describe('mergeCompose, as docker compose -f base -f override', () => {
  test('mappings merge key by key and the later file wins', () => {
    const merged = mergeCompose(base, 'services:\n  web:\n    image: a:2\n    init: true\n')
    expect(merged.services?.web).toMatchObject({ image: 'a:2', init: true, cap_drop: ['ALL'] })
  })

  test('sequences are appended without repeating an entry', () => {
    const merged = mergeCompose(base, 'services:\n  web:\n    cap_drop: [ALL, NET_RAW]\n')
    expect(merged.services?.web?.cap_drop).toEqual(['ALL', 'NET_RAW'])
  })

  test("command and a health check's test are replaced, not appended", () => {
    const merged = mergeCompose(
      base,
      'services:\n  web:\n    command: ["node", "b.js"]\n    healthcheck:\n      test: ["CMD", "false"]\n',
    )
    expect(merged.services?.web?.command).toEqual(['node', 'b.js'])
    expect(merged.services?.web?.healthcheck).toEqual({ test: ['CMD', 'false'], interval: '10s' })
  })

  test('environment merges by variable name, from a list as from a map', () => {
    const merged = mergeCompose(
      base,
      'services:\n  web:\n    environment:\n      - B=3\n      - C=4\n',
    )
    expect(merged.services?.web?.environment).toEqual({ A: '1', B: '3', C: '4' })
  })

  test('!override replaces a value whole and !reset removes it', () => {
    const merged = mergeCompose(
      base,
      `services:
  web:
    environment: !override
      C: "4"
    ports: !override
      - "127.0.0.1:5000:5000"
    cap_drop: !reset []
`,
    )
    expect(merged.services?.web?.environment).toEqual({ C: '4' })
    expect(merged.services?.web?.ports).toEqual(['127.0.0.1:5000:5000'])
    expect(merged.services?.web).not.toHaveProperty('cap_drop')
  })

  test('a tag with nothing beneath it to act on leaves a plain value', () => {
    const merged = mergeCompose(base, 'services:\n  db:\n    image: !override postgres:15-alpine\n')
    expect(merged.services?.db).toEqual({ image: 'postgres:15-alpine' })
  })
})
