import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { durationMs, parseCompose } from '../src/compose.js'
import {
  buildProblems,
  containerNameProblems,
  dependencyProblems,
  hardeningProblems,
  healthcheckProblems,
  imageProblems,
  networkProblems,
  publishedPortProblems,
  scalingProblems,
  secretDefaultProblems,
  secretProblems,
  servicesWithFixedHostPorts,
  shutdownGraceProblems,
  undocumentedVariables,
  volumeProblems,
} from '../src/compose-rules.js'
import { infraDir, readRepoFile, webConfigDefault } from '../src/repo.js'

const composeText = readRepoFile('infra/compose.yml')
const compose = parseCompose(composeText)
const diskFiles = { exists: existsSync, read: (path: string) => readFileSync(path, 'utf8') }

describe('depends_on', () => {
  test('in infra/compose.yml every dependency exists and can report health', () => {
    expect(dependencyProblems(compose)).toEqual([])
  })

  test('a dependency on a missing service is reported', () => {
    const bad = parseCompose('services:\n  web:\n    image: a:1\n    depends_on: [db]\n')
    expect(dependencyProblems(bad)).toEqual(['web depends on "db", which is not a service'])
  })

  test('waiting for a service to be healthy when it has no health check is reported', () => {
    const bad = parseCompose(`services:
  db:
    image: postgres:15-alpine
  web:
    image: a:1
    depends_on:
      db:
        condition: service_healthy
`)
    expect(dependencyProblems(bad)).toEqual([
      'web waits for db to be healthy, but db has no health check',
    ])
  })
})

describe('networks and volumes', () => {
  test('in infra/compose.yml every network and volume is declared and used', () => {
    expect(networkProblems(compose)).toEqual([])
    expect(volumeProblems(compose)).toEqual([])
  })

  test('an undeclared network and an unused one are both reported', () => {
    const bad = parseCompose(`services:
  web:
    image: a:1
    networks: [front]
networks:
  back: {}
`)
    expect(networkProblems(bad)).toEqual([
      'web use the network "front", which is not declared',
      'the network "back" is declared but no service uses it',
    ])
  })

  test('an undeclared named volume is reported while a bind mount is not', () => {
    const bad = parseCompose(`services:
  db:
    image: postgres:15-alpine
    volumes:
      - data:/var/lib/postgresql/data
      - ./init.sql:/docker-entrypoint-initdb.d/init.sql
`)
    expect(volumeProblems(bad)).toEqual(['db use the volume "data", which is not declared'])
  })
})

describe('images', () => {
  test('in infra/compose.yml every image has a version tag', () => {
    expect(imageProblems(compose)).toEqual([])
  })

  test('an untagged image, a latest tag and a service with no image nor build are reported', () => {
    const bad = parseCompose(`services:
  a:
    image: redis
  b:
    image: docker.io/library/postgres:latest
  c:
    restart: always
`)
    expect(imageProblems(bad)).toEqual([
      'a uses redis, which has no version tag',
      'b uses docker.io/library/postgres:latest, which has no version tag',
      'c has neither an image nor a build',
    ])
  })
})

describe('health checks', () => {
  test('in infra/compose.yml every service has a health check with all its timings', () => {
    expect(healthcheckProblems(compose)).toEqual([])
  })

  test('a missing, a disabled and an incomplete health check are reported', () => {
    const bad = parseCompose(`services:
  a:
    image: a:1
  b:
    image: b:1
    healthcheck:
      disable: true
  c:
    image: c:1
    healthcheck:
      test: ["CMD", "true"]
      interval: 10s
`)
    expect(healthcheckProblems(bad)).toEqual([
      'a has no health check',
      'b has no health check',
      "c's health check does not set timeout",
      "c's health check does not set retries",
      "c's health check does not set start_period",
    ])
  })
})

describe('hardening of the services built here', () => {
  test('in infra/compose.yml web and client carry every hardening setting', () => {
    expect(hardeningProblems(compose)).toEqual([])
  })

  test('a built service without hardening is reported setting by setting', () => {
    const bad = parseCompose(`services:
  web:
    build: ..
    read_only: false
    tmpfs: /var/run
    cap_drop: [NET_RAW]
`)
    expect(hardeningProblems(bad)).toEqual([
      'web lacks init: true',
      'web lacks read_only: true',
      'web lacks tmpfs with /tmp',
      'web lacks cap_drop: [ALL]',
      'web lacks security_opt: [no-new-privileges:true]',
      'web lacks stop_grace_period',
      'web lacks a memory limit',
      'web lacks restart: unless-stopped',
    ])
  })

  test('mem_limit counts as a memory limit just as deploy.resources.limits.memory does', () => {
    const withMemLimit = parseCompose(`services:
  web:
    build: ..
    mem_limit: 256m
`)
    expect(hardeningProblems(withMemLimit)).not.toContain('web lacks a memory limit')
  })
})

describe('container names and ports', () => {
  test('infra/compose.yml sets no container_name and publishes nothing beyond 127.0.0.1', () => {
    expect(containerNameProblems(compose)).toEqual([])
    expect(publishedPortProblems(compose)).toEqual([])
  })

  test('a container_name is reported', () => {
    const bad = parseCompose('services:\n  web:\n    image: a:1\n    container_name: web\n')
    expect(containerNameProblems(bad)).toEqual([
      'web sets container_name, which forbids scaling and parallel projects',
    ])
  })

  test('ports published on every interface are reported, loopback and unpublished ones are not', () => {
    const bad = parseCompose(`services:
  db:
    image: postgres:15-alpine
    ports:
      - '5432:5432'
      - '127.0.0.1:5433:5432'
      - '5434'
      - target: 5432
        published: 5435
`)
    expect(publishedPortProblems(bad)).toEqual([
      'db publishes "5432:5432" beyond 127.0.0.1',
      'db publishes {"target":5432,"published":5435} beyond 127.0.0.1',
    ])
  })

  test('in infra/compose.yml neither db nor cache publishes a port', () => {
    expect(compose.services?.db?.ports).toBeUndefined()
    expect(compose.services?.cache?.ports).toBeUndefined()
  })
})

describe('variables', () => {
  test('every variable infra/compose.yml reads is listed in .env.example', () => {
    expect(undocumentedVariables(composeText, readRepoFile('.env.example'))).toEqual([])
  })

  test('a variable missing from .env.example is reported, a commented-out one does not count', () => {
    const text =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose interpolation syntax, meant literally
      'services:\n  db:\n    environment:\n      A: ${A:-1}\n      B: $B\n      C: $${C}\n'
    expect(undocumentedVariables(text, 'A=1\n# B=2\n')).toEqual([
      'B is used in compose but missing from .env.example',
    ])
  })
})

describe('builds', () => {
  test('in infra/compose.yml each build context, Dockerfile and target exists', () => {
    expect(buildProblems(compose, infraDir, diskFiles)).toEqual([])
  })

  test('a missing context, a missing Dockerfile and an unknown target are reported', () => {
    const files = {
      exists: (path: string) => ['/repo', '/repo/infra/Dockerfile'].includes(path),
      read: () => 'FROM node:24-alpine AS web\n',
    }
    const bad = parseCompose(`services:
  a:
    build: { context: ../missing }
  b:
    build: { context: .., dockerfile: Dockerfile }
  c:
    build: { context: .., dockerfile: infra/Dockerfile, target: worker }
`)
    expect(buildProblems(bad, '/repo/infra', files)).toEqual([
      "a's build context /repo/missing does not exist",
      "b's Dockerfile /repo/Dockerfile does not exist",
      `c's build target "worker" is not a stage of /repo/infra/Dockerfile`,
    ])
  })
})

describe('stopping', () => {
  test('durations are read as Compose writes them', () => {
    expect(durationMs('30s')).toBe(30_000)
    expect(durationMs('1m30s')).toBe(90_000)
    expect(durationMs('1500ms')).toBe(1500)
    expect(() => durationMs('30')).toThrow('"30" is not a Compose duration')
  })

  test("a grace period no longer than the drain, or Compose's 10 s default, is reported", () => {
    const bad = parseCompose(`services:
  short:
    image: a:1
    stop_grace_period: 10s
  unset:
    image: a:1
  configured:
    image: a:1
    stop_grace_period: 30s
    environment:
      SHUTDOWN_TIMEOUT_MS: 45000
`)
    expect(shutdownGraceProblems(bad, 'short', 10_000)).toEqual([
      'short is killed 10s after SIGTERM, before its 10000 ms drain ends',
    ])
    expect(shutdownGraceProblems(bad, 'unset', 10_000)).toEqual([
      'unset is killed 10s after SIGTERM, before its 10000 ms drain ends',
    ])
    expect(shutdownGraceProblems(bad, 'configured', 10_000)).toEqual([
      'configured is killed 30s after SIGTERM, before its 45000 ms drain ends',
    ])
  })

  test("the app's default is read from its config source, and a missing one is an error", () => {
    const source = 'SHUTDOWN_TIMEOUT_MS: integer(0).default(12_500),\nPORT: integer(1),\n'
    expect(webConfigDefault('SHUTDOWN_TIMEOUT_MS', source)).toBe(12_500)
    expect(() => webConfigDefault('PORT', source)).toThrow('gives PORT no numeric default')
  })
})

describe('scaling', () => {
  const bad = parseCompose(`services:
  web:
    image: a:1
    ports: ['127.0.0.1:5000:5000']
  worker:
    image: a:1
    ports: ['127.0.0.1::5000', '127.0.0.1:6000-6009:6000', '7000']
  proxy:
    image: nginx:1-alpine
    profiles: [scale]
    ports: [{ target: 80, published: 8080 }]
`)

  test('fixed host ports are told apart from picked ones, ranges and unpublished ones', () => {
    expect(servicesWithFixedHostPorts(bad)).toEqual(['web'])
    expect(servicesWithFixedHostPorts(bad, 'scale')).toEqual(['web', 'proxy'])
  })

  test('a scaled service with a fixed host port is reported', () => {
    expect(scalingProblems(bad, 'scale', ['web', 'worker'])).toEqual([
      'web publishes a fixed host port, so it cannot be scaled',
    ])
  })
})

describe('secrets', () => {
  test('defaults, literal values and unmounted *_FILE paths of secrets are each reported', () => {
    const bad = parseCompose(`services:
  db:
    image: postgres:15-alpine
    environment:
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:-dev}
      POSTGRES_PASSWORD_FILE: /run/secrets/other
  web:
    image: a:1
    environment:
      REDIS_URL: redis://cache:6379
      DATABASE_URL: \${DATABASE_URL:?set it}
`)
    expect(secretDefaultProblems(bad)).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose interpolation syntax, meant literally
      '${POSTGRES_PASSWORD:-dev} can run without its secret: write ${NAME:?message}',
      "db's POSTGRES_PASSWORD is written in the file instead of required from the environment",
      "db's POSTGRES_PASSWORD_FILE is not a secret the service mounts",
      "web's REDIS_URL is written in the file instead of required from the environment",
    ])
  })

  test('an undeclared secret, an unused one and one without a source are reported', () => {
    const bad = parseCompose(`services:
  db:
    image: postgres:15-alpine
    secrets: [db_password]
secrets:
  spare:
    file: ./spare.txt
  empty: {}
`)
    expect(secretProblems(bad)).toEqual([
      'db use the secret "db_password", which is not declared',
      'the secret "spare" is declared but no service uses it',
      'the secret "empty" is declared but no service uses it',
      'the secret "empty" has neither a file nor an environment variable',
    ])
  })
})
