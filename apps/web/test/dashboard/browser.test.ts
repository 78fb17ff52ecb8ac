import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { needs } from '@repo/testing/needs'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postJson, send } from '../support/http.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

// Debian's chromium package; playwright-core drives it and downloads no browser of its own.
needs('binary:chromium')

const CHROMIUM = '/usr/bin/chromium'
const REPORTS = fileURLToPath(new URL('../../../../.reports/', import.meta.url))
/** Fast enough for a person to call it live; the contract's bound for a change to reach every stream. */
const LIVE_WITHIN_MS = 1_000

let server: TestServer
let context: BrowserContext
let profile: string

/** What a page asked for and complained about, from the moment it opened. */
interface Watched {
  page: Page
  requests: string[]
  consoleErrors: string[]
}

async function openPage(path = '/'): Promise<Watched> {
  const page = await context.newPage()
  const watched: Watched = { page, requests: [], consoleErrors: [] }
  page.on('request', (request) => watched.requests.push(request.url()))
  page.on('console', (message) => {
    if (message.type() === 'error')
      watched.consoleErrors.push(`${message.text()} (${message.location().url})`)
  })
  page.on('pageerror', (error) => watched.consoleErrors.push(`uncaught: ${error.message}`))
  await page.goto(`${server.url}${path}`)
  return watched
}

/** No request left this machine's app, and nothing went to the console but the `expected` errors. */
function expectNothingElse({ page, requests, consoleErrors }: Watched, expected: RegExp[] = []) {
  const origin = new URL(server.url).origin
  expect(requests.length).toBeGreaterThan(0)
  expect(
    requests.filter((url) => new URL(url).origin !== origin && !url.startsWith('data:')),
  ).toEqual([])
  expect(consoleErrors.filter((error) => !expected.some((pattern) => pattern.test(error)))).toEqual(
    [],
  )
  return page.close()
}

const liveBadge = (page: Page) => page.locator('#ao-vivo[data-estado="ao-vivo"]')
// Page scripts as strings: this file is type-checked without the DOM's types.
const focusedId = (page: Page) => page.evaluate('document.activeElement?.id')

beforeAll(async () => {
  server = await startTestServer({ env: { LOG_LEVEL: 'silent' } })
  profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'))
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1200, height: 900 },
  })
}, 60_000)

afterAll(async () => {
  await context?.close()
  await server?.stop()
  if (profile) rmSync(profile, { recursive: true, force: true })
})

describe('the dashboard at / in Chromium', () => {
  it('shows both services connected, the posts newest first and the stats, and goes live', async () => {
    const watched = await openPage()
    const { page } = watched

    await expect.poll(() => page.locator('#estado-banco').textContent()).toBe('conectado')
    await expect.poll(() => page.locator('#estado-cache').textContent()).toBe('conectado')
    await expect.poll(() => page.locator('#lista-posts li').count()).toBe(3)
    await expect.poll(() => page.locator('#total-posts').textContent()).toBe('3')
    await liveBadge(page).waitFor()
    expect(await page.title()).toBe('Painel · Posts API')

    await expectNothingElse(watched)
  })

  it('creates a post through the form, then lists it first', async () => {
    const watched = await openPage()
    const { page } = watched
    await liveBadge(page).waitFor()

    await page.getByLabel('Título').fill('Pelo formulário')
    await page.getByLabel('Conteúdo').fill('Escrito no painel')
    await page.getByLabel('Autor').fill('Navegador')
    await page.getByRole('button', { name: 'Publicar' }).click()

    await expect
      .poll(() => page.locator('#sucesso-form').textContent())
      .toMatch(/^Post #\d+ publicado\.$/)
    await expect
      .poll(() => page.locator('#lista-posts li h3').first().textContent())
      .toBe('Pelo formulário')
    expect(await page.getByLabel('Título').inputValue()).toBe('')
    const { body } = await send(`${server.url}/api/posts?limit=1`)
    expect(body).toMatchObject({ posts: [{ titulo: 'Pelo formulário', autor: 'Navegador' }] })

    await expectNothingElse(watched)
  })

  it('a blank title gets the API’s own message beside the title field, and nothing is created', async () => {
    const watched = await openPage()
    const { page } = watched
    await liveBadge(page).waitFor()
    const before = await send(`${server.url}/api/posts?limit=1`)

    await page.getByLabel('Título').fill('   ')
    await page.getByLabel('Conteúdo').fill('sem título')
    await page.getByRole('button', { name: 'Publicar' }).click()

    await expect.poll(() => page.locator('#titulo-erro').textContent()).toBe('campo obrigatório')
    expect(await page.getByLabel('Título').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#conteudo-erro').textContent()).toBe('')
    expect(await page.locator('#erro-form').textContent()).toBe('Dados inválidos')
    // The field the error names has the focus, and its description reads the error out.
    expect(await focusedId(page)).toBe('titulo')
    const after = await send(`${server.url}/api/posts?limit=1`)
    expect((after.body as { total: number }).total).toBe((before.body as { total: number }).total)

    // Chromium itself logs every answer of 400 or more as a failed resource: that one was asked for.
    await expectNothingElse(watched, [/status of 400 \(Bad Request\).*\/api\/posts\)$/])
  })

  it('reading the cache shows where the list came from: the database first, then the cache', async () => {
    const watched = await openPage()
    const { page } = watched
    const readCache = page.getByRole('button', { name: 'Ler do cache' })

    await readCache.click()
    await expect.poll(() => page.locator('#fonte').textContent()).toBe('banco_de_dados')
    await readCache.click()
    await expect.poll(() => page.locator('#fonte').textContent()).toBe('cache')

    await expectNothingElse(watched)
  })

  it('the counter button increments the counter, and the stats follow', async () => {
    const watched = await openPage()
    const { page } = watched
    await liveBadge(page).waitFor()
    const { body } = await send(`${server.url}/api/stats`)
    const start = (body as { total_requisicoes: number }).total_requisicoes

    await page.getByRole('button', { name: 'Incrementar contador' }).click()

    await expect
      .poll(() => page.locator('#resultado-contador').textContent())
      .toBe(`contador: ${start + 1}`)
    await expect
      .poll(() => page.locator('#total-requisicoes').textContent())
      .toBe(String(start + 1))
    await expectNothingElse(watched)
  })

  it('loading the page does not touch the counter', async () => {
    const { body: before } = await send(`${server.url}/api/stats`)
    const watched = await openPage()
    await liveBadge(watched.page).waitFor()
    await watched.page.reload()
    await liveBadge(watched.page).waitFor()

    const { body: after } = await send(`${server.url}/api/stats`)
    expect(after).toMatchObject({
      total_requisicoes: (before as { total_requisicoes: number }).total_requisicoes,
    })
    await expectNothingElse(watched)
  })

  it('a post created on one page appears on another open page without a reload, within a second', async () => {
    const first = await openPage()
    const second = await openPage()
    await Promise.all([liveBadge(first.page).waitFor(), liveBadge(second.page).waitFor()])
    // Set on the page itself: a reload would lose it.
    await second.page.evaluate('window.semRecarregar = true')

    // The page opened first is now a background tab, where Chromium throttles what a click waits for.
    await first.page.bringToFront()
    await first.page.getByLabel('Título').fill('Visto na outra aba')
    await first.page.getByLabel('Conteúdo').fill('ao vivo')
    const created = first.page.waitForResponse(
      (response) => response.request().method() === 'POST' && response.status() === 201,
    )
    await first.page.getByRole('button', { name: 'Publicar' }).click()
    await created
    const sent = performance.now()
    await second.page
      .locator('#lista-posts li h3', { hasText: 'Visto na outra aba' })
      .waitFor({ timeout: LIVE_WITHIN_MS })

    expect(performance.now() - sent).toBeLessThan(LIVE_WITHIN_MS)
    expect(await second.page.evaluate('window.semRecarregar')).toBe(true)
    await expectNothingElse(first)
    await expectNothingElse(second)
  })

  it('a post created elsewhere (another client of the API) appears too', async () => {
    const watched = await openPage()
    await liveBadge(watched.page).waitFor()

    await send(
      `${server.url}/api/posts`,
      postJson({ titulo: 'De outro cliente', conteudo: 'curl' }),
    )

    await watched.page.locator('#lista-posts li h3', { hasText: 'De outro cliente' }).waitFor({
      timeout: LIVE_WITHIN_MS,
    })
    await expectNothingElse(watched)
  })

  it('is usable with the keyboard alone: Tab from the title to the button, Enter publishes', async () => {
    const watched = await openPage()
    const { page } = watched
    await liveBadge(page).waitFor()

    await page.getByLabel('Título').focus()
    await page.keyboard.type('Pelo teclado')
    await page.keyboard.press('Tab')
    await page.keyboard.type('só teclas')
    for (const expected of ['autor', 'token']) {
      await page.keyboard.press('Tab')
      expect(await focusedId(page)).toBe(expected)
    }
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Publicar')
    await page.keyboard.press('Enter')

    await page.locator('#lista-posts li h3', { hasText: 'Pelo teclado' }).waitFor()
    await expectNothingElse(watched)
  })

  it('fits a 375 px wide screen, in the light and in the dark colour scheme', async () => {
    const watched = await openPage()
    const { page } = watched
    await page.setViewportSize({ width: 375, height: 800 })
    await liveBadge(page).waitFor()
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor')
    const text = () => page.evaluate('getComputedStyle(document.body).color')

    await page.emulateMedia({ colorScheme: 'light' })
    const light = { background: await background(), text: await text() }
    await page.emulateMedia({ colorScheme: 'dark' })
    const dark = { background: await background(), text: await text() }

    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      375,
    )
    expect(light).not.toEqual(dark)
    expect(light.background).not.toBe(light.text)
    expect(dark.background).not.toBe(dark.text)
    for (const field of ['Título', 'Conteúdo', 'Autor', 'Token de escrita'])
      expect(await page.getByLabel(field).isVisible()).toBe(true)
    await page.emulateMedia({ colorScheme: 'light' })
    await expectNothingElse(watched)
  })

  it('leaves a screenshot of itself in .reports/dashboard.png', async () => {
    const watched = await openPage()
    const { page } = watched
    await liveBadge(page).waitFor()
    await page.getByRole('button', { name: 'Ler do cache' }).click()
    await expect.poll(() => page.locator('#fonte').textContent()).not.toBe('—')
    mkdirSync(REPORTS, { recursive: true })

    const png = await page.screenshot({ path: join(REPORTS, 'dashboard.png') })

    expect(png.subarray(1, 4).toString()).toBe('PNG')
    await expectNothingElse(watched)
  })
})

describe('/docs in Chromium', () => {
  it('renders every operation of /openapi.json from the app’s own files, with no console error', async () => {
    const watched = await openPage('/docs')
    const { page } = watched

    await page
      .getByText('Server-sent events', { exact: false })
      .first()
      .waitFor({ timeout: 15_000 })
    await page.getByText('Create a post').first().waitFor()

    expect(watched.requests).toContain(`${server.url}/docs/api-reference.js`)
    expect(watched.requests).toContain(`${server.url}/openapi.json`)
    await expectNothingElse(watched)
  }, 30_000)
})
