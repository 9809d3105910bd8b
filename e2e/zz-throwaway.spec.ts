import { test, expect, anyOf, CORS_BLOCKED, FAILED_RESOURCE } from './support/test'
import { APP_URL, CLAY_SAMPLE, dataUrls, NO_CORS_DATA_URL } from './support/servers'

async function inWorker(page: import('@playwright/test').Page, msg: unknown) {
  return page.evaluate((m) => new Promise((done) => {
    const w = new Worker('/worker.js')
    w.onmessage = (e) => done(e.data)
    w.postMessage(m)
  }), msg)
}

test.describe('positive', () => {
  test('app + range fetch + network log', async ({ page, networkLog }) => {
    await page.goto('/')
    await expect(page).toHaveTitle('harness')
    const got = await page.evaluate(async (url) => {
      const r = await fetch(url, { headers: { Range: 'bytes=0-99' } })
      return { status: r.status, cr: r.headers.get('content-range'), n: (await r.arrayBuffer()).byteLength }
    }, dataUrls.clay())
    expect(got).toEqual({ status: 206, cr: 'bytes 0-99/1831543', n: 100 })
    expect(networkLog.map((r) => [r.url, r.range])).toContainEqual([dataUrls.clay(), 'bytes=0-99'])
  })

  test('worker fetch is recorded', async ({ page, networkLog }) => {
    await page.goto('/')
    expect(await inWorker(page, { kind: 'fetch', url: dataUrls.clay() })).toEqual({ status: 206, bytes: 100 })
    console.log(networkLog.map((r) => `${r.resourceType} ${r.url} ${r.range}`).join('\n'))
    expect(networkLog.some((r) => r.url === dataUrls.clay())).toBe(true)
  })

  test.describe('faults', () => {
    test.use({ allowedConsoleErrors: anyOf(CORS_BLOCKED, FAILED_RESOURCE) })
    test('no-CORS port refuses the browser', async ({ page }) => {
      const msgs: string[] = []
      page.on('console', (m) => msgs.push(`${m.type()}: ${m.text()} @ ${m.location().url}`))
      await page.goto('/')
      const err = await page.evaluate(async (url) => {
        try { await fetch(url, { headers: { Range: 'bytes=0-99' } }); return 'no error' } catch (e) { return String(e) }
      }, `${NO_CORS_DATA_URL}/clay-v0/${CLAY_SAMPLE}`)
      expect(err).toContain('TypeError')
      const err2 = await page.evaluate(async (url) => {
        try { await fetch(url); return 'no error' } catch (e) { return String(e) }
      }, `${NO_CORS_DATA_URL}/health`)
      expect(err2).toContain('TypeError')
      console.log(msgs.join('\n'))
    })
    test('403 route', async ({ page }) => {
      const msgs: string[] = []
      page.on('console', (m) => msgs.push(`${m.type()}: ${m.text()} @ ${m.location().url}`))
      await page.goto('/')
      const s = await page.evaluate(async (url) => (await fetch(url)).status, dataUrls.status(403))
      expect(s).toBe(403)
      console.log(msgs.join('\n'))
    })
    test('truncate cuts the body', async ({ page }) => {
      const msgs: string[] = []
      page.on('console', (m) => msgs.push(`${m.type()}: ${m.text()} @ ${m.location().url}`))
      await page.goto('/')
      const r = await page.evaluate(async (url) => {
        const res = await fetch(url, { headers: { Range: 'bytes=0-99999' } })
        try { const b = await res.arrayBuffer(); return `got ${b.byteLength}` } catch (e) { return `${res.status} ${String(e)}` }
      }, dataUrls.truncate())
      expect(r).toContain('TypeError')
      console.log(r, '\n', msgs.join('\n'))
    })
    test('slow', async ({ page }) => {
      await page.goto('/')
      const ms = await page.evaluate(async (url) => {
        const t = performance.now(); await (await fetch(url)).arrayBuffer(); return performance.now() - t
      }, dataUrls.slow(`status/200/x`, 1500))
      expect(ms).toBeGreaterThan(1400)
    })
  })
})

test.describe('negative (each must FAIL)', () => {
  test('NEG page error', async ({ page }) => {
    await page.goto('/')
    await page.evaluate(() => { setTimeout(() => { throw new Error('boom in page') }) })
    await page.waitForTimeout(200)
  })
  test('NEG unhandled rejection', async ({ page }) => {
    await page.goto('/')
    await page.evaluate(() => { void Promise.reject(new Error('rejected in page')) })
    await page.waitForTimeout(200)
  })
  test('NEG console.error', async ({ page }) => {
    await page.goto('/')
    await page.evaluate(() => console.error('something bad'))
  })
  test('NEG external request', async ({ page }) => {
    await page.goto('/')
    await page.evaluate(() => fetch('https://tiles.example.com/x.pbf').catch(() => null))
  })
  test('NEG external request via img', async ({ page }) => {
    await page.goto('/')
    await page.evaluate(() => { const i = new Image(); i.src = 'http://example.org/a.png'; document.body.append(i) })
    await page.waitForTimeout(300)
  })
  test('NEG worker console.error', async ({ page }) => {
    await page.goto('/')
    await inWorker(page, { kind: 'log-error' })
    await page.waitForTimeout(200)
  })
  test('NEG worker uncaught throw', async ({ page }) => {
    await page.goto('/')
    await inWorker(page, { kind: 'throw' })
    await page.waitForTimeout(300)
  })
  test('NEG worker unhandled rejection', async ({ page }) => {
    await page.goto('/')
    await inWorker(page, { kind: 'reject' })
    await page.waitForTimeout(300)
  })
  test('NEG 404 without opt-in', async ({ page }) => {
    await page.goto('/')
    await page.evaluate(async (url) => (await fetch(url)).status, dataUrls.status(404))
    await page.waitForTimeout(100)
  })
})

test.describe('opt-ins make them pass', () => {
  test.describe('host', () => {
    test.use({ allowedHosts: ['*.example.com'] })
    test('allowed external host', async ({ page }) => {
      await page.route('https://tiles.example.com/**', (r) => r.abort())
      await page.goto('/')
      await page.evaluate(() => fetch('https://tiles.example.com/x.pbf').catch(() => null))
    })
  })
  test.describe('404', () => {
    test.use({ allowedConsoleErrors: /Failed to load resource.* @ .*\/status\/404\// })
    test('allowed 404 only for its URL', async ({ page }) => {
      await page.goto('/')
      expect(await page.evaluate(async (url) => (await fetch(url)).status, dataUrls.status(404))).toBe(404)
    })
  })
  test('APP_URL', async ({ page }) => { await page.goto(APP_URL) })
})
