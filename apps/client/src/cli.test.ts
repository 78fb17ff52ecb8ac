import { describe, expect, test } from 'vitest'
import { parseCliArgs } from './cli.js'

describe('parseCliArgs', () => {
  test('without arguments, repeats rounds', () => {
    expect(parseCliArgs([])).toEqual({ once: false, wait: false })
  })

  test('with --once, runs a single round', () => {
    expect(parseCliArgs(['--once'])).toEqual({ once: true, wait: false })
  })

  test('with the "--" that `pnpm start -- --once` passes along, still sees --once', () => {
    expect(parseCliArgs(['--', '--once'])).toEqual({ once: true, wait: false })
  })

  test('with --wait, waits for the API before the first round', () => {
    expect(parseCliArgs(['--wait'])).toEqual({ once: false, wait: true })
  })

  test('with an unknown option, throws naming it', () => {
    expect(() => parseCliArgs(['--twice'])).toThrow(/--twice/)
  })
})
