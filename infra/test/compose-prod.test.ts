import { describe, expect, test } from 'vitest'
import { parseConfig } from 'web/config'
import {
  type ComposeFile,
  composeDocument,
  composeVariables,
  type Environment,
  environmentOf,
  loadCompose,
  seconds,
} from '../src/compose.js'

// docker compose -f infra/compose.yml -f infra/compose.prod.yml
const productionEnv = {
  POSTGRES_DB: 'app',
  POSTGRES_USER: 'app_owner',
  DB_PASSWORD_FILE: '/srv/secrets/db_password',
  DATABASE_URL_FILE: '/srv/secrets/database_url',
  API_WRITE_TOKEN_FILE: '/srv/secrets/api_write_token',
  REDIS_URL: 'redis://cache:6379',
}

const prodDocument = composeDocument('compose.prod.yml')
const prodServices = loadCompose('compose.prod.yml', productionEnv).services

/**
 * The merge of the two files for what the production file changes. Each key it sets on a service
 * either is new there or carries `!override` (both tested below), so Compose's merge is, for them,
 * the production value replacing the development one.
 */
function production(env: Environment): ComposeFile {
  const base = loadCompose('compose.yml', env)
  const prod = loadCompose('compose.prod.yml', env)
  const services = Object.fromEntries(
    Object.entries(base.services).map(([name, service]) => [
      name,
      { ...service, ...prod.services[name] },
    ]),
  )
  return { ...base, services, secrets: prod.secrets }
}

const merged = production(productionEnv)
const service = (name: string) => merged.services[name] ?? {}

describe('what compose.prod.yml changes', () => {
  test("only the secrets, environment and ports of db and web, the client's secret and environment, the secrets they mount, and Prometheus's scrape file", () => {
    expect(Object.keys(prodDocument.toJS())).toEqual(['services', 'secrets'])
    expect(loadCompose('compose.yml').secrets).toBeUndefined()
    expect(
      Object.fromEntries(Object.entries(prodServices).map(([n, s]) => [n, Object.keys(s)])),
    ).toEqual({
      client: ['secrets', 'environment'],
      db: ['secrets', 'environment'],
      prometheus: ['volumes'],
      web: ['secrets', 'environment', 'ports'],
    })
  })

  test('each setting compose.yml also has is replaced whole (!override), not merged into it', () => {
    const base = loadCompose('compose.yml').services
    for (const [name, settings] of Object.entries(prodServices)) {
      for (const key of Object.keys(settings).filter((key) => key in (base[name] ?? {}))) {
        const node = prodDocument.getIn(['services', name, key], true) as { tag?: string }
        expect(node.tag, `${name}.${key}`).toBe('!override')
      }
    }
  })
})

describe('secrets are required', () => {
  const required = [
    ...new Set(
      composeVariables('compose.prod.yml')
        .filter(({ operator }) => operator === ':?')
        .map(({ name }) => name),
    ),
  ]

  test('the production file requires the database credentials, its password file, both URLs and the write token file', () => {
    expect(required.sort()).toEqual(Object.keys(productionEnv).sort())
  })

  test.each(required)('without %s, Compose refuses to start and names it', (missing) => {
    const env = Object.fromEntries(Object.entries(productionEnv).filter(([key]) => key !== missing))
    expect(() => production(env)).toThrow(`${missing} is required`)
    expect(() => production({ ...env, [missing]: '' })).toThrow(`${missing} is required`)
  })

  test('no development password is left in the production configuration', () => {
    const developmentPassword = environmentOf(
      loadCompose('compose.yml').services.db ?? {},
    ).POSTGRES_PASSWORD
    expect(developmentPassword).toBeTruthy()
    expect(JSON.stringify(merged)).not.toContain(developmentPassword)
  })
})

describe('the database password comes from Compose secret files', () => {
  test('db_password, database_url and api_write_token are declared from their files, and mounted by db, web and client', () => {
    expect(merged.secrets).toEqual({
      db_password: { file: productionEnv.DB_PASSWORD_FILE },
      database_url: { file: productionEnv.DATABASE_URL_FILE },
      api_write_token: { file: productionEnv.API_WRITE_TOKEN_FILE },
    })
    expect(service('db').secrets).toEqual(['db_password'])
    expect(service('web').secrets).toEqual(['database_url', 'api_write_token'])
    expect(service('client').secrets).toEqual(['api_write_token'])
  })

  test('web and client read the write token from that secret file, and the client keeps its API_URL', () => {
    expect(environmentOf(service('web')).API_WRITE_TOKEN_FILE).toBe('/run/secrets/api_write_token')
    expect(environmentOf(service('client'))).toEqual({
      ...environmentOf(loadCompose('compose.yml').services.client ?? {}),
      API_WRITE_TOKEN_FILE: '/run/secrets/api_write_token',
    })
  })

  test('db reads it through POSTGRES_PASSWORD_FILE and has no POSTGRES_PASSWORD left', () => {
    expect(service('db').environment).toEqual({
      POSTGRES_DB: 'app',
      POSTGRES_USER: 'app_owner',
      POSTGRES_PASSWORD_FILE: '/run/secrets/db_password',
    })
  })

  test('web reads DATABASE_URL from its secret file and keeps no password in its environment', () => {
    const environment = environmentOf(service('web'))
    expect(environment).toMatchObject({
      DATABASE_URL_FILE: '/run/secrets/database_url',
      REDIS_URL: productionEnv.REDIS_URL,
    })
    expect(environment).not.toHaveProperty('DATABASE_URL')
  })
})

describe('the production stack', () => {
  test('publishes web only, on 127.0.0.1 and a fixed port (the scale profile aside)', () => {
    const publishing = Object.entries(merged.services).filter(
      ([, { profiles, ports }]) => profiles === undefined && ports !== undefined,
    )
    expect(Object.fromEntries(publishing.map(([name, { ports }]) => [name, ports]))).toEqual({
      web: ['127.0.0.1:5000:5000'],
    })
  })

  test("the app accepts web's environment and drains for less than web's grace period", () => {
    const secrets: Record<string, string> = {
      '/run/secrets/database_url': 'postgres://app_owner:secret@db:5432/app',
      '/run/secrets/api_write_token': 'a-write-token-of-the-production-stack',
    }
    const readSecret = (path: string) => {
      expect(Object.keys(secrets)).toContain(path)
      return secrets[path] ?? ''
    }
    const config = parseConfig(environmentOf(service('web')), readSecret)
    expect(config.API_WRITE_TOKEN).toBe(secrets['/run/secrets/api_write_token'])
    expect(seconds(service('web').stop_grace_period) * 1000).toBeGreaterThan(
      config.SHUTDOWN_TIMEOUT_MS,
    )
  })
})
