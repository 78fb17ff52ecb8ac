import { describe, expect, test } from 'vitest'
import { parseConfig } from './config.js'

describe('parseConfig', () => {
  test('with no variables set, uses the documented defaults', () => {
    expect(parseConfig({})).toEqual({
      apiUrl: 'http://localhost:5000',
      intervalSeconds: 15,
      requestTimeoutMs: 5000,
    })
  })

  test('with every variable set, uses them and drops the trailing slash of API_URL', () => {
    const config = parseConfig({
      API_URL: 'https://api.example.test:8443/base/',
      INTERVAL_SECONDS: '2.5',
      REQUEST_TIMEOUT_MS: '750',
    })
    expect(config).toEqual({
      apiUrl: 'https://api.example.test:8443/base',
      intervalSeconds: 2.5,
      requestTimeoutMs: 750,
    })
  })

  test.each(['abc', '0', '-5', '', '15s'])(
    'with INTERVAL_SECONDS=%j, throws a message naming INTERVAL_SECONDS',
    (value) => {
      expect(() => parseConfig({ INTERVAL_SECONDS: value })).toThrow(
        'Invalid configuration: INTERVAL_SECONDS must be a positive number of seconds',
      )
    },
  )

  test.each(['0', '1.5', 'soon'])(
    'with REQUEST_TIMEOUT_MS=%j, throws a message naming REQUEST_TIMEOUT_MS',
    (value) => {
      expect(() => parseConfig({ REQUEST_TIMEOUT_MS: value })).toThrow(/^.*REQUEST_TIMEOUT_MS must/)
    },
  )

  test('with an INTERVAL_SECONDS beyond what a timer can wait, throws naming the variable', () => {
    expect(() => parseConfig({ INTERVAL_SECONDS: '9999999' })).toThrow(
      'INTERVAL_SECONDS must be at most 2147483',
    )
  })

  test.each(['localhost:5000', 'ftp://example.test', 'http://example.test/?x=1'])(
    'with API_URL=%j, throws a message naming API_URL',
    (value) => {
      expect(() => parseConfig({ API_URL: value })).toThrow(/API_URL must/)
    },
  )

  test('with two bad variables, names both', () => {
    expect(() => parseConfig({ API_URL: 'nope', INTERVAL_SECONDS: 'never' })).toThrow(
      /API_URL .*; INTERVAL_SECONDS /,
    )
  })
})

describe('API_WRITE_TOKEN', () => {
  test('is unset by default, and read from the variable or from the file API_WRITE_TOKEN_FILE names', () => {
    expect(parseConfig({}).writeToken).toBeUndefined()
    expect(parseConfig({ API_WRITE_TOKEN: 'segredo' }).writeToken).toBe('segredo')
    const files: Record<string, string> = { '/run/secrets/api_write_token': 'do-arquivo\n' }
    const readFile = (path: string) => files[path] ?? ''
    const config = parseConfig({ API_WRITE_TOKEN_FILE: '/run/secrets/api_write_token' }, readFile)
    expect(config.writeToken).toBe('do-arquivo')
  })

  test('refuses both at once, and a file that cannot be read, naming the variable', () => {
    expect(() => parseConfig({ API_WRITE_TOKEN: 'a', API_WRITE_TOKEN_FILE: '/x' })).toThrow(
      'Set API_WRITE_TOKEN or API_WRITE_TOKEN_FILE, not both',
    )
    expect(() => parseConfig({ API_WRITE_TOKEN_FILE: '/nonexistent/token' })).toThrow(
      /^API_WRITE_TOKEN_FILE names a file that cannot be read \(ENOENT\)/,
    )
  })
})
