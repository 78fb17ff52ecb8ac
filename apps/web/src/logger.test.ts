import { describe, expect, it } from 'vitest'
import { createLogger, describeError } from './logger.js'

function capture(level: Parameters<typeof createLogger>[0] = 'debug') {
  const lines: string[] = []
  const logger = createLogger(level, (line) => lines.push(line))
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line)) }
}

describe('createLogger', () => {
  it('writes one JSON object per line: level by name, ISO time, message, then the fields', () => {
    const { logger, lines, parsed } = capture()
    logger.info({ port: 5000 }, 'listening')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/\n$/)
    expect(parsed()[0]).toMatchObject({ level: 'info', message: 'listening', port: 5000 })
    expect(new Date(parsed()[0].time).toISOString()).toBe(parsed()[0].time)
  })

  it('leaves out lines below its level, and everything when silent', () => {
    const info = capture('info')
    info.logger.debug('probe')
    info.logger.warn('slow')
    expect(info.parsed().map((line) => line.message)).toEqual(['slow'])
    const silent = capture('silent')
    silent.logger.error('boom')
    expect(silent.lines).toEqual([])
  })

  it('a child carries its bindings on every line', () => {
    const { logger, parsed } = capture()
    logger.child({ requestId: 'abc' }).warn({ code: 'X' }, 'database unavailable')
    expect(parsed()[0]).toMatchObject({ requestId: 'abc', code: 'X' })
  })

  it('redacts connection strings and credentials under the keys that hold them, a whole config or headers included', () => {
    const secret = 'postgres://app:s3cr3t@db:5432/app'
    const { logger, lines } = capture()
    logger.info(
      {
        DATABASE_URL: secret,
        REDIS_URL: 'redis://:s3cr3t@cache:6379',
        password: 's3cr3t',
        url: secret,
        config: { DATABASE_URL: secret, REDIS_URL: secret, PORT: 5000 },
        headers: { authorization: 'Bearer s3cr3t', cookie: 's=s3cr3t', accept: '*/*' },
      },
      'oops',
    )
    expect(lines.join('')).not.toContain('s3cr3t')
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      DATABASE_URL: '[redacted]',
      url: '[redacted]',
      config: { DATABASE_URL: '[redacted]', REDIS_URL: '[redacted]', PORT: 5000 },
      headers: { authorization: '[redacted]', cookie: '[redacted]', accept: '*/*' },
    })
  })
})

describe('describeError', () => {
  it('keeps the message, the name and the code, never the stack', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    })
    expect(describeError(error)).toEqual({
      error: 'connect ECONNREFUSED 127.0.0.1:5432',
      errorName: 'Error',
      code: 'ECONNREFUSED',
    })
  })

  it('takes the credentials out of a connection string quoted in the message', () => {
    const described = describeError(
      new Error('cannot reach postgres://app:s3cr3t@db:5432/app or redis://:pw@cache:6379'),
    )
    expect(described.error).toBe(
      'cannot reach postgres://[redacted]@db:5432/app or redis://[redacted]@cache:6379',
    )
    expect(describeError('rediss://user:pw@host').error).toBe('rediss://[redacted]@host')
  })
})
