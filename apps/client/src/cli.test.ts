import { describe, expect, test } from 'vitest'
import { parseCliArgs } from './cli.js'

describe('parseCliArgs', () => {
  test('without arguments, repeats rounds', () => {
    expect(parseCliArgs([])).toEqual({ once: false })
  })

  test('with --once, runs a single round', () => {
    expect(parseCliArgs(['--once'])).toEqual({ once: true })
  })

  test('with the "--" that `pnpm start -- --once` passes along, still sees --once', () => {
    expect(parseCliArgs(['--', '--once'])).toEqual({ once: true })
  })

  test('with an unknown option, throws naming it', () => {
    expect(() => parseCliArgs(['--twice'])).toThrow(/--twice/)
  })
})
