import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eventually } from '@repo/testing/eventually'
import { freePort } from '@repo/testing/ports'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { startTestServer, type TestServer } from '../support/real-socket.js'
import { prometheusBinariesOr } from './prometheus-binaries.js'

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const configFiles = ['infra/prometheus/prometheus.yml', 'infra/prometheus/prometheus.prod.yml']

interface ScrapeJob {
  job_name: string
  dns_sd_configs?: unknown
  static_configs?: { targets: string[] }[]
}
interface PrometheusConfig {
  global?: Record<string, string>
  scrape_configs: ScrapeJob[]
}

/**
 * The repository's scrape configuration with the web job pointed at `target` instead of Docker's DNS, and scraping
 * every second. Everything else (the job, its path) is kept as written.
 */
function configFor(target: string): string {
  const config = parse(
    readFileSync(join(repoRoot, 'infra/prometheus/prometheus.yml'), 'utf8'),
  ) as PrometheusConfig
  const web = config.scrape_configs.find((job) => job.job_name === 'web')
  if (!web) throw new Error('infra/prometheus/prometheus.yml has no job "web"')
  delete web.dns_sd_configs
  web.static_configs = [{ targets: [target] }]
  config.global = { ...config.global, scrape_interval: '1s', scrape_timeout: '1s' }
  return stringify(config)
}

interface InstantVector {
  status: string
  data: { result: { metric: Record<string, string>; value: [number, string] }[] }
}

describe('a real Prometheus scraping the app with the scrape configuration of infra/prometheus', () => {
  let server: TestServer | undefined
  let prometheus: ChildProcess | undefined
  let prometheusUrl = ''
  let scratch = ''
  let prometheusOutput = ''
  let skipped: string | undefined

  beforeAll(async () => {
    prometheusBinariesOr((reason) => {
      skipped = reason
    })
    if (skipped) return
    server = await startTestServer()
    scratch = mkdtempSync(join(tmpdir(), 'web-prometheus-'))
    const configFile = join(scratch, 'prometheus.yml')
    writeFileSync(configFile, configFor(new URL(server.url).host))
    const port = await freePort()
    prometheusUrl = `http://127.0.0.1:${port}`
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(scratch, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    prometheus.stdout?.on('data', (chunk) => {
      prometheusOutput += chunk
    })
    prometheus.stderr?.on('data', (chunk) => {
      prometheusOutput += chunk
    })
    await eventually(
      async () => {
        if (prometheus?.exitCode !== null)
          throw new Error(`prometheus exited:\n${prometheusOutput}`)
        const ready = await fetch(`${prometheusUrl}/-/ready`)
        if (!ready.ok) throw new Error(`prometheus not ready: ${ready.status}`)
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    )
  }, 40_000)

  afterAll(async () => {
    if (prometheus?.pid !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve))
      process.kill(prometheus.pid, 'SIGTERM')
      const killer = setTimeout(() => {
        if (prometheus?.pid !== undefined) process.kill(prometheus.pid, 'SIGKILL')
      }, 5000)
      await exited
      clearTimeout(killer)
    }
    await server?.stop()
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  })

  async function query(promql: string): Promise<InstantVector['data']['result']> {
    const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)
    const body = (await res.json()) as InstantVector
    expect(body.status, JSON.stringify(body)).toBe('success')
    return body.data.result
  }

  it.for(configFiles)('promtool accepts %s', (file, context) => {
    if (skipped) context.skip(skipped)
    const check = spawnSync('promtool', ['check', 'config', join(repoRoot, file)], {
      encoding: 'utf8',
    })
    expect(check.status, check.stdout + check.stderr).toBe(0)
  })

  it('finds the app up', async (context) => {
    if (skipped) context.skip(skipped)
    await eventually(
      async () => {
        const [up] = await query('up{job="web"}')
        expect(up?.value[1], prometheusOutput).toBe('1')
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    )
  })

  it('sees the requests the test makes in http_requests_total, by route pattern', async (context) => {
    if (skipped || !server) return context.skip(skipped)
    for (const id of [1, 2, 3]) {
      expect((await fetch(`${server.url}/api/posts/${id}`)).status).toBe(200)
    }
    await eventually(
      async () => {
        const [series] = await query(
          'http_requests_total{job="web",method="GET",route="/api/posts/:id",status="200"}',
        )
        expect(series?.value[1]).toBe('3')
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    )
  })

  it("answers the README's three queries (over 1 m instead of 5): request rate, p99 by route, cache hit ratio", async (context) => {
    if (skipped || !server) return context.skip(skipped)
    const url = server.url
    // Spread over several scrapes, so that rate() sees the counters grow.
    for (let round = 0; round < 4; round++) {
      await fetch(`${url}/api/posts/1`)
      await fetch(`${url}/api/posts/cache`)
      await new Promise((resolve) => setTimeout(resolve, 1100))
    }
    await eventually(
      async () => {
        const rates = await query('sum by (route) (rate(http_requests_total{job="web"}[1m]))')
        const postRate = rates.find(({ metric }) => metric.route === '/api/posts/:id')
        expect(Number(postRate?.value[1])).toBeGreaterThan(0)

        const p99 = await query(
          'histogram_quantile(0.99, sum by (route, le) (rate(http_request_duration_seconds_bucket{job="web"}[1m])))',
        )
        const postP99 = p99.find(({ metric }) => metric.route === '/api/posts/:id')
        expect(Number(postP99?.value[1])).toBeGreaterThan(0)
        expect(Number(postP99?.value[1])).toBeLessThanOrEqual(10)

        const [ratio] = await query(
          'sum(rate(posts_cache_hits_total{job="web"}[1m])) / (sum(rate(posts_cache_hits_total{job="web"}[1m])) + sum(rate(posts_cache_misses_total{job="web"}[1m])))',
        )
        // One miss fills the cache, the next reads hit it.
        expect(Number(ratio?.value[1])).toBeGreaterThan(0.5)
        expect(Number(ratio?.value[1])).toBeLessThanOrEqual(1)
      },
      { timeoutMs: 15_000, intervalMs: 500 },
    )
  })
})
