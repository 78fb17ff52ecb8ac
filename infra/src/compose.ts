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

export type ComposeSecretUse = string | { source: string; target?: string }

export interface ComposeService {
  image?: string
  build?: string | ComposeBuild
  profiles?: string[]
  command?: string | string[]
  container_name?: string
  depends_on?: string[] | Record<string, ComposeDependency>
  volumes?: (string | { type?: string; source?: string })[]
  environment?: string[] | Record<string, string | number | boolean | null>
  ports?: ComposePort[]
  networks?: string[] | Record<string, unknown>
  restart?: string
  healthcheck?: ComposeHealthcheck
  cap_add?: string[]
  cap_drop?: string[]
  deploy?: { resources?: { limits?: { memory?: string } } }
  mem_limit?: string | number
  init?: boolean
  read_only?: boolean
  security_opt?: string[]
  stop_grace_period?: string
  tmpfs?: string | string[]
  secrets?: ComposeSecretUse[]
}

export interface ComposeFile {
  name?: string
  services?: Record<string, ComposeService>
  networks?: Record<string, unknown>
  volumes?: Record<string, unknown>
  secrets?: Record<string, { file?: string; environment?: string }>
}

export function parseCompose(text: string): ComposeFile {
  return parse(text) as ComposeFile
}

export function servicesOf(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services ?? {})
}

/** The services `docker compose --profile <profile> up` starts: those without profiles, and the profile's. */
export function servicesInProfile(
  compose: ComposeFile,
  profile?: string,
): [string, ComposeService][] {
  return servicesOf(compose).filter(
    ([, service]) =>
      service.profiles === undefined ||
      (profile !== undefined && service.profiles.includes(profile)),
  )
}

/** The environment as a map, whichever of the two forms Compose allows the file uses. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {}
  const entries = Array.isArray(environment)
    ? environment.map((entry) => {
        const equals = entry.indexOf('=')
        return equals === -1 ? [entry, ''] : [entry.slice(0, equals), entry.slice(equals + 1)]
      })
    : Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)])
  return Object.fromEntries(entries)
}

export function secretNamesOf(service: ComposeService): string[] {
  return (service.secrets ?? []).map((secret) =>
    typeof secret === 'string' ? secret : secret.source,
  )
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

const durationUnits: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Milliseconds in a Compose duration such as `30s`, `1m30s` or `500ms`. */
export function durationMs(duration: string): number {
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)]
  if (parts.length === 0 || parts.map(([part]) => part).join('') !== duration) {
    throw new Error(`"${duration}" is not a Compose duration`)
  }
  return parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * (durationUnits[unit ?? ''] ?? 0),
    0,
  )
}
