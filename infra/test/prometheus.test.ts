import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'

// Plain reads of the files as written (no variable set), so this file depends on nothing else of infra.
const read = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), 'utf8')
interface Service {
  image?: string
  profiles?: string[]
  command?: string[]
  depends_on?: unknown
  volumes?: string[]
  environment?: Record<string, string | number>
  ports?: string[]
  networks?: string[]
  restart?: string
  healthcheck?: {
    test?: string[]
    interval?: string
    timeout?: string
    retries?: number
    start_period?: string
  }
  cap_drop?: string[]
  deploy?: { resources?: { limits?: { memory?: string } } }
  read_only?: boolean
  security_opt?: string[]
  tmpfs?: string[]
}
interface ScrapeJob {
  job_name: string
  metrics_path?: string
  dns_sd_configs?: { names: string[]; type: string; port: number }[]
}
interface ScrapeConfig {
  global?: Record<string, string>
  scrape_configs?: ScrapeJob[]
}

// compose.prod.yml's `!override` only changes how Compose merges; the value under it is what counts here.
const yamlOf = <T>(path: string) => parse(read(path).replaceAll('!override', '')) as T
const servicesOf = (path: string) => yamlOf<{ services: Record<string, Service> }>(path).services

const compose = servicesOf('compose.yml')
const production = servicesOf('compose.prod.yml')
const prometheus = compose.prometheus ?? {}
const webJob = (file: string): ScrapeJob => {
  const job = yamlOf<ScrapeConfig>(file).scrape_configs?.find(({ job_name }) => job_name === 'web')
  if (!job) throw new Error(`${file} has no scrape job "web"`)
  return job
}

describe('the Prometheus of the metrics profile (compose.yml)', () => {
  test('runs only with --profile metrics, from an image pinned to an exact version', () => {
    expect(prometheus.profiles).toEqual(['metrics'])
    expect(prometheus.image).toMatch(/^prom\/prometheus:v3\.\d+\.\d+$/)
  })

  test('is hardened like the other services', () => {
    expect(prometheus.read_only).toBe(true)
    expect(prometheus.cap_drop).toEqual(['ALL'])
    expect(prometheus.security_opt).toEqual(['no-new-privileges:true'])
    expect(prometheus.deploy?.resources?.limits?.memory).toMatch(/^\d+M$/)
    expect(prometheus.restart).toBe('unless-stopped')
    expect(prometheus.tmpfs?.some((mount) => mount.startsWith('/prometheus:'))).toBe(true)
    expect(prometheus.command).toContain('--storage.tsdb.path=/prometheus')
  })

  test('has a health check on its readiness endpoint, with every timing', () => {
    const { test: check, interval, timeout, retries, start_period } = prometheus.healthcheck ?? {}
    expect(check).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9090/-/ready'])
    expect([interval, timeout, retries, start_period].every((value) => value !== undefined)).toBe(
      true,
    )
    expect(prometheus.command).toContain('--web.listen-address=:9090')
  })

  test('publishes its port on 127.0.0.1 only, and joins the stack after web is healthy', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's variable, as the file writes it
    expect(prometheus.ports).toEqual(['127.0.0.1:${PROMETHEUS_PORT:-9090}:9090'])
    expect(prometheus.networks).toEqual(['rede-aplicacao'])
    expect(prometheus.depends_on).toEqual({ web: { condition: 'service_healthy' } })
  })

  test('reads infra/prometheus/prometheus.yml, mounted read-only where --config.file points', () => {
    expect(prometheus.volumes).toEqual([
      './prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    ])
    expect(prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml')
  })

  test("scrapes /metrics of every replica of web, on web's PORT, since compose.yml leaves METRICS_PORT unset", () => {
    const job = webJob('prometheus/prometheus.yml')
    const environment = compose.web?.environment ?? {}
    expect(job.metrics_path).toBe('/metrics')
    expect(job.dns_sd_configs).toEqual([
      expect.objectContaining({ names: ['web'], type: 'A', port: Number(environment.PORT) }),
    ])
    expect(environment).not.toHaveProperty('METRICS_PORT')
  })
})

describe('with compose.prod.yml', () => {
  const environment = production.web?.environment ?? {}
  const metricsPort = Number(environment.METRICS_PORT)

  test('web serves /metrics on METRICS_PORT, which it does not publish', () => {
    expect(metricsPort).toBeGreaterThan(0)
    expect(metricsPort).not.toBe(Number(environment.PORT))
    for (const published of production.web?.ports ?? []) {
      expect(published.endsWith(`:${metricsPort}`)).toBe(false)
    }
  })

  test('Prometheus reads prometheus.prod.yml, which differs from prometheus.yml only in scraping METRICS_PORT', () => {
    expect(production.prometheus?.volumes).toEqual([
      './prometheus/prometheus.prod.yml:/etc/prometheus/prometheus.yml:ro',
    ])
    expect(webJob('prometheus/prometheus.prod.yml').dns_sd_configs?.[0]?.port).toBe(metricsPort)
    const portless = (file: string) =>
      JSON.stringify(yamlOf<ScrapeConfig>(file), (key, value) =>
        key === 'port' ? undefined : value,
      )
    expect(portless('prometheus/prometheus.prod.yml')).toBe(portless('prometheus/prometheus.yml'))
  })
})

describe('Kubernetes', () => {
  const config = yamlOf<{ data: Record<string, string> }>('k8s/web-configmap.yaml').data
  const { annotations } = yamlOf<{
    spec: { template: { metadata: { annotations?: Record<string, string> } } }
  }>('k8s/web-deployment.yaml').spec.template.metadata

  test('web serves /metrics on the METRICS_PORT of its ConfigMap, apart from its PORT', () => {
    expect(Number(config.METRICS_PORT)).toBeGreaterThan(0)
    expect(config.METRICS_PORT).not.toBe(config.PORT)
  })

  test('its pods carry the prometheus.io annotations, pointing at that port and path', () => {
    expect(annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': config.METRICS_PORT,
      'prometheus.io/path': '/metrics',
    })
  })
})
