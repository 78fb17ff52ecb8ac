import { join } from 'node:path'
import {
  buildOf,
  type ComposeFile,
  type ComposePort,
  type ComposeService,
  dependenciesOf,
  healthcheckArgv,
  networksOf,
  servicesOf,
} from './compose.js'
import { parseDockerfile } from './dockerfile.js'
import { isPinnedImage } from './dockerfile-rules.js'
import { interpolate, variablesIn } from './interpolation.js'

/** Each rule takes a parsed Compose file and returns its problems, one sentence each. */
export type ComposeRule = (compose: ComposeFile) => string[]

export const dependencyProblems: ComposeRule = (compose) => {
  const services = compose.services ?? {}
  return servicesOf(compose).flatMap(([name, service]) =>
    Object.entries(dependenciesOf(service)).flatMap(([target, dependency]) => {
      const targetService = services[target]
      if (targetService === undefined)
        return [`${name} depends on "${target}", which is not a service`]
      const waitsForHealth = dependency.condition === 'service_healthy'
      return waitsForHealth && healthcheckArgv(targetService.healthcheck) === undefined
        ? [`${name} waits for ${target} to be healthy, but ${target} has no health check`]
        : []
    }),
  )
}

function declaredVsUsed(kind: string, declared: string[], used: Map<string, string[]>): string[] {
  const undeclared = [...used]
    .filter(([name]) => !declared.includes(name))
    .map(([name, users]) => `${users.join(', ')} use the ${kind} "${name}", which is not declared`)
  const unused = declared
    .filter((name) => !used.has(name))
    .map((name) => `the ${kind} "${name}" is declared but no service uses it`)
  return [...undeclared, ...unused]
}

function usage(compose: ComposeFile, namesOf: (service: ComposeService) => string[]) {
  const used = new Map<string, string[]>()
  for (const [serviceName, service] of servicesOf(compose)) {
    for (const name of namesOf(service)) used.set(name, [...(used.get(name) ?? []), serviceName])
  }
  return used
}

export const networkProblems: ComposeRule = (compose) =>
  declaredVsUsed('network', Object.keys(compose.networks ?? {}), usage(compose, networksOf))

function volumeSource(volume: string | { type?: string; source?: string }): string | undefined {
  if (typeof volume !== 'string') {
    return volume.type === undefined || volume.type === 'volume' ? volume.source : undefined
  }
  const [source, target] = volume.split(':')
  return target === undefined ? undefined : source
}

/** Named volumes only: sources starting with `.`, `/` or `~` are bind mounts of host paths. */
function namedVolumesOf(service: ComposeService): string[] {
  return (service.volumes ?? [])
    .map(volumeSource)
    .filter((source): source is string => source !== undefined && !/^[./~]/.test(source))
}

export const volumeProblems: ComposeRule = (compose) =>
  declaredVsUsed('volume', Object.keys(compose.volumes ?? {}), usage(compose, namedVolumesOf))

export const imageProblems: ComposeRule = (compose) =>
  servicesOf(compose).flatMap(([name, service]) => {
    if (service.image === undefined) {
      return service.build === undefined ? [`${name} has neither an image nor a build`] : []
    }
    return isPinnedImage(service.image)
      ? []
      : [`${name} uses ${service.image}, which has no version tag`]
  })

const healthcheckTimings = ['interval', 'timeout', 'retries', 'start_period'] as const

/** Every service here runs for as long as the stack does, so every one reports its health. */
export const healthcheckProblems: ComposeRule = (compose) =>
  servicesOf(compose).flatMap(([name, service]) => {
    if (healthcheckArgv(service.healthcheck) === undefined) return [`${name} has no health check`]
    return healthcheckTimings
      .filter((timing) => service.healthcheck?.[timing] === undefined)
      .map((timing) => `${name}'s health check does not set ${timing}`)
  })

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

const hardening: [string, (service: ComposeService) => boolean][] = [
  ['init: true', (service) => service.init === true],
  ['read_only: true', (service) => service.read_only === true],
  [
    'tmpfs with /tmp',
    (service) => asList(service.tmpfs).some((mount) => /^\/tmp(:|$)/.test(mount)),
  ],
  ['cap_drop: [ALL]', (service) => asList(service.cap_drop).includes('ALL')],
  [
    'security_opt: [no-new-privileges:true]',
    (service) => asList(service.security_opt).includes('no-new-privileges:true'),
  ],
  ['stop_grace_period', (service) => service.stop_grace_period !== undefined],
  [
    'a memory limit',
    (service) =>
      service.deploy?.resources?.limits?.memory !== undefined || service.mem_limit !== undefined,
  ],
  ['restart: unless-stopped', (service) => service.restart === 'unless-stopped'],
]

/** The services built from this repository run our code, so they get the locked-down settings. */
export const hardeningProblems: ComposeRule = (compose) =>
  servicesOf(compose)
    .filter(([, service]) => service.build !== undefined)
    .flatMap(([name, service]) =>
      hardening
        .filter(([, holds]) => !holds(service))
        .map(([setting]) => `${name} lacks ${setting}`),
    )

export const containerNameProblems: ComposeRule = (compose) =>
  servicesOf(compose)
    .filter(([, service]) => service.container_name !== undefined)
    .map(([name]) => `${name} sets container_name, which forbids scaling and parallel projects`)

/** The host address a port is published on: '' for every interface, undefined when unpublished. */
function hostAddress(port: ComposePort): string | undefined {
  if (typeof port === 'object')
    return port.published === undefined ? undefined : (port.host_ip ?? '')
  const parts = interpolate(String(port), {}).split(':')
  if (parts.length < 2) return undefined
  return parts
    .slice(0, -2)
    .join(':')
    .replace(/^\[|\]$/g, '')
}

const loopback = new Set(['127.0.0.1', '::1', 'localhost'])

/** A published port reachable from other machines must be a deliberate choice, not the default. */
export const publishedPortProblems: ComposeRule = (compose) =>
  servicesOf(compose).flatMap(([name, service]) =>
    (service.ports ?? []).flatMap((port) => {
      const address = hostAddress(port)
      return address !== undefined && !loopback.has(address)
        ? [`${name} publishes ${JSON.stringify(port)} beyond 127.0.0.1`]
        : []
    }),
  )

/** Keys assigned in a dotenv file such as .env.example. */
export function envFileKeys(envFile: string): string[] {
  return envFile
    .split(/\r?\n/)
    .map((line) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined)
}

export function undocumentedVariables(composeText: string, envExample: string): string[] {
  const documented = new Set(envFileKeys(envExample))
  return variablesIn(composeText)
    .filter((name) => !documented.has(name))
    .map((name) => `${name} is used in compose but missing from .env.example`)
}

export interface FileAccess {
  exists(path: string): boolean
  read(path: string): string
}

/** Each build's context and Dockerfile exist and its target is a stage of that Dockerfile. */
export function buildProblems(
  compose: ComposeFile,
  composeDir: string,
  files: FileAccess,
): string[] {
  return servicesOf(compose).flatMap(([name, service]) => {
    const build = buildOf(service)
    if (build === undefined) return []
    const context = join(composeDir, build.context ?? '.')
    if (!files.exists(context)) return [`${name}'s build context ${context} does not exist`]
    const dockerfile = join(context, build.dockerfile ?? 'Dockerfile')
    if (!files.exists(dockerfile)) return [`${name}'s Dockerfile ${dockerfile} does not exist`]
    if (build.target === undefined) return []
    const stages = parseDockerfile(files.read(dockerfile)).map((stage) => stage.name)
    return stages.includes(build.target.toLowerCase())
      ? []
      : [`${name}'s build target "${build.target}" is not a stage of ${dockerfile}`]
  })
}
