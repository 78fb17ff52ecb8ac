import { readdirSync } from 'node:fs'
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet'
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap'
import type { IContainer } from 'kubernetes-models/v1/Container'
import type { ISecret } from 'kubernetes-models/v1/Secret'
import type { IService } from 'kubernetes-models/v1/Service'
import { describe, expect, test } from 'vitest'
import { parseConfig } from 'web/config'
import {
  k8sDir,
  kustomizationResources,
  loadManifests,
  type Manifest,
  validateManifest,
  type Workload,
} from '../src/k8s.js'

const manifests = loadManifests()
const workloads = manifests.filter(
  (item): item is Manifest & Workload => item.kind === 'Deployment' || item.kind === 'StatefulSet',
)

function named<T>(kind: string, name: string): T {
  const found = manifests.find((item) => item.kind === kind && item.metadata.name === name)
  if (found === undefined) throw new Error(`no ${kind} ${name} in infra/k8s`)
  return found as T
}

function onlyContainer(workload: Workload): IContainer {
  const [container, ...others] = workload.spec?.template.spec?.containers ?? []
  if (container === undefined || others.length > 0) throw new Error('expected one container')
  return container
}

const web = named<IDeployment>('Deployment', 'web')
const webContainer = onlyContainer(web)
const webConfig = named<IConfigMap>('ConfigMap', 'web-config').data ?? {}
const webSecrets = named<ISecret>('Secret', 'web-secrets').stringData ?? {}
const webService = named<IService>('Service', 'web')
const servicePort = (name: string) => named<IService>('Service', name).spec?.ports?.[0]?.port

describe('kustomization.yaml', () => {
  test('lists every manifest of infra/k8s, and each file it lists exists', () => {
    const files = readdirSync(k8sDir).filter(
      (file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml',
    )
    expect([...kustomizationResources()].sort()).toEqual(files.sort())
  })
})

describe('every manifest against the Kubernetes schema (kubernetes-models)', () => {
  test.each(
    manifests.map((item): [string, Manifest] => [`${item.kind} ${item.metadata.name}`, item]),
  )('%s is valid', (_, manifest) => {
    expect(() => validateManifest(manifest)).not.toThrow()
  })

  test('the schema check does catch a wrongly typed field', () => {
    const badPort = structuredClone(web) as Manifest & IDeployment
    const [container] = badPort.spec?.template.spec?.containers ?? []
    if (container?.ports?.[0]) container.ports[0].containerPort = 'http' as unknown as number
    expect(() => validateManifest(badPort)).toThrow(
      'data/spec/template/spec/containers/0/ports/0/containerPort must be integer',
    )
  })
})

describe('web', () => {
  test('runs 2 replicas; its container opens the PORT of its ConfigMap, named http, and METRICS_PORT, named metrics', () => {
    expect(web.spec?.replicas).toBe(2)
    expect(webContainer.ports).toEqual([
      { name: 'http', containerPort: Number(webConfig.PORT) },
      { name: 'metrics', containerPort: Number(webConfig.METRICS_PORT) },
    ])
    expect(webContainer.envFrom).toEqual([
      { configMapRef: { name: 'web-config' } },
      { secretRef: { name: 'web-secrets' } },
    ])
  })

  test('is started, live and ready while /health answers on that port, never on /status, which fails on every pod when a dependency is down', () => {
    const probes = [
      webContainer.startupProbe,
      webContainer.livenessProbe,
      webContainer.readinessProbe,
    ]
    expect(probes.map((probe) => probe?.httpGet)).toEqual([
      { path: '/health', port: 'http' },
      { path: '/health', port: 'http' },
      { path: '/health', port: 'http' },
    ])
  })

  test('scales with a HorizontalPodAutoscaler on CPU, from its replicas up, and keeps all but one pod through disruptions', () => {
    const hpa = named<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler', 'web')
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
    })
    expect(hpa.spec?.minReplicas).toBe(web.spec?.replicas)
    expect(hpa.spec?.maxReplicas).toBeGreaterThan(hpa.spec?.minReplicas ?? 0)
    expect(hpa.spec?.metrics?.map(({ resource }) => resource?.name)).toEqual(['cpu'])
    expect(webContainer.resources?.requests?.cpu).toBeDefined()
    const pdb = named<IPodDisruptionBudget>('PodDisruptionBudget', 'web')
    expect(pdb.spec?.selector?.matchLabels).toEqual(web.spec?.selector.matchLabels)
    expect(pdb.spec?.maxUnavailable).toBe(1)
    expect(pdb.spec?.maxUnavailable).toBeLessThan(hpa.spec?.minReplicas ?? 0)
  })

  test('its Service selects its pods and targets the port the container opens', () => {
    expect(webService.spec?.selector).toEqual(web.spec?.template.metadata?.labels)
    expect(webService.spec?.ports).toEqual([
      { name: 'http', port: Number(webConfig.PORT), targetPort: 'http' },
    ])
  })

  test("is given longer to stop than the preStop pause plus the app's shutdown drain", () => {
    const pauseSeconds = Number(webContainer.lifecycle?.preStop?.exec?.command?.at(-1))
    const drainMs = parseConfig({ ...webConfig, ...webSecrets }).SHUTDOWN_TIMEOUT_MS
    expect(pauseSeconds).toBeGreaterThan(0)
    expect(web.spec?.template.spec?.terminationGracePeriodSeconds).toBeGreaterThan(
      pauseSeconds + drainMs / 1000,
    )
  })

  test('its DATABASE_URL reaches the postgres Service with the credentials postgres is created with', () => {
    const credentials = named<ISecret>('Secret', 'postgres-credentials').stringData ?? {}
    const url = new URL(webSecrets.DATABASE_URL ?? '')
    expect(`${url.hostname}:${url.port}`).toBe(`postgres:${servicePort('postgres')}`)
    expect([url.username, url.password, url.pathname]).toEqual([
      credentials.POSTGRES_USER,
      credentials.POSTGRES_PASSWORD,
      `/${credentials.POSTGRES_DB}`,
    ])
    const redis = new URL(webSecrets.REDIS_URL ?? '')
    expect(`${redis.hostname}:${redis.port}`).toBe(`redis:${servicePort('redis')}`)
  })
})

describe('client', () => {
  test('drives the web Service on its port', () => {
    const client = onlyContainer(named<IDeployment>('Deployment', 'client'))
    const apiUrl = client.env?.find(({ name }) => name === 'API_URL')?.value
    expect(apiUrl).toBe(`http://web:${servicePort('web')}`)
  })
})

describe('postgres and redis (demo StatefulSets)', () => {
  test.each(['postgres', 'redis'])(
    '%s has its headless Service, named as its serviceName, selecting its pods, and probes',
    (name) => {
      const statefulSet = named<IStatefulSet>('StatefulSet', name)
      const service = named<IService>('Service', name)
      expect(statefulSet.spec?.serviceName).toBe(name)
      expect(service.spec?.clusterIP).toBe('None')
      expect(service.spec?.selector).toEqual(statefulSet.spec?.template.metadata?.labels)
      const container = onlyContainer(statefulSet)
      const opened = container.ports?.map((port) => port.name)
      expect(service.spec?.ports?.map(({ targetPort }) => targetPort)).toEqual(opened)
      expect(container.readinessProbe?.exec?.command?.length).toBeGreaterThan(0)
      expect(container.livenessProbe?.exec?.command?.length).toBeGreaterThan(0)
    },
  )

  test('postgres keeps its data in a volumeClaimTemplate mounted where PGDATA lives', () => {
    const postgres = named<IStatefulSet>('StatefulSet', 'postgres')
    const [claim] = postgres.spec?.volumeClaimTemplates ?? []
    const container = onlyContainer(postgres)
    const mount = container.volumeMounts?.find(({ name }) => name === claim?.metadata?.name)
    const pgdata = container.env?.find(({ name }) => name === 'PGDATA')?.value ?? ''
    expect(mount?.mountPath).toBeDefined()
    expect(pgdata.startsWith(`${mount?.mountPath}/`)).toBe(true)
  })
})

describe.each(workloads.map((item): [string, Workload] => [item.metadata?.name ?? '', item]))(
  'the workload %s',
  (_, workload) => {
    const pod = workload.spec?.template.spec
    const container = onlyContainer(workload)

    test('selects its own pods', () => {
      const selector = workload.spec?.selector.matchLabels ?? {}
      expect(Object.keys(selector).length).toBeGreaterThan(0)
      expect(workload.spec?.template.metadata?.labels).toMatchObject(selector)
    })

    test('runs an image with a version tag', () => {
      expect(container.image).toMatch(/^[\w./-]+:\d[\w.-]*$/)
    })

    test('runs as a non-root uid with RuntimeDefault seccomp, its container locked down', () => {
      expect(pod?.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: expect.any(Number),
        seccompProfile: { type: 'RuntimeDefault' },
      })
      expect(pod?.securityContext?.runAsUser).toBeGreaterThan(0)
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      })
    })

    test('requests CPU and memory and is limited in memory', () => {
      expect(container.resources).toMatchObject({
        requests: { cpu: expect.any(String), memory: expect.any(String) },
        limits: { memory: expect.any(String) },
      })
    })

    test('has a writable /tmp from one of its volumes', () => {
      const tmp = container.volumeMounts?.find(({ mountPath }) => mountPath === '/tmp')
      expect(pod?.volumes?.map(({ name }) => name)).toContain(tmp?.name)
    })
  },
)
