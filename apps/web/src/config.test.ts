import { describe, expect, it } from 'vitest'
import { parseConfig } from './config.js'

const required = { DATABASE_URL: 'postgres://u:p@db:5432/app', REDIS_URL: 'redis://cache:6379' }

describe('parseConfig', () => {
  it('applies the defaults of the contract', () => {
    expect(parseConfig(required)).toMatchObject({
      PORT: 5000,
      CACHE_TTL_SECONDS: 60,
      LOG_LEVEL: 'info',
      CORS_ORIGINS: [],
    })
  })

  it('reads every variable it is given', () => {
    const config = parseConfig({
      ...required,
      PORT: '8080',
      CACHE_TTL_SECONDS: '5',
      LOG_LEVEL: 'debug',
      CORS_ORIGINS: 'https://a.example,https://b.example',
    })
    expect(config).toMatchObject({ PORT: 8080, CACHE_TTL_SECONDS: 5, LOG_LEVEL: 'debug' })
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example'])
  })

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['CACHE_TTL_SECONDS', { CACHE_TTL_SECONDS: '0' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/app' }],
    ['REDIS_URL', { REDIS_URL: 'not a url' }],
  ])('rejects a bad %s and names it', (variable, bad) => {
    expect(() => parseConfig({ ...required, ...bad })).toThrow(new RegExp(`\\b${variable}\\b`))
  })

  it('names a missing DATABASE_URL as required', () => {
    expect(() => parseConfig({ REDIS_URL: required.REDIS_URL })).toThrow('DATABASE_URL is required')
  })

  it('never repeats a value, which may hold a password', () => {
    expect(() => parseConfig({ ...required, DATABASE_URL: 'ftp://user:s3cret@db/app' })).toThrow(
      /^(?!.*s3cret)/,
    )
  })
})
