import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { environmentOf, parseCompose, servicesInProfile } from '../src/compose.js'
import { scalingProblems, servicesWithFixedHostPorts } from '../src/compose-rules.js'
import { interpolate } from '../src/interpolation.js'
import { findDirectives, parseNginxConfig } from '../src/nginx-config.js'
import {
  htmlErrorProblems,
  listenPortProblems,
  type ProxyRule,
  proxyTargetProblems,
  resolvedOnlyAtStart,
} from '../src/proxy-rules.js'
import { infraDir, readRepoFile } from '../src/repo.js'

const stack = parseCompose(interpolate(readRepoFile('infra/compose.yml'), {}))
// The scale command of compose.yml sets WEB_PORT empty so that Docker picks web's host ports.
const scaledStack = parseCompose(interpolate(readRepoFile('infra/compose.yml'), { WEB_PORT: '' }))
const proxy = stack.services?.proxy ?? {}
const config = readRepoFile('infra/proxy/default.conf')
const webOrigin = `http://web:${environmentOf(stack.services?.web ?? {}).PORT}`
const [proxyMount] = proxy.volumes ?? []
const [proxyPort] = proxy.ports ?? []
const proxyContainerPort = Number(String(proxyPort).split(':').at(-1))

const good = `resolver 127.0.0.11 valid=5s;
server {
  listen 8080;
  location / {
    set $upstream http://web:5000;
    proxy_pass $upstream;
  }
  error_page 502 504 =503 @unavailable;
  error_page 413 @too_large;
  location @unavailable {
    default_type application/json;
    return 503 '{"erro":"API indisponível"}';
  }
  location @too_large {
    default_type application/json;
    return 413 '{"erro":"grande demais"}';
  }
}
`

describe('the nginx configuration parser', () => {
  test('reads directives, blocks, quoted arguments and skips comments', () => {
    const [server] = parseNginxConfig(
      "server { # the site\n  listen 8080;\n  return 200 'a; {b}';\n}\n",
    )
    expect(server?.name).toBe('server')
    expect(server?.block?.map(({ name, args, line }) => ({ name, args, line }))).toEqual([
      { name: 'listen', args: ['8080'], line: 2 },
      { name: 'return', args: ['200', 'a; {b}'], line: 3 },
    ])
    expect(findDirectives(parseNginxConfig(good), 'proxy_pass')).toHaveLength(1)
  })

  test('a missing semicolon, an unclosed block and a stray brace are errors', () => {
    expect(() => parseNginxConfig('server { listen 8080 }')).toThrow('must end with')
    expect(() => parseNginxConfig('server { listen 8080;')).toThrow('not closed')
    expect(() => parseNginxConfig('listen 8080; }')).toThrow('unexpected "}"')
  })
})

const rules: [string, ProxyRule, string][] = [
  [
    'it proxies to web on the port web listens on',
    (text) => proxyTargetProblems(text, webOrigin),
    good.replace('http://web:5000', 'http://web:8000'),
  ],
  [
    'it resolves web while serving, through Docker DNS, so scaled replicas are found',
    resolvedOnlyAtStart,
    good.replace('proxy_pass $upstream', 'proxy_pass http://web:5000'),
  ],
  [
    'it listens on the port compose.yml publishes',
    (text) => listenPortProblems(text, proxyContainerPort),
    good.replace('listen 8080', 'listen 80'),
  ],
  [
    'the errors nginx answers itself are JSON in the API shape',
    (text) => htmlErrorProblems(text, [413, 502, 504]),
    good.replace('\'{"erro":"grande demais"}\'', '<h1>too large</h1>'),
  ],
]

describe.each(rules)('proxy rule: %s', (_, rule, bad) => {
  test('holds for infra/proxy/default.conf', () => {
    expect(rule(config)).toEqual([])
  })

  test('holds for the reference snippet', () => {
    expect(rule(good)).toEqual([])
  })

  test('fails on a snippet that breaks it', () => {
    expect(rule(bad)).not.toEqual([])
  })
})

describe('proxy rules report each way of breaking them', () => {
  test('no proxy_pass at all, and a resolver without Docker DNS or valid=', () => {
    expect(proxyTargetProblems('server { listen 8080; }', webOrigin)).toEqual([
      'nothing is proxied: there is no proxy_pass',
    ])
    expect(resolvedOnlyAtStart(good.replace('127.0.0.11 valid=5s', '8.8.8.8'))).toEqual([
      "no resolver points at Docker's DNS, 127.0.0.11",
      'the resolver keeps answers for as long as their TTL: set valid=',
    ])
  })

  test('an error code without an error_page answers with nginx HTML', () => {
    expect(htmlErrorProblems(good.replace('error_page 413 @too_large;', ''), [413])).toEqual([
      'nginx answers 413 with its own HTML page',
    ])
  })
})

describe('the proxy service of compose.yml', () => {
  test('runs with the scale profile only, from a pinned major and variant of nginx', () => {
    expect(proxy.profiles).toEqual(['scale'])
    expect(servicesInProfile(stack).map(([name]) => name)).not.toContain('proxy')
    expect(proxy.image).toMatch(/^nginxinc\/nginx-unprivileged:\d+-alpine$/)
  })

  test('mounts infra/proxy/default.conf read-only as the site nginx serves', () => {
    expect(proxyMount).toBe('./proxy/default.conf:/etc/nginx/conf.d/default.conf:ro')
    expect(existsSync(join(infraDir, 'proxy/default.conf'))).toBe(true)
  })

  test('starts once web is healthy, and is locked down like the services built here', () => {
    expect(proxy.depends_on).toEqual({ web: { condition: 'service_healthy' } })
    expect(proxy).toMatchObject({
      cap_drop: ['ALL'],
      read_only: true,
      security_opt: ['no-new-privileges:true'],
      tmpfs: ['/tmp'],
    })
  })

  test('with the scale command, the proxy is the one service holding a fixed host port', () => {
    expect(servicesWithFixedHostPorts(scaledStack, 'scale')).toEqual(['proxy'])
    expect(scalingProblems(scaledStack, 'scale', ['web', 'client'])).toEqual([])
    expect(proxyPort).toBe('127.0.0.1:8080:8080')
  })

  test('without it, web keeps its fixed port 5000 and so cannot be scaled', () => {
    expect(stack.services?.web?.ports).toEqual(['127.0.0.1:5000:5000'])
    expect(scalingProblems(stack, 'scale', ['web'])).toEqual([
      'web publishes a fixed host port, so it cannot be scaled',
    ])
  })
})
