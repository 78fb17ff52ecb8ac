import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import { type IStatefulSet, StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import type { IContainer } from 'kubernetes-models/v1/Container'
import { Namespace } from 'kubernetes-models/v1/Namespace'
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec'
import type { IProbe } from 'kubernetes-models/v1/Probe'
import { Secret } from 'kubernetes-models/v1/Secret'
import { type IService, Service } from 'kubernetes-models/v1/Service'
import { parseAllDocuments } from 'yaml'
import { isPinnedImage } from './dockerfile-rules.js'

export interface Manifest {
  apiVersion?: string
  kind?: string
  metadata?: { name?: string; labels?: Record<string, string> }
  [field: string]: unknown
}

export interface ManifestFile {
  file: string
  objects: Manifest[]
}

export type Workload = IDeployment | IStatefulSet

interface Kustomization {
  resources?: string[]
}

const kustomizationFile = 'kustomization.yaml'

function readYaml(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((document) => {
    if (document.errors.length > 0) throw document.errors[0]
    return document.toJS()
  })
}

export function kustomizationResources(dir: string): string[] {
  const [kustomization] = readYaml(join(dir, kustomizationFile)) as Kustomization[]
  return kustomization?.resources ?? []
}

/** Files listed in kustomization.yaml that are missing, and YAML files of the folder it leaves out. */
export function kustomizationProblems(listed: string[], present: string[]): string[] {
  const manifests = present.filter((file) => /\.ya?ml$/.test(file) && file !== kustomizationFile)
  return [
    ...listed
      .filter((file) => !manifests.includes(file))
      .map((file) => `${file} is listed but missing`),
    ...manifests.filter((file) => !listed.includes(file)).map((file) => `${file} is not listed`),
  ]
}

export function manifestFilesIn(dir: string): string[] {
  return readdirSync(dir)
}

/** Every object of every file kustomization.yaml lists, in its order. */
export function loadManifests(dir: string): ManifestFile[] {
  return kustomizationResources(dir).map((file) => ({
    file,
    objects: readYaml(join(dir, file)) as Manifest[],
  }))
}

// The kinds used here, by apiVersion/kind; each class validates against the Kubernetes OpenAPI schema.
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
}

/** Problems the Kubernetes schema finds (types, required fields, enums), plus an unknown kind. */
export function schemaProblems(manifest: Manifest): string[] {
  const key = `${manifest.apiVersion}/${manifest.kind}`
  const Model = models[key]
  if (Model === undefined) return [`${key} is not a kind these checks know`]
  try {
    new Model(manifest as never).validate()
    return []
  } catch (error) {
    return [`${manifest.kind} ${manifest.metadata?.name}: ${(error as Error).message}`]
  }
}

export function isWorkload(manifest: Manifest): manifest is Manifest & Workload {
  return manifest.kind === 'Deployment' || manifest.kind === 'StatefulSet'
}

export function podSpecOf(workload: Workload): IPodSpec {
  return workload.spec?.template.spec ?? { containers: [] }
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector)
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value)
}

/** The workload's selector picks its own pods, and nothing broader than its pod labels. */
export function selectorProblems(workload: Workload): string[] {
  const selector = workload.spec?.selector.matchLabels ?? {}
  const labels = workload.spec?.template.metadata?.labels ?? {}
  return labelsMatch(selector, labels)
    ? []
    : [`${workload.metadata?.name}'s selector does not match its pod labels`]
}

function containerPort(container: IContainer, port: number | string | undefined) {
  return (container.ports ?? []).find((candidate) =>
    typeof port === 'string' ? candidate.name === port : candidate.containerPort === port,
  )?.containerPort
}

/** The Service selects a workload's pods, and each of its ports reaches a port a container opens. */
export function serviceProblems(service: IService, workloads: Workload[]): string[] {
  const name = service.metadata?.name
  const selector = service.spec?.selector ?? {}
  const targets = workloads.filter((workload) =>
    labelsMatch(selector, workload.spec?.template.metadata?.labels ?? {}),
  )
  if (targets.length === 0) return [`Service ${name} selects no workload's pods`]
  return (service.spec?.ports ?? []).flatMap((port) => {
    const target = port.targetPort ?? port.port
    const reached = targets.every((workload) =>
      podSpecOf(workload).containers.some((container) => containerPort(container, target)),
    )
    return reached
      ? []
      : [`Service ${name} port ${port.port} targets ${target}, which no container opens`]
  })
}

/** The HTTP path a probe checks, and the container port it resolves to. */
export function httpProbeTarget(container: IContainer, probe: IProbe | undefined) {
  const httpGet = probe?.httpGet
  if (httpGet === undefined) return undefined
  return { path: httpGet.path, port: containerPort(container, httpGet.port) }
}

const hardening: [string, (pod: IPodSpec, container: IContainer) => boolean][] = [
  [
    'runAsNonRoot with a numeric runAsUser',
    (pod, container) =>
      (container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true &&
      (container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser ?? 0) > 0,
  ],
  [
    'readOnlyRootFilesystem',
    (_, container) => container.securityContext?.readOnlyRootFilesystem === true,
  ],
  [
    'allowPrivilegeEscalation: false',
    (_, container) => container.securityContext?.allowPrivilegeEscalation === false,
  ],
  [
    'capabilities drop ALL',
    (_, container) => container.securityContext?.capabilities?.drop?.includes('ALL') === true,
  ],
  [
    'seccompProfile RuntimeDefault',
    (pod, container) =>
      (container.securityContext?.seccompProfile ?? pod.securityContext?.seccompProfile)?.type ===
      'RuntimeDefault',
  ],
  [
    'resource requests and limits',
    (_, container) =>
      container.resources?.requests?.memory !== undefined &&
      container.resources.requests.cpu !== undefined &&
      container.resources.limits?.memory !== undefined,
  ],
  [
    'a writable /tmp volume',
    (pod, container) =>
      (container.volumeMounts ?? []).some(
        (mount) =>
          mount.mountPath === '/tmp' &&
          (pod.volumes ?? []).some((volume) => volume.name === mount.name),
      ),
  ],
]

/** The locked-down settings every container gets, one problem per missing setting. */
export function containerHardeningProblems(workload: Workload): string[] {
  const pod = podSpecOf(workload)
  return pod.containers.flatMap((container) =>
    hardening
      .filter(([, holds]) => !holds(pod, container))
      .map(([setting]) => `${workload.metadata?.name}/${container.name} lacks ${setting}`),
  )
}

/** Every image carries a version tag (or digest): never latest, never untagged. */
export function imageTagProblems(workload: Workload): string[] {
  return podSpecOf(workload)
    .containers.filter((container) => !isPinnedImage(container.image ?? ''))
    .map((container) => `${workload.metadata?.name}/${container.name} uses ${container.image}`)
}
