import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { environmentOf, loadCompose } from '../src/compose.js'
import { infraDir } from '../src/repo.js'

const stack = loadCompose('compose.yml')
// The scale command of compose.yml sets WEB_PORT empty so that Docker picks web's host ports.
const scaledStack = loadCompose('compose.yml', { WEB_PORT: '' })
const proxy = stack.services.proxy ?? {}
const webOrigin = `http://web:${environmentOf(stack.services.web ?? {}).PORT}`

// The file compose.yml mounts as the site nginx serves, and where.
const [mountSource = '', mountTarget, mountMode] = (proxy.volumes?.[0] ?? '').split(':')
const configPath = join(infraDir, mountSource)
const config = readFileSync(configPath, 'utf8')

const scratch = mkdtempSync(join(tmpdir(), 'infra-nginx-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** `nginx -t` on a site configuration, inside a main configuration shaped like the image's. */
function nginxTest(path: string) {
  const result = spawnSync('sh', [join(infraDir, 'scripts/check-proxy-config.sh'), path], {
    encoding: 'utf8',
  })
  return { status: result.status, output: result.stdout + result.stderr }
}

/** The arguments of each top-level-or-nested `name ...;` directive of the file, in order. */
function directives(name: string): string[] {
  return [...config.matchAll(new RegExp(`^\\s*${name}\\s+([^;]*);`, 'gm'))].map(
    ([, args = '']) => args,
  )
}

describe('infra/proxy/default.conf', () => {
  test('is what compose.yml mounts, read-only, as the site of nginxinc/nginx-unprivileged', () => {
    expect([mountSource, mountTarget, mountMode]).toEqual([
      './proxy/default.conf',
      '/etc/nginx/conf.d/default.conf',
      'ro',
    ])
  })

  test('nginx -t accepts it', () => {
    const { status, output } = nginxTest(configPath)
    expect(status, output).toBe(0)
  })

  test('nginx -t, as run here, rejects a copy with a directive out of place', () => {
    const broken = join(scratch, 'default.conf')
    writeFileSync(broken, config.replace('listen 8080;', 'listen 8080;\n  events {}'))
    const { status, output } = nginxTest(broken)
    expect(status).not.toBe(0)
    expect(output).toContain('"events" directive is not allowed here')
  })

  test('it proxies everything to web on the port web listens on, named through a variable', () => {
    expect(directives('proxy_pass')).toEqual(['$web_origin'])
    expect(directives('set')).toEqual([`$web_origin ${webOrigin}`])
  })

  test("it resolves web while serving, through Docker's DNS, so replicas that --scale adds are found", () => {
    expect(directives('resolver')).toEqual([expect.stringMatching(/^127\.0\.0\.11 valid=\d+s\b/)])
  })

  test('it listens on the port compose.yml publishes', () => {
    const [published = ''] = proxy.ports ?? []
    expect(directives('listen')).toEqual([published.split(':').at(-1)])
  })

  test('the errors nginx answers itself are JSON in the API shape, not its own HTML', () => {
    expect(directives('error_page')).toEqual(['502 504 =503 @unavailable', '413 @too_large'])
    // Each named location answers by itself, in the form `default_type ...; return <code> '<body>';`.
    const answering =
      /^\s*location (@\w+) \{\s*default_type (\S+);\s*return (\d+) '([^']*)';\s*\}/gm
    const answers = [...config.matchAll(answering)].map(([, name, type, code, body = '']) => ({
      name,
      type,
      code,
      body: JSON.parse(body),
    }))
    const jsonError = { type: 'application/json', body: { erro: expect.any(String) } }
    expect(answers).toEqual([
      { name: '@unavailable', code: '503', ...jsonError },
      { name: '@too_large', code: '413', ...jsonError },
    ])
  })
})

describe('the proxy service of compose.yml', () => {
  test('runs with the scale profile only, from a pinned major and variant of nginx', () => {
    expect(proxy.profiles).toEqual(['scale'])
    expect(proxy.image).toMatch(/^nginxinc\/nginx-unprivileged:\d+-alpine$/)
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

  test('with the scale command, Docker picks the host port of each web replica and the proxy is the one fixed entry point', () => {
    // `127.0.0.1::5000`: no host port given, so each of the replicas gets its own.
    const ports = Object.entries(scaledStack.services).flatMap(([name, { ports = [] }]) =>
      ports.map((port) => [name, port]),
    )
    expect(ports).toEqual([
      ['prometheus', '127.0.0.1:9090:9090'],
      ['proxy', '127.0.0.1:8080:8080'],
      ['web', '127.0.0.1::5000'],
    ])
  })

  test('without it, web keeps its fixed port 5000, so a second replica could not start', () => {
    expect(stack.services.web?.ports).toEqual(['127.0.0.1:5000:5000'])
  })
})
