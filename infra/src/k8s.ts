import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import { type IStatefulSet, StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Namespace } from 'kubernetes-models/v1/Namespace'
import { Secret } from 'kubernetes-models/v1/Secret'
import { Service } from 'kubernetes-models/v1/Service'
import { parseAllDocuments } from 'yaml'
import { infraDir } from './repo.js'

export const k8sDir = join(infraDir, 'k8s')

export interface Manifest {
  apiVersion: string
  kind: string
  metadata: { name: string }
  [field: string]: unknown
}

export type Workload = IDeployment | IStatefulSet

function readYaml(file: string): unknown[] {
  return parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8')).map((document) => {
    if (document.errors.length > 0) throw document.errors[0]
    return document.toJS()
  })
}

/** The files kustomization.yaml lists, in its order. */
export function kustomizationResources(): string[] {
  const [kustomization] = readYaml('kustomization.yaml') as { resources?: string[] }[]
  return kustomization?.resources ?? []
}

/** Every object of every file kustomization.yaml lists. */
export function loadManifests(): Manifest[] {
  return kustomizationResources().flatMap((file) => readYaml(file) as Manifest[])
}

// The kinds used here; each class validates against the Kubernetes OpenAPI schema.
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
}

/** Throws what the Kubernetes schema finds (types, required fields, enums), or an unknown kind. */
export function validateManifest(manifest: Manifest): void {
  const Model = models[`${manifest.apiVersion}/${manifest.kind}`]
  if (Model === undefined)
    throw new Error(`${manifest.apiVersion}/${manifest.kind} is not known here`)
  new Model(manifest as never).validate()
}
