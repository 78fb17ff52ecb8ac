import { type Directive, findDirectives, parseNginxConfig } from './nginx-config.js'

/** Each rule takes nginx configuration text and returns its problems, one sentence each. */
export type ProxyRule = (config: string) => string[]

/** Docker's embedded DNS server, the one that knows every replica of a Compose service. */
export const dockerDns = '127.0.0.11'

function variableValue(directives: Directive[], variable: string): string | undefined {
  return findDirectives(directives, 'set').find(({ args }) => args[0] === variable)?.args[1]
}

/** The URL each proxy_pass sends to, following a variable to the `set` that gives its value. */
function proxyTargets(
  directives: Directive[],
): { line: number; target: string; viaVariable: boolean }[] {
  return findDirectives(directives, 'proxy_pass').map(({ args: [target = ''], line }) => {
    const viaVariable = target.startsWith('$')
    return {
      line,
      viaVariable,
      target: viaVariable ? (variableValue(directives, target) ?? target) : target,
    }
  })
}

/** Every proxy_pass goes to `origin` (for example `http://web:5000`), and there is at least one. */
export function proxyTargetProblems(config: string, origin: string): string[] {
  const targets = proxyTargets(parseNginxConfig(config))
  if (targets.length === 0) return ['nothing is proxied: there is no proxy_pass']
  return targets
    .filter(({ target }) => target.replace(/\/$/, '') !== origin)
    .map(({ line, target }) => `line ${line}: proxy_pass goes to ${target}, not ${origin}`)
}

/** Replicas come and go with --scale, so the upstream name is resolved while serving, by Docker's DNS. */
export const resolvedOnlyAtStart: ProxyRule = (config) => {
  const directives = parseNginxConfig(config)
  const literal = proxyTargets(directives)
    .filter(({ viaVariable }) => !viaVariable)
    .map(
      ({ line }) => `line ${line}: a host named directly in proxy_pass is resolved once, at start`,
    )
  const resolvers = findDirectives(directives, 'resolver')
  const usesDockerDns = resolvers.some(({ args }) => args.includes(dockerDns))
  const expires = resolvers.some(({ args }) => args.some((arg) => arg.startsWith('valid=')))
  return [
    ...literal,
    ...(usesDockerDns ? [] : [`no resolver points at Docker's DNS, ${dockerDns}`]),
    ...(expires ? [] : ['the resolver keeps answers for as long as their TTL: set valid=']),
  ]
}

export function listenPortProblems(config: string, port: number): string[] {
  const listens = findDirectives(parseNginxConfig(config), 'listen').map(({ args: [address] }) =>
    Number(address?.split(':').at(-1)),
  )
  return listens.includes(port) ? [] : [`no server listens on ${port}`]
}

function errorTarget(directives: Directive[], code: number): string | undefined {
  const errorPage = findDirectives(directives, 'error_page').find(({ args }) =>
    args.slice(0, -1).includes(String(code)),
  )
  return errorPage?.args.at(-1)
}

function answersJson(directives: Directive[], uri: string): boolean {
  const location = findDirectives(directives, 'location').find(({ args }) => args.at(-1) === uri)
  const block = location?.block ?? []
  const type = block.find(({ name }) => name === 'default_type')?.args[0]
  const body = block.find(({ name }) => name === 'return')?.args[1]
  try {
    const parsed: unknown = JSON.parse(body ?? '')
    return type === 'application/json' && typeof (parsed as { erro?: unknown }).erro === 'string'
  } catch {
    return false
  }
}

/** The errors nginx answers itself keep the API's shape: JSON `{"erro": ...}`, never nginx's HTML. */
export function htmlErrorProblems(config: string, codes: number[]): string[] {
  const directives = parseNginxConfig(config)
  return codes.flatMap((code) => {
    const target = errorTarget(directives, code)
    if (target === undefined) return [`nginx answers ${code} with its own HTML page`]
    return answersJson(directives, target)
      ? []
      : [`${code} goes to ${target}, which does not answer the API's JSON error`]
  })
}
