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
