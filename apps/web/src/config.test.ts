import { describe, expect, it } from 'vitest'
import { parseConfig, parseDevSettings, wantsEmbeddedDatabase } from './config.js'

const required = { DATABASE_URL: 'postgres://u:p@db:5432/app', REDIS_URL: 'redis://cache:6379' }

describe('parseConfig', () => {
  it('applies the defaults of the contract', () => {
    expect(parseConfig(required)).toMatchObject({
      PORT: 5000,
      CACHE_TTL_SECONDS: 60,
      LOG_LEVEL: 'info',
      CORS_ORIGINS: [],
      EVENT_STREAMS_MAX: 500,
      EVENT_HEARTBEAT_MS: 15_000,
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
    ['EVENT_STREAMS_MAX', { EVENT_STREAMS_MAX: '-1' }],
    ['EVENT_HEARTBEAT_MS', { EVENT_HEARTBEAT_MS: '10' }],
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

  it('reads DATABASE_URL and REDIS_URL from the files *_FILE names, trimmed', () => {
    const files: Record<string, string> = {
      '/run/secrets/database_url': 'postgres://u:p@db:5432/app\n',
      '/run/secrets/redis_url': 'redis://:p@cache:6379\n',
    }
    const config = parseConfig(
      { DATABASE_URL_FILE: '/run/secrets/database_url', REDIS_URL_FILE: '/run/secrets/redis_url' },
      (path) => files[path] ?? '',
    )
    expect(config.DATABASE_URL).toBe('postgres://u:p@db:5432/app')
    expect(config.REDIS_URL).toBe('redis://:p@cache:6379')
  })

  it('refuses a variable given both directly and as a file', () => {
    expect(() => parseConfig({ ...required, DATABASE_URL_FILE: '/x' }, () => '')).toThrow(
      'Set DATABASE_URL or DATABASE_URL_FILE, not both',
    )
  })

  it('names the variable whose file cannot be read', () => {
    expect(() =>
      parseConfig({ REDIS_URL: required.REDIS_URL, DATABASE_URL_FILE: '/nonexistent/secret' }),
    ).toThrow(/DATABASE_URL_FILE names a file that cannot be read \(ENOENT\)/)
  })

  it('validates a value read from a file like any other', () => {
    expect(() =>
      parseConfig({ REDIS_URL: required.REDIS_URL, DATABASE_URL_FILE: '/f' }, () => 'mysql://x'),
    ).toThrow(/DATABASE_URL must start with/)
  })
})

describe('development defaults', () => {
  it('outside production, a missing REDIS_URL means the in-process cache', () => {
    expect(parseConfig({ DATABASE_URL: required.DATABASE_URL }).REDIS_URL).toBeUndefined()
  })

  it('in production, a missing REDIS_URL stops the app with a message naming it', () => {
    expect(() =>
      parseConfig({ DATABASE_URL: required.DATABASE_URL, NODE_ENV: 'production' }),
    ).toThrow('Invalid configuration: REDIS_URL is required in production')
  })

  it('in production, a missing DATABASE_URL is still named as required', () => {
    expect(() => parseConfig({ NODE_ENV: 'production', REDIS_URL: required.REDIS_URL })).toThrow(
      'Invalid configuration: DATABASE_URL is required',
    )
  })

  it.each([
    [{}, true],
    [{ DATABASE_URL: required.DATABASE_URL }, false],
    [{ DATABASE_URL_FILE: '/run/secrets/database_url' }, false],
    [{ NODE_ENV: 'production' }, false],
  ])('with %o, pnpm dev starts an embedded PostgreSQL: %s', (env, wanted) => {
    expect(wantsEmbeddedDatabase(env)).toBe(wanted)
  })

  it('DEV_POSTGRES_PORT defaults to 54329 and must be a port', () => {
    expect(parseDevSettings({}).DEV_POSTGRES_PORT).toBe(54_329)
    expect(parseDevSettings({ DEV_POSTGRES_PORT: '6000' }).DEV_POSTGRES_PORT).toBe(6000)
    expect(() => parseDevSettings({ DEV_POSTGRES_PORT: '0' })).toThrow(/DEV_POSTGRES_PORT/)
  })
})
