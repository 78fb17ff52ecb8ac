import { describe, expect, test } from 'vitest'
import {
  environmentOf as environmentOfService,
  healthcheckArgv,
  parseCompose,
  servicesInProfile,
} from '../src/compose.js'
import { shutdownGraceProblems } from '../src/compose-rules.js'
import { healthcheckCommand, parseDockerfile } from '../src/dockerfile.js'
import { interpolate, referencesWithoutDefault } from '../src/interpolation.js'
import { readRepoFile, webConfigDefault } from '../src/repo.js'

const composeText = readRepoFile('infra/compose.yml')
// What Compose runs when no variable is set: the out-of-the-box stack.
const stack = parseCompose(interpolate(composeText, {}))
const services = stack.services ?? {}
const dockerfileStages = parseDockerfile(readRepoFile('infra/Dockerfile'))

function environmentOf(service: string): Record<string, string> {
  return environmentOfService(services[service] ?? {})
}

describe('out of the box', () => {
  test('every variable in infra/compose.yml has a default, so no .env is needed', () => {
    expect(referencesWithoutDefault(composeText)).toEqual([])
  })

  test('the project has a name; without a profile it runs the four services of the stack', () => {
    expect(stack.name).toMatch(/^[a-z0-9][a-z0-9_-]*$/)
    expect(
      servicesInProfile(stack)
        .map(([name]) => name)
        .sort(),
    ).toEqual(['cache', 'client', 'db', 'web'])
  })

  test('the scale profile adds the proxy and nothing else', () => {
    const scale = servicesInProfile(stack, 'scale').map(([name]) => name)
    expect(
      scale.filter((name) => !servicesInProfile(stack).some(([other]) => other === name)),
    ).toEqual(['proxy'])
  })
})

describe('web', () => {
  const environment = environmentOf('web')

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
    const db = environmentOf('db')
    expect(database.protocol).toBe('postgres:')
    expect(`${database.hostname}:${database.port}`).toBe('db:5432')
    expect(database.username).toBe(db.POSTGRES_USER)
    expect(database.password).toBe(db.POSTGRES_PASSWORD)
    expect(database.pathname).toBe(`/${db.POSTGRES_DB}`)
    const redis = new URL(environment.REDIS_URL ?? '')
    expect(`${redis.protocol}//${redis.hostname}:${redis.port}`).toBe('redis://cache:6379')
  })

  test('starts once db and cache are healthy, and restarts when db does', () => {
    expect(services.web?.depends_on).toEqual({
      cache: { condition: 'service_healthy' },
      db: { condition: 'service_healthy', restart: true },
    })
  })

  test('publishes its PORT, the port the image EXPOSEs, on 127.0.0.1:5000', () => {
    const web = dockerfileStages.find((stage) => stage.name === 'web')
    const exposed = web?.instructions.find(({ keyword }) => keyword === 'EXPOSE')?.args
    expect(exposed).toBe(environment.PORT)
    expect(services.web?.ports).toEqual([`127.0.0.1:5000:${environment.PORT}`])
  })

  test("is given longer to stop than the app's shutdown drain, SHUTDOWN_TIMEOUT_MS", () => {
    const appDefaultMs = webConfigDefault('SHUTDOWN_TIMEOUT_MS')
    expect(appDefaultMs).toBeGreaterThan(0)
    expect(shutdownGraceProblems(stack, 'web', appDefaultMs)).toEqual([])
  })
})

describe('client', () => {
  test('drives the web service on the port web listens on, after web is healthy', () => {
    const apiUrl = new URL(environmentOf('client').API_URL ?? '')
    expect(`${apiUrl.hostname}:${apiUrl.port}`).toBe(`web:${environmentOf('web').PORT}`)
    expect(services.client?.depends_on).toEqual({ web: { condition: 'service_healthy' } })
  })
})

describe('data', () => {
  test('db keeps its data in the named volume dados_postgres, where postgres:15 writes it', () => {
    expect(services.db?.volumes).toEqual(['dados_postgres:/var/lib/postgresql/data'])
    expect(Object.keys(stack.volumes ?? {})).toEqual(['dados_postgres'])
  })

  test('every service is on the bridge network rede-aplicacao', () => {
    expect(stack.networks).toEqual({ 'rede-aplicacao': { driver: 'bridge' } })
    for (const service of Object.values(services)) {
      expect(service.networks).toEqual(['rede-aplicacao'])
    }
  })
})

describe('health checks shared with the Dockerfile', () => {
  test.each(['web', 'client'])(
    '%s runs the same health check in compose as in its image',
    (name) => {
      const stage = dockerfileStages.find((candidate) => candidate.name === name)
      const instruction = stage?.instructions.find(({ keyword }) => keyword === 'HEALTHCHECK')
      const fromImage = instruction === undefined ? undefined : healthcheckCommand(instruction)
      expect(fromImage?.[0]).toBe('CMD')
      expect(healthcheckArgv(services[name]?.healthcheck)).toEqual(fromImage?.slice(1))
    },
  )
})
