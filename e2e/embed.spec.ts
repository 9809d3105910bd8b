// Embedding (docs/embed.md): the app in another site's iframe, its postMessage API with that site,
// the <chipfinder-search> web component, and the Content-Security-Policy the built app runs under.
// The host sites are pages of the data server (e2e/support/data-server.mjs, /embed-host.html and
// /embed-component.html): another origin than the app's, with no app code of their own.
import type { Frame, Page } from '@playwright/test'
import { test, expect } from './support/test'
import { DEMO_LABEL } from './support/app-page'
import { APP_URL, DATA_URL, NO_CORS_DATA_URL, dataUrls } from './support/servers'
import type {} from '../app/testing/test-api.ts'

const POSITIVE = '03WVN_20220610_0200'
const OTHER = '03WVN_20220610_0100'

interface Received {
  origin: string
  data: { type?: string; id?: unknown; [key: string]: unknown }
}
interface ResultsMessage {
  type: 'results'
  count: number
  above: number
  threshold: number | null
  top: { id: string; score: number; rank: number }[]
}

declare global {
  interface Window {
    received?: Received[]
    send?(message: unknown, targetOrigin: string): void
    events?: { type: string; detail: Record<string, unknown> }[]
    __seen?: Promise<string>
    __csp?: { directive: string; blocked: string }[]
    __inlineRan?: boolean
  }
}

/** An embed link to the demo: offline basemap, one positive, embed mode, and `allow` when given. */
function embedLink(allow?: string): string {
  const q = new URLSearchParams({ basemap: 'offline', positive: POSITIVE, embed: '1' })
  if (allow) q.set('allow', allow)
  return `${APP_URL}/?${q}`
}

/** The n-th (from 0) message from the frame whose data has these fields, once it has arrived. */
async function message(page: Page, fields: Record<string, unknown>, n = 0): Promise<Received> {
  const handle = await page.waitForFunction(
    ([f, i]) => window.received!.filter((r) => Object.entries(f).every(([k, v]) => r.data?.[k] === v))[i] ?? null,
    [fields, n] as const,
  )
  return (await handle.jsonValue()) as Received
}

/** The latest `results` message with these fields (and, with `top`, this chip first), once it has arrived. */
async function results(page: Page, fields: { count?: number; threshold?: number }, top?: string): Promise<ResultsMessage> {
  const handle = await page.waitForFunction(
    ([f, first]) =>
      window.received!.filter(
        (r) =>
          r.data?.type === 'results' &&
          Object.entries(f).every(([k, v]) => r.data[k] === v) &&
          (first === null || (r.data.top as { id: string }[])[0]?.id === first),
      ).at(-1)?.data ?? null,
    [fields, top ?? null] as const,
  )
  return (await handle.jsonValue()) as unknown as ResultsMessage
}

function appFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(APP_URL))
  if (!frame) throw new Error('no app frame')
  return frame
}

test.describe('embedded in another site', () => {
  test.use({ viewport: { width: 800, height: 520 } })

  test('an allowed host hears ready and results, and its commands change the search', async ({ page }) => {
    await page.goto(dataUrls.embedHost(embedLink(DATA_URL), { width: 780, height: 500 }))
    const embed = page.frameLocator('iframe')

    const ready = await message(page, { type: 'ready' })
    expect(ready.origin).toBe(APP_URL)
    expect(ready.data).toMatchObject({ source: 'chipfinder', version: 1, commands: ['setDataset', 'setExamples', 'setThreshold', 'flyTo', 'getState'] })

    // The results the host hears are the ones the embed lists, in the same order.
    const first = await results(page, { count: 417 })
    expect(first).toMatchObject({ above: 417, threshold: null })
    expect(first.top).toHaveLength(20)
    expect(first.top[0]).toMatchObject({ id: POSITIVE, rank: 1 })
    await expect(embed.getByTestId('dataset-label')).toHaveText(DEMO_LABEL)
    await expect(embed.getByTestId('result-row').first()).toHaveAttribute('data-chip-id', POSITIVE)
    // At 780 × 500 the panel stands beside the map, and nothing is wider than the frame.
    expect(await appFrame(page).evaluate(() => [document.documentElement.scrollWidth, document.querySelector('.embed-panel')!.getBoundingClientRect().left])).toEqual([780, 480])
    const listed = await embed.getByTestId('result-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-chip-id')))
    expect(listed.slice(0, 20)).toEqual(first.top.map((r) => r.id))
    // The compact chrome: no dataset picker or method panel, and a link to the full app with the same search.
    await expect(embed.getByRole('button', { name: 'Choose a dataset…' })).toHaveCount(0)
    const open = embed.getByRole('link', { name: /Open in Chipfinder/ })
    await expect(open).toHaveAttribute('target', '_blank')
    await expect(open).toHaveAttribute('rel', 'noopener')
    const href = (await open.getAttribute('href'))!
    expect(href.startsWith(`${APP_URL}/?`)).toBe(true)
    expect(href).toContain(`positive=${POSITIVE}`)
    expect(href).not.toMatch(/[?&](embed|allow)=/)

    // setThreshold: the fifth score; five chips stay listed, in the embed and in the next results.
    const fifth = first.top[4]!.score
    await page.evaluate(([v, origin]) => window.send!({ source: 'chipfinder', version: 1, type: 'setThreshold', id: 't1', value: v }, origin), [fifth, APP_URL] as const)
    expect((await message(page, { id: 't1' })).data).toMatchObject({ type: 'ack', command: 'setThreshold' })
    await expect(embed.getByTestId('threshold-count')).toContainText('5 of 417 chips shown')
    await expect(embed.getByTestId('result-row')).toHaveCount(5)
    const thresholded = await results(page, { threshold: fifth })
    expect(thresholded.above).toBe(5)
    expect(thresholded.top.map((r) => r.id)).toEqual(first.top.slice(0, 5).map((r) => r.id))

    // setExamples: another positive ranks first; the host hears the new selection.
    await page.evaluate(([o, origin]) => window.send!({ source: 'chipfinder', version: 1, type: 'setExamples', id: 'e1', positives: [o] }, origin), [OTHER, APP_URL] as const)
    expect((await message(page, { id: 'e1' })).data).toMatchObject({ type: 'ack', command: 'setExamples' })
    await expect(embed.getByTestId('result-row').first()).toHaveAttribute('data-chip-id', OTHER)
    expect((await message(page, { type: 'selection' })).data).toMatchObject({ positives: [OTHER], negatives: [] })
    expect((await results(page, {}, OTHER)).count).toBe(417)

    // A hostile command is refused with an error that names it, and changes nothing.
    await page.evaluate((origin) => window.send!({ source: 'chipfinder', version: 1, type: 'setDataset', id: 'bad', url: 'javascript:alert(1)' }, origin), APP_URL)
    expect((await message(page, { id: 'bad' })).data).toMatchObject({ type: 'error', command: 'setDataset', message: expect.stringMatching(/http\(s\)/) })
    await expect(embed.getByTestId('dataset-label')).toHaveText(DEMO_LABEL)
    // A host that started listening late asks again: ready, and the results it would have missed.
    const resultsBefore = (await page.evaluate(() => window.received!.filter((r) => r.data?.type === 'results').length))
    await page.evaluate((origin) => window.send!({ source: 'chipfinder', version: 1, type: 'getState', id: 'g' }, origin), APP_URL)
    expect((await message(page, { id: 'g' })).data).toMatchObject({ type: 'ack', command: 'getState' })
    await message(page, { type: 'ready' }, 1)
    expect((await message(page, { type: 'results' }, resultsBefore)).data).toMatchObject({ top: expect.arrayContaining([expect.objectContaining({ id: OTHER, rank: 1 })]) })
    // Every message went to the host's origin only: none came from elsewhere.
    expect(new Set((await page.evaluate(() => window.received!)).map((r) => r.origin))).toEqual(new Set([APP_URL]))
  })

  test('at 320 px the embed fits; a host not in allow hears nothing and commands nothing; the web component', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 520 })
    // The host page on the no-CORS port is another origin than the one the link allows.
    await page.goto(dataUrls.embedHost(embedLink(DATA_URL), { width: 320, height: 480 }, NO_CORS_DATA_URL))
    const embed = page.frameLocator('iframe')
    await expect(embed.getByTestId('dataset-label')).toHaveText(DEMO_LABEL, { timeout: 30_000 })
    await expect(embed.getByTestId('result-row').first()).toHaveAttribute('data-chip-id', POSITIVE)

    // Layout: the map on top, the bar and results under it, nothing wider than the frame.
    const frame = appFrame(page)
    const layout = await frame.evaluate(() => {
      const box = (sel: string) => document.querySelector(sel)!.getBoundingClientRect()
      const wide = [...document.querySelectorAll('.embed-panel *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      return {
        width: window.innerWidth,
        scrollWidth: document.documentElement.scrollWidth,
        map: box('[data-testid="map"]').toJSON() as DOMRect,
        panel: box('.embed-panel').toJSON() as DOMRect,
        wide: wide.map((el) => el.outerHTML.slice(0, 80)),
      }
    })
    expect(layout.width).toBe(320)
    expect(layout.scrollWidth).toBe(320)
    expect(layout.wide).toEqual([])
    expect(layout.map.width).toBe(320)
    expect(layout.map.height).toBeGreaterThan(200)
    expect(layout.panel.top).toBeGreaterThanOrEqual(layout.map.bottom - 1)
    const toggle = embed.getByRole('button', { name: 'Hide results' })
    await toggle.click()
    await expect(embed.getByTestId('result-row').first()).toBeHidden()
    await embed.getByRole('button', { name: 'Results' }).click()
    await expect(embed.getByTestId('result-row').first()).toBeVisible()
    await expect(embed.getByRole('link', { name: /Open in Chipfinder/ })).toBeInViewport()
    await expect(embed.getByTestId('threshold')).toBeInViewport()

    // A command from this host: the embed's own listener (registered at start, so it runs first)
    // sees it, and afterwards nothing has changed and no answer has come.
    await frame.evaluate(() => {
      window.__seen = new Promise((done) => window.addEventListener('message', (e) => done(e.origin), { once: true }))
    })
    await page.evaluate((origin) => window.send!({ source: 'chipfinder', version: 1, type: 'setThreshold', id: 'evil', value: 0.9 }, origin), APP_URL)
    expect(await frame.evaluate(() => window.__seen)).toBe(NO_CORS_DATA_URL)
    expect(await embed.getByTestId('threshold-value').textContent()).toBe('none')
    expect(await page.evaluate(() => window.received)).toEqual([])

    // The web component on an allowed host: the embed's events arrive as DOM events, and its
    // methods are answered.
    await page.goto(dataUrls.embedComponent({ src: embedLink(), 'allow-origin': DATA_URL, width: '320', height: '480' }))
    await page.waitForFunction(() => window.events!.some((e) => e.type === 'chipfinder-ready'))
    await page.waitForFunction(() => window.events!.some((e) => e.type === 'chipfinder-results' && e.detail.count === 417))
    const ack = await page.evaluate(() => (document.querySelector('chipfinder-search') as HTMLElement & { setThreshold(v: number): Promise<unknown> }).setThreshold(0.5))
    expect(ack).toMatchObject({ type: 'ack', command: 'setThreshold' })
    await expect(page.frameLocator('chipfinder-search iframe').getByTestId('threshold-value')).toHaveText('0.500')
    await expect(page.frameLocator('chipfinder-search iframe').getByTestId('dataset-label')).toHaveText(DEMO_LABEL)
  })
})

test.describe('Content-Security-Policy', () => {
  test.use({ viewport: { width: 640, height: 480 }, allowedConsoleErrors: /Executing inline script violates the following Content Security Policy directive/ })
  test.describe.configure({ timeout: 120_000 })

  test('the built app runs under its policy with no violation, encoder included; injected scripts are refused', async ({ page }) => {
    await page.addInitScript(() => {
      window.__csp = []
      document.addEventListener('securitypolicyviolation', (e) => window.__csp!.push({ directive: e.effectiveDirective, blocked: e.blockedURI }))
    })
    const response = await page.goto(`/?basemap=offline&positive=${POSITIVE}`)
    const header = response!.headers()['content-security-policy']!
    expect(header).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(header).toContain("object-src 'none'")
    expect(header).not.toContain('unsafe-inline')
    expect(header).not.toContain("'unsafe-eval'")
    expect(header).not.toContain('frame-ancestors')
    await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', header)

    // Loading, ranking in the search worker (WebAssembly kernels), the map's workers, and the
    // encoder (onnxruntime-web's WebAssembly and its threads) all run.
    await expect(page.getByTestId('dataset-label')).toHaveText(DEMO_LABEL, { timeout: 30_000 })
    await expect(page.getByTestId('result-row').first()).toHaveAttribute('data-chip-id', POSITIVE)
    await page.waitForFunction(() => window.__chipfinder?.isIdle() === true)
    const encoder = await page.evaluate(() => window.__chipfinder!.encoderSelfTest('wasm'))
    expect(encoder.maxAbsDiff).toBeLessThan(1e-4)
    expect(encoder.threads).toBeGreaterThan(1)
    expect(await page.evaluate(() => window.__csp)).toEqual([])

    // The Embed dialog writes the iframe for this search, with the origins typed in, as text.
    await page.getByRole('button', { name: 'Embed', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Embed this search' })
    await dialog.getByTestId('embed-origins').fill('http://example.org, https://news.example')
    await expect(dialog.getByText(/must use https:\/\//)).toBeVisible()
    const snippet = await dialog.getByTestId('embed-snippet').inputValue()
    expect(snippet).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?[^"]*positive=03WVN_20220610_0200[^"]*&amp;embed=1&amp;allow=https%3A%2F%2Fnews\.example" width="100%" height="480" title="[^"]+" loading="lazy" allow="clipboard-write"><\/iframe>$/)
    await expect(dialog.getByTestId('embed-component-snippet')).toHaveValue(/<chipfinder-search src="[^"]+" width="100%" height="480" allow-origin="https:\/\/news\.example"><\/chipfinder-search>$/)
    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)

    // What an attacker would inject: an inline script. It doesn't run; the page hears of it (once
    // per policy: the header's and the <meta>'s).
    await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.__inlineRan = true'
      document.body.append(script)
    })
    await expect.poll(() => page.evaluate(() => window.__csp!.length)).toBeGreaterThan(0)
    expect(await page.evaluate(() => window.__inlineRan)).toBeUndefined()
    expect(new Set(await page.evaluate(() => window.__csp!.map((v) => `${v.directive} ${v.blocked}`)))).toEqual(new Set(['script-src-elem inline']))
  })
})
