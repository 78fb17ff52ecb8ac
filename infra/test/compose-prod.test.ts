import { describe, expect, test } from 'vitest'
import { environmentOf, secretNamesOf } from '../src/compose.js'
import { mergeCompose } from '../src/compose-merge.js'
import {
  dependencyProblems,
  healthcheckProblems,
  publishedPortProblems,
  publishingServices,
  secretDefaultProblems,
  secretProblems,
  shutdownGraceProblems,
  undocumentedVariables,
} from '../src/compose-rules.js'
import { interpolate, variableReferences } from '../src/interpolation.js'
import { readRepoFile, webConfigDefault } from '../src/repo.js'

// docker compose -f infra/compose.yml -f infra/compose.prod.yml, before and after interpolation.
const baseText = readRepoFile('infra/compose.yml')
const prodText = readRepoFile('infra/compose.prod.yml')
const production = mergeCompose(baseText, prodText)

const productionEnv = {
  POSTGRES_DB: 'app',
  POSTGRES_USER: 'app_owner',
  DB_PASSWORD_FILE: '/srv/secrets/db_password',
  DATABASE_URL_FILE: '/srv/secrets/database_url',
  REDIS_URL: 'redis://cache:6379',
}

function resolve(env: Record<string, string>) {
  return mergeCompose(interpolate(baseText, env), interpolate(prodText, env))
}

const required = [
  ...new Set(
    variableReferences(prodText)
      .filter(({ operator }) => operator === ':?')
      .map(({ name }) => name),
  ),
]

describe('secrets are required', () => {
  test('the production file requires the database credentials, its password file and both URLs', () => {
    expect(required.sort()).toEqual(Object.keys(productionEnv).sort())
  })

  test.each(required)('without %s, Compose refuses to start and names it', (missing) => {
    const env = Object.fromEntries(Object.entries(productionEnv).filter(([key]) => key !== missing))
    expect(() => resolve(env)).toThrow(`${missing} is required`)
    expect(() => resolve({ ...env, [missing]: '' })).toThrow(`${missing} is required`)
  })

  test('no secret keeps a development default, in the merged model', () => {
    expect(secretDefaultProblems(production)).toEqual([])
  })

  test('the same rule finds the development defaults of compose.yml alone', () => {
    expect(secretDefaultProblems(mergeCompose(baseText))).not.toEqual([])
  })
})

describe('the database password comes from Compose secret files', () => {
  const resolved = resolve(productionEnv)

  test('db_password and database_url are declared from their files, and used', () => {
    expect(secretProblems(production)).toEqual([])
    expect(resolved.secrets).toEqual({
      db_password: { file: productionEnv.DB_PASSWORD_FILE },
      database_url: { file: productionEnv.DATABASE_URL_FILE },
    })
    expect(secretNamesOf(resolved.services?.db ?? {})).toEqual(['db_password'])
    expect(secretNamesOf(resolved.services?.web ?? {})).toEqual(['database_url'])
  })

  test('db reads it through POSTGRES_PASSWORD_FILE and has no POSTGRES_PASSWORD left', () => {
    expect(environmentOf(resolved.services?.db ?? {})).toEqual({
      POSTGRES_DB: 'app',
      POSTGRES_USER: 'app_owner',
      POSTGRES_PASSWORD_FILE: '/run/secrets/db_password',
    })
  })

  test('web reads DATABASE_URL from its secret file and keeps no password in its environment', () => {
    const environment = environmentOf(resolved.services?.web ?? {})
    expect(environment).toMatchObject({
      DATABASE_URL_FILE: '/run/secrets/database_url',
      REDIS_URL: productionEnv.REDIS_URL,
    })
    expect(environment).not.toHaveProperty('DATABASE_URL')
  })
})

describe('the production stack', () => {
  test('publishes web only, on 127.0.0.1 and a fixed port', () => {
    expect(publishingServices(production)).toEqual(['web'])
    expect(publishedPortProblems(production)).toEqual([])
    expect(resolve(productionEnv).services?.web?.ports).toEqual(['127.0.0.1:5000:5000'])
  })

  test('keeps a health check on every service and the order they start in, for up --wait', () => {
    expect(healthcheckProblems(production)).toEqual([])
    expect(dependencyProblems(production)).toEqual([])
  })

  test("still gives web longer to stop than the app's shutdown drain", () => {
    expect(
      shutdownGraceProblems(production, 'web', webConfigDefault('SHUTDOWN_TIMEOUT_MS')),
    ).toEqual([])
  })

  test('reads no variable that .env.example does not list', () => {
    expect(undocumentedVariables(prodText, readRepoFile('.env.example'))).toEqual([])
  })
})
