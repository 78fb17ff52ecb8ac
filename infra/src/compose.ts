import { parse } from 'yaml'

/** The part of the Compose specification these checks read; everything else passes through. */
export interface ComposeBuild {
  context?: string
  dockerfile?: string
  target?: string
}

export interface ComposeHealthcheck {
  test?: string | string[]
  disable?: boolean
  interval?: string
  timeout?: string
  retries?: number
  start_period?: string
}

export interface ComposeDependency {
  condition?: string
  restart?: boolean
}

export type ComposePort = string | number | { host_ip?: string; published?: string | number }

export interface ComposeService {
  image?: string
  build?: string | ComposeBuild
  container_name?: string
  depends_on?: string[] | Record<string, ComposeDependency>
  volumes?: (string | { type?: string; source?: string })[]
  environment?: string[] | Record<string, string | number | boolean | null>
  ports?: ComposePort[]
  networks?: string[] | Record<string, unknown>
  restart?: string
  healthcheck?: ComposeHealthcheck
  cap_drop?: string[]
  deploy?: { resources?: { limits?: { memory?: string } } }
  mem_limit?: string | number
  init?: boolean
  read_only?: boolean
  security_opt?: string[]
  stop_grace_period?: string
  tmpfs?: string | string[]
}

export interface ComposeFile {
  name?: string
  services?: Record<string, ComposeService>
  networks?: Record<string, unknown>
  volumes?: Record<string, unknown>
}

export function parseCompose(text: string): ComposeFile {
  return parse(text) as ComposeFile
}

export function servicesOf(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services ?? {})
}

export function dependenciesOf(service: ComposeService): Record<string, ComposeDependency> {
  const dependsOn = service.depends_on ?? {}
  return Array.isArray(dependsOn)
    ? Object.fromEntries(dependsOn.map((name) => [name, { condition: 'service_started' }]))
    : dependsOn
}

export function networksOf(service: ComposeService): string[] {
  const networks = service.networks ?? []
  return Array.isArray(networks) ? networks : Object.keys(networks)
}

export function buildOf(service: ComposeService): ComposeBuild | undefined {
  return typeof service.build === 'string' ? { context: service.build } : service.build
}

/** The argv a health check runs, without its `CMD`/`CMD-SHELL` marker; undefined when there is none. */
export function healthcheckArgv(healthcheck: ComposeHealthcheck | undefined): string[] | undefined {
  const test = healthcheck?.test
  if (healthcheck?.disable === true || test === undefined) return undefined
  if (typeof test === 'string') return ['/bin/sh', '-c', test]
  const [marker, ...rest] = test
  if (marker === 'CMD') return rest
  if (marker === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')]
  return undefined
}
