import { join } from 'node:path'
import {
  buildOf,
  type ComposeFile,
  type ComposePort,
  type ComposeService,
  dependenciesOf,
  durationMs,
  environmentOf,
  healthcheckArgv,
  networksOf,
  secretNamesOf,
  servicesInProfile,
  servicesOf,
} from './compose.js'
import { parseDockerfile } from './dockerfile.js'
import { isPinnedImage, secretName } from './dockerfile-rules.js'
import { interpolate, variableReferences, variablesIn } from './interpolation.js'

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

/** The host port a port is published on: a number, a range, '' for one Docker picks, undefined for none. */
function hostPort(port: ComposePort): string | undefined {
  if (typeof port === 'object')
    return port.published === undefined ? undefined : String(port.published)
  const parts = interpolate(String(port), {}).split(':')
  return parts.length < 2 ? undefined : parts.at(-2)
}

/** Services of the profile that publish a fixed host port, which only one container can hold. */
export function servicesWithFixedHostPorts(compose: ComposeFile, profile?: string): string[] {
  return servicesInProfile(compose, profile)
    .filter(([, service]) =>
      (service.ports ?? []).some((port) => /^\d+$/.test(hostPort(port) ?? '')),
    )
    .map(([name]) => name)
}

/** `--scale <service>=N` starts N containers, and only one of them could bind a fixed host port. */
export function scalingProblems(compose: ComposeFile, profile: string, scaled: string[]): string[] {
  const fixed = servicesWithFixedHostPorts(compose, profile)
  return scaled
    .filter((name) => fixed.includes(name))
    .map((name) => `${name} publishes a fixed host port, so it cannot be scaled`)
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

/** Compose's own default when a service sets no stop_grace_period. */
const defaultStopGracePeriod = '10s'

/**
 * Docker kills a container stop_grace_period after SIGTERM; the app needs SHUTDOWN_TIMEOUT_MS to
 * let requests finish, plus a moment to close its clients. `appDefaultMs` applies when the service
 * does not set SHUTDOWN_TIMEOUT_MS itself.
 */
export function shutdownGraceProblems(
  compose: ComposeFile,
  serviceName: string,
  appDefaultMs: number,
): string[] {
  const service = compose.services?.[serviceName]
  if (service === undefined) return [`there is no service ${serviceName}`]
  const grace = service.stop_grace_period ?? defaultStopGracePeriod
  const configured = environmentOf(service).SHUTDOWN_TIMEOUT_MS
  const drainMs = configured === undefined ? appDefaultMs : Number(configured)
  return durationMs(grace) > drainMs
    ? []
    : [`${serviceName} is killed ${grace} after SIGTERM, before its ${drainMs} ms drain ends`]
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsIn)
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn)
  return []
}

/** Where Compose mounts a service's secrets. */
const secretsDir = '/run/secrets/'

function secretReferenceProblems(compose: ComposeFile): string[] {
  const problems = stringsIn(compose)
    .flatMap(variableReferences)
    .filter(({ name, operator }) => secretName.test(name) && operator !== ':?')
    .map(({ whole }) => `${whole} can run without its secret: write \${NAME:?message}`)
  return [...new Set(problems)]
}

function secretSettingProblems(serviceName: string, service: ComposeService): string[] {
  return Object.entries(environmentOf(service))
    .filter(([key]) => secretName.test(key))
    .flatMap(([key, value]) => {
      if (key.endsWith('_FILE')) {
        const secret = value.startsWith(secretsDir) ? value.slice(secretsDir.length) : undefined
        return secret !== undefined && secretNamesOf(service).includes(secret)
          ? []
          : [`${serviceName}'s ${key} is not a secret the service mounts`]
      }
      return variableReferences(value).some(({ operator }) => operator === ':?')
        ? []
        : [
            `${serviceName}'s ${key} is written in the file instead of required from the environment`,
          ]
    })
}

/**
 * For a file whose secrets must all be given: a secret-named variable is only ever read with
 * `${NAME:?message}` (no default, no empty value), a secret-named setting takes its value from such
 * a variable, and a `*_FILE` setting points at a secret the service mounts.
 */
export const secretDefaultProblems: ComposeRule = (compose) => [
  ...secretReferenceProblems(compose),
  ...servicesOf(compose).flatMap(([name, service]) => secretSettingProblems(name, service)),
]

export const secretProblems: ComposeRule = (compose) => {
  const declared = compose.secrets ?? {}
  const withoutSource = Object.entries(declared)
    .filter(([, secret]) => secret.file === undefined && secret.environment === undefined)
    .map(([name]) => `the secret "${name}" has neither a file nor an environment variable`)
  return [
    ...declaredVsUsed('secret', Object.keys(declared), usage(compose, secretNamesOf)),
    ...withoutSource,
  ]
}

/** Services of the profile that publish any port on the host. */
export function publishingServices(compose: ComposeFile, profile?: string): string[] {
  return servicesInProfile(compose, profile)
    .filter(([, service]) => (service.ports ?? []).length > 0)
    .map(([name]) => name)
}
