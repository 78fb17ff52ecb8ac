import { spawnSync } from 'node:child_process'
import { freePort } from '@repo/testing/ports'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'
import { prometheusBinariesOr } from './prometheus-binaries.js'
import { sampleValue } from './prometheus-text.js'

const urls = { DATABASE_URL: 'postgres://db/app', REDIS_URL: 'redis://cache' }

describe('METRICS_PORT in the configuration', () => {
  it('is unset by default', () => {
    expect(parseConfig(urls).METRICS_PORT).toBeUndefined()
  })

  it('is read as a port', () => {
    expect(parseConfig({ ...urls, METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464)
  })

  it.each(['0', '65536', 'abc', '', '94.64'])('rejects %j and names it', (value) => {
    expect(() => parseConfig({ ...urls, METRICS_PORT: value })).toThrow(/\bMETRICS_PORT\b/)
  })

  it('must differ from PORT', () => {
    expect(() => parseConfig({ ...urls, PORT: '5000', METRICS_PORT: '5000' })).toThrow(
      'METRICS_PORT must differ from PORT',
    )
  })
})

describe('the real server with METRICS_PORT set', () => {
  let server: TestServer
  let metricsUrl: string
  beforeAll(async () => {
    const metricsPort = await freePort()
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
    server = await startTestServer({
      env: { METRICS_PORT: String(metricsPort), LOG_LEVEL: 'debug' },
    })
  })
  afterAll(() => server?.stop())

  it('answers GET /metrics on the public port with the JSON 404 of any unknown route', async () => {
    const res = await fetch(`${server.url}/metrics`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ erro: 'Rota não encontrada' })
    expect(res.headers.get('x-request-id')).not.toBeNull()
  })

  it('serves /metrics on METRICS_PORT, counting the public traffic, and nothing else there', async () => {
    await fetch(`${server.url}/api/posts/1`)
    const res = await fetch(metricsUrl)
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(
      sampleValue(text, 'http_requests_total', {
        method: 'GET',
        route: '/api/posts/:id',
        status: '200',
      }),
    ).toBe(1)
    // The public 404 for /metrics, under the one label of unmatched paths.
    expect(
      sampleValue(text, 'http_requests_total', { route: 'unmatched', status: '404' }),
    ).toBeGreaterThanOrEqual(1)
    const other = await fetch(metricsUrl.replace('/metrics', '/api/posts'))
    expect(other.status).toBe(404)
  })

  it('includes the default process metrics', async () => {
    const text = await (await fetch(metricsUrl)).text()
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(sampleValue(text, name), name).toBeGreaterThanOrEqual(0)
    }
  })

  it('logs that it serves /metrics there, once', () => {
    expect(server.logs.filter((line) => line.message === 'serving /metrics')).toHaveLength(1)
  })

  it('its whole exposition passes promtool check metrics', async (context) => {
    prometheusBinariesOr((reason) => context.skip(reason))
    const exposition = await (await fetch(metricsUrl)).text()
    const check = spawnSync('promtool', ['check', 'metrics'], {
      input: exposition,
      encoding: 'utf8',
    })
    expect(check.status, check.stdout + check.stderr).toBe(0)
    expect(check.stdout + check.stderr).toBe('')
  })
})
