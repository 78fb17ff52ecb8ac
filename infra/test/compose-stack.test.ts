import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { DockerfileParser } from 'dockerfile-ast'
import { describe, expect, test } from 'vitest'
import { parseConfig } from 'web/config'
import {
  type ComposeService,
  composeVariables,
  environmentOf,
  loadCompose,
  seconds,
} from '../src/compose.js'
import { infraDir, readRepoFile } from '../src/repo.js'

// What Compose runs when no variable is set: the out-of-the-box stack.
const stack = loadCompose('compose.yml')
const services = stack.services
const service = (name: string): ComposeService => services[name] ?? {}
const dockerfile = DockerfileParser.parse(readRepoFile('infra/Dockerfile'))

function stageNamed(name: string) {
  const from = dockerfile.getFROMs().find((candidate) => candidate.getBuildStage() === name)
  return from === undefined ? undefined : dockerfile.getContainingImage(from.getRange().start)
}

describe('out of the box', () => {
  test('every variable in infra/compose.yml has a default, so no .env is needed', () => {
    const withoutDefault = composeVariables('compose.yml').filter(
      ({ operator }) => operator !== ':-' && operator !== '-',
    )
    expect(withoutDefault).toEqual([])
  })

  test('every variable of compose.yml and compose.prod.yml is listed in .env.example', () => {
    const documented = Object.keys(parseEnv(readRepoFile('.env.example')))
    const used = [...composeVariables('compose.yml'), ...composeVariables('compose.prod.yml')]
    expect(documented).toEqual(expect.arrayContaining(used.map(({ name }) => name)))
  })

  test('the project has a name; without a profile it runs the four services of the stack', () => {
    expect(stack.name).toMatch(/^[a-z0-9][a-z0-9_-]*$/)
    const unprofiled = Object.keys(services).filter((name) => service(name).profiles === undefined)
    expect(unprofiled.sort()).toEqual(['cache', 'client', 'db', 'web'])
  })

  test('the scale profile adds the proxy, the metrics profile Prometheus, and nothing else', () => {
    const profiled = Object.entries(services).filter(([, { profiles }]) => profiles !== undefined)
    expect(Object.fromEntries(profiled.map(([name, { profiles }]) => [name, profiles]))).toEqual({
      prometheus: ['metrics'],
      proxy: ['scale'],
    })
  })
})

describe('every service', () => {
  test('runs a pinned image, or the target of the Dockerfile built here', () => {
    const images = Object.entries(services).map(([name, { image, build }]) => [
      name,
      image ?? build,
    ])
    expect(Object.fromEntries(images)).toEqual({
      cache: 'redis:7-alpine',
      client: { context: '..', dockerfile: 'infra/Dockerfile', target: 'client' },
      db: 'postgres:15-alpine',
      prometheus: 'prom/prometheus:v3.5.0',
      proxy: 'nginxinc/nginx-unprivileged:1-alpine',
      web: { context: '..', dockerfile: 'infra/Dockerfile', target: 'web' },
    })
  })

  test('reports its health with a command and every timing, so up --wait can rely on it', () => {
    for (const [name, { healthcheck }] of Object.entries(services)) {
      expect(healthcheck?.test[0], name).toBe('CMD')
      expect(healthcheck, name).toMatchObject({
        interval: expect.stringMatching(/^\d+s$/),
        timeout: expect.stringMatching(/^\d+s$/),
        retries: expect.any(Number),
        start_period: expect.stringMatching(/^\d+s$/),
      })
    }
  })

  test('sets no container_name, which would forbid scaling and parallel projects', () => {
    expect(Object.values(services).filter((item) => 'container_name' in item)).toEqual([])
  })

  test('publishes nothing beyond 127.0.0.1, and db and cache publish nothing at all', () => {
    const ports = Object.values(services).flatMap((item) => item.ports ?? [])
    expect(ports.filter((port) => !port.startsWith('127.0.0.1:'))).toEqual([])
    expect(service('db').ports).toBeUndefined()
    expect(service('cache').ports).toBeUndefined()
  })

  test('is on the bridge network rede-aplicacao', () => {
    expect(stack.networks).toEqual({ 'rede-aplicacao': { driver: 'bridge' } })
    for (const item of Object.values(services)) expect(item.networks).toEqual(['rede-aplicacao'])
  })
})

describe('web', () => {
  const environment = environmentOf(service('web'))

  test('receives exactly the configuration of the API contract', () => {
    expect(Object.keys(environment).sort()).toEqual([
      'CACHE_TTL_SECONDS',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'REDIS_URL',
    ])
    expect(environment.PORT).toBe('5000')
  })

  test('reaches PostgreSQL and Redis by their service names, with the credentials db is created with', () => {
    const database = new URL(environment.DATABASE_URL ?? '')
    const db = environmentOf(service('db'))
    expect(database.protocol).toBe('postgres:')
    expect(`${database.hostname}:${database.port}`).toBe('db:5432')
    expect(database.username).toBe(db.POSTGRES_USER)
    expect(database.password).toBe(db.POSTGRES_PASSWORD)
    expect(database.pathname).toBe(`/${db.POSTGRES_DB}`)
    const redis = new URL(environment.REDIS_URL ?? '')
    expect(`${redis.protocol}//${redis.hostname}:${redis.port}`).toBe('redis://cache:6379')
  })

  test('starts once db and cache are healthy, and restarts when db does', () => {
    expect(service('web').depends_on).toEqual({
      cache: { condition: 'service_healthy' },
      db: { condition: 'service_healthy', restart: true },
    })
  })

  test('publishes its PORT, the port the image EXPOSEs, on 127.0.0.1:5000', () => {
    const exposed = stageNamed('web')
      ?.getInstructions()
      .find((instruction) => instruction.getKeyword() === 'EXPOSE')
    expect(exposed?.getArgumentsContent()).toBe(environment.PORT)
    expect(service('web').ports).toEqual([`127.0.0.1:5000:${environment.PORT}`])
  })

  test("is given longer to stop than the app's shutdown drain, SHUTDOWN_TIMEOUT_MS", () => {
    const drainMs = parseConfig(environment).SHUTDOWN_TIMEOUT_MS
    expect(drainMs).toBeGreaterThan(0)
    expect(seconds(service('web').stop_grace_period) * 1000).toBeGreaterThan(drainMs)
  })
})

describe('the services built here', () => {
  test.each(['web', 'client'])('%s is built from a stage of the Dockerfile it names', (name) => {
    const { context = '', dockerfile: file = '', target = '' } = service(name).build ?? {}
    expect(existsSync(join(infraDir, context, file))).toBe(true)
    expect(stageNamed(target)).toBeDefined()
  })

  test.each(['web', 'client'])(
    '%s runs locked down, with init, a memory limit and time to stop',
    (name) => {
      expect(service(name)).toMatchObject({
        init: true,
        read_only: true,
        tmpfs: ['/tmp'],
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
        deploy: { resources: { limits: { memory: expect.stringMatching(/^\d+M$/) } } },
        stop_grace_period: expect.stringMatching(/^\d+s$/),
        restart: 'unless-stopped',
      })
    },
  )
})

describe('client', () => {
  test('drives the web service on the port web listens on, after web is healthy', () => {
    const apiUrl = new URL(environmentOf(service('client')).API_URL ?? '')
    expect(`${apiUrl.hostname}:${apiUrl.port}`).toBe(`web:${environmentOf(service('web')).PORT}`)
    expect(service('client').depends_on).toEqual({ web: { condition: 'service_healthy' } })
  })
})

describe('data', () => {
  test('db keeps its data in the named volume dados_postgres, where postgres:15 writes it', () => {
    expect(service('db').volumes).toEqual(['dados_postgres:/var/lib/postgresql/data'])
    expect(Object.keys(stack.volumes ?? {})).toEqual(['dados_postgres'])
  })
})

describe('health checks shared with the Dockerfile', () => {
  test.each(['web', 'client'])(
    '%s runs the same health check in compose as in its image',
    (name) => {
      const [healthcheck] = stageNamed(name)?.getHEALTHCHECKs() ?? []
      const content = healthcheck?.getArgumentsContent() ?? ''
      expect(content).toMatch(/^CMD \[/)
      expect(['CMD', ...JSON.parse(content.slice('CMD '.length))]).toEqual(
        service(name).healthcheck?.test,
      )
    },
  )
})
