import { join } from 'node:path'
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap'
import type { IContainer } from 'kubernetes-models/v1/Container'
import type { ISecret } from 'kubernetes-models/v1/Secret'
import type { IService } from 'kubernetes-models/v1/Service'
import { describe, expect, test } from 'vitest'
import {
  containerHardeningProblems,
  httpProbeTarget,
  imageTagProblems,
  isWorkload,
  kustomizationProblems,
  kustomizationResources,
  loadManifests,
  type Manifest,
  manifestFilesIn,
  podSpecOf,
  schemaProblems,
  selectorProblems,
  serviceProblems,
  type Workload,
} from '../src/k8s.js'
import { infraDir, webConfigDefault } from '../src/repo.js'

const k8sDir = join(infraDir, 'k8s')
const manifests = loadManifests(k8sDir).flatMap(({ objects }) => objects)
const workloads = manifests.filter(isWorkload)

function named<T>(kind: string, name: string): T {
  const found = manifests.find((item) => item.kind === kind && item.metadata?.name === name)
  if (found === undefined) throw new Error(`no ${kind} ${name} in infra/k8s`)
  return found as T
}

function onlyContainer(workload: Workload): IContainer {
  const [container, ...others] = podSpecOf(workload).containers
  if (container === undefined || others.length > 0) throw new Error('expected one container')
  return container
}

const web = named<IDeployment>('Deployment', 'web')
const webContainer = onlyContainer(web)
const webConfig = named<IConfigMap>('ConfigMap', 'web-config').data ?? {}
const webService = named<IService>('Service', 'web')

const changedWeb = (change: (copy: Workload) => void): Workload => {
  const copy = structuredClone(web)
  change(copy)
  return copy
}

describe('kustomization.yaml', () => {
  test('lists every manifest of infra/k8s, and each file it lists exists', () => {
    expect(kustomizationProblems(kustomizationResources(k8sDir), manifestFilesIn(k8sDir))).toEqual(
      [],
    )
  })

  test('a file it forgets and a file that does not exist are both reported', () => {
    expect(
      kustomizationProblems(['a.yaml', 'gone.yaml'], ['a.yaml', 'b.yml', 'README.md']),
    ).toEqual(['gone.yaml is listed but missing', 'b.yml is not listed'])
  })
})

describe('every manifest against the Kubernetes schema (kubernetes-models)', () => {
  test.each(
    manifests.map((item): [string, Manifest] => [`${item.kind} ${item.metadata?.name}`, item]),
  )('%s is valid', (_, manifest) => {
    expect(schemaProblems(manifest)).toEqual([])
  })

  test('a wrongly typed field and an unknown kind are reported', () => {
    const badPort = changedWeb((copy) => {
      const [container] = podSpecOf(copy).containers
      if (container?.ports?.[0]) container.ports[0].containerPort = 'http' as unknown as number
    })
    expect(schemaProblems(badPort as Manifest)).toEqual([
      'Deployment web: data/spec/template/spec/containers/0/ports/0/containerPort must be integer',
    ])
    expect(schemaProblems({ apiVersion: 'batch/v1', kind: 'CronJob' })).toEqual([
      'batch/v1/CronJob is not a kind these checks know',
    ])
  })
})

describe('web', () => {
  test('runs 2 replicas, and the container listens on the PORT of its ConfigMap', () => {
    expect(web.spec?.replicas).toBe(2)
    expect(webContainer.ports?.map(({ containerPort }) => containerPort)).toEqual([
      Number(webConfig.PORT),
    ])
    expect(webContainer.envFrom).toEqual([
      { configMapRef: { name: 'web-config' } },
      { secretRef: { name: 'web-secrets' } },
    ])
  })

  test('is live while /health answers and ready while /status does, on that port', () => {
    const port = Number(webConfig.PORT)
    expect(httpProbeTarget(webContainer, webContainer.livenessProbe)).toEqual({
      path: '/health',
      port,
    })
    expect(httpProbeTarget(webContainer, webContainer.startupProbe)).toEqual({
      path: '/health',
      port,
    })
    expect(httpProbeTarget(webContainer, webContainer.readinessProbe)).toEqual({
      path: '/status',
      port,
    })
  })

  test('a probe on a port the container does not open resolves to no port', () => {
    expect(httpProbeTarget(webContainer, { httpGet: { path: '/health', port: 'admin' } })).toEqual({
      path: '/health',
      port: undefined,
    })
  })

  test('its Service selects its pods and targets the port the container opens', () => {
    expect(serviceProblems(webService, workloads)).toEqual([])
    expect(webService.spec?.ports?.[0]?.port).toBe(Number(webConfig.PORT))
  })

  test('a Service selecting no pods, or targeting a port no container opens, is reported', () => {
    const service = structuredClone(webService)
    if (service.spec?.ports?.[0]) service.spec.ports[0].targetPort = 8080
    expect(serviceProblems(service, workloads)).toEqual([
      'Service web port 5000 targets 8080, which no container opens',
    ])
    if (service.spec) service.spec.selector = { 'app.kubernetes.io/name': 'api' }
    expect(serviceProblems(service, workloads)).toEqual(["Service web selects no workload's pods"])
  })

  test("is given longer to stop than the preStop pause plus the app's shutdown drain", () => {
    const pauseSeconds = Number(webContainer.lifecycle?.preStop?.exec?.command?.at(-1))
    const drainMs = Number(webConfig.SHUTDOWN_TIMEOUT_MS ?? webConfigDefault('SHUTDOWN_TIMEOUT_MS'))
    expect(pauseSeconds).toBeGreaterThan(0)
    expect(web.spec?.template.spec?.terminationGracePeriodSeconds).toBeGreaterThan(
      pauseSeconds + drainMs / 1000,
    )
  })

  test('its DATABASE_URL reaches the postgres Service with the credentials postgres is created with', () => {
    const secret = named<ISecret>('Secret', 'web-secrets').stringData ?? {}
    const credentials = named<ISecret>('Secret', 'postgres-credentials').stringData ?? {}
    const postgres = named<IService>('Service', 'postgres')
    const url = new URL(secret.DATABASE_URL ?? '')
    expect(`${url.hostname}:${url.port}`).toBe(`postgres:${postgres.spec?.ports?.[0]?.port}`)
    expect([url.username, url.password, url.pathname]).toEqual([
      credentials.POSTGRES_USER,
      credentials.POSTGRES_PASSWORD,
      `/${credentials.POSTGRES_DB}`,
    ])
    const redis = new URL(secret.REDIS_URL ?? '')
    expect(`${redis.hostname}:${redis.port}`).toBe(
      `redis:${named<IService>('Service', 'redis').spec?.ports?.[0]?.port}`,
    )
  })
})

describe('client', () => {
  test('drives the web Service on its port', () => {
    const client = onlyContainer(named<IDeployment>('Deployment', 'client'))
    const apiUrl = client.env?.find(({ name }) => name === 'API_URL')?.value
    expect(apiUrl).toBe(`http://web:${webService.spec?.ports?.[0]?.port}`)
  })
})

describe('postgres and redis (demo StatefulSets)', () => {
  test('each has its headless Service, named as its serviceName, and probes', () => {
    for (const name of ['postgres', 'redis']) {
      const statefulSet = workloads.find((item) => item.metadata?.name === name)
      const service = named<IService>('Service', name)
      expect(statefulSet?.kind).toBe('StatefulSet')
      expect(
        statefulSet?.spec && 'serviceName' in statefulSet.spec && statefulSet.spec.serviceName,
      ).toBe(name)
      expect(service.spec?.clusterIP).toBe('None')
      const container = onlyContainer(statefulSet as Workload)
      expect(container.readinessProbe?.exec?.command?.length).toBeGreaterThan(0)
      expect(container.livenessProbe?.exec?.command?.length).toBeGreaterThan(0)
    }
  })

  test('postgres keeps its data in a volumeClaimTemplate mounted where PGDATA lives', () => {
    const postgres = named<Workload & { kind: 'StatefulSet' }>('StatefulSet', 'postgres')
    const claims =
      postgres.spec && 'volumeClaimTemplates' in postgres.spec
        ? (postgres.spec.volumeClaimTemplates ?? [])
        : []
    const container = onlyContainer(postgres)
    const mount = container.volumeMounts?.find(({ name }) => name === claims[0]?.metadata?.name)
    const pgdata = container.env?.find(({ name }) => name === 'PGDATA')?.value ?? ''
    expect(mount?.mountPath).toBeDefined()
    expect(pgdata.startsWith(`${mount?.mountPath}/`)).toBe(true)
  })
})

describe('every workload', () => {
  test.each(workloads.map((item): [string, Workload] => [item.metadata?.name ?? '', item]))(
    '%s: its selector matches its pods, its images are pinned, its containers locked down',
    (_, workload) => {
      expect(selectorProblems(workload)).toEqual([])
      expect(imageTagProblems(workload)).toEqual([])
      expect(containerHardeningProblems(workload)).toEqual([])
    },
  )

  test('the images built here carry a version tag', () => {
    const images = ['web', 'client'].map(
      (name) => onlyContainer(named<IDeployment>('Deployment', name)).image,
    )
    for (const image of images) expect(image).toMatch(/^[^:]+:\d[\w.-]*$/)
  })

  test('a latest image, a selector matching no pod and an unhardened container are reported', () => {
    const bad = changedWeb((copy) => {
      const pod = podSpecOf(copy)
      pod.securityContext = {}
      const [container] = pod.containers
      if (container) {
        container.image = 'compose-stack/web:latest'
        container.securityContext = {}
        container.resources = {}
        container.volumeMounts = []
      }
      if (copy.spec) copy.spec.selector = { matchLabels: { 'app.kubernetes.io/name': 'other' } }
    })
    expect(selectorProblems(bad)).toEqual(["web's selector does not match its pod labels"])
    expect(imageTagProblems(bad)).toEqual(['web/web uses compose-stack/web:latest'])
    expect(containerHardeningProblems(bad)).toEqual([
      'web/web lacks runAsNonRoot with a numeric runAsUser',
      'web/web lacks readOnlyRootFilesystem',
      'web/web lacks allowPrivilegeEscalation: false',
      'web/web lacks capabilities drop ALL',
      'web/web lacks seccompProfile RuntimeDefault',
      'web/web lacks resource requests and limits',
      'web/web lacks a writable /tmp volume',
    ])
  })
})
