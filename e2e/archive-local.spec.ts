// A folder with no published index, made searchable everywhere in the browser: the offer says
// what it will read and how long that should take; the build is reloaded half-way (the data files
// are slowed a little by a route so that "half-way" is a state to wait for, not a sleep), the
// button then says how far it got and goes on from there; when it is done the folder is searched
// everywhere exactly like one with a published index: a lake clicked in Alaska finds the planted
// lakes of the other continents, checked exactly.
import { test, expect, FAILED_RESOURCE } from './support/test'
import { AppPage } from './support/app-page'
import { s3Urls } from './support/servers'
import type { Page } from '@playwright/test'

interface Manifest {
  planted: Record<string, Record<string, { ids: string[] }>>
}

const ALASKA: [number, number, number, number] = [-167.6, 64.6, -162.4, 67.0]
const FOLDER = s3Urls.folder('synthetic', 'clay-v0-global')
const LAKE = '03WVN_20220714_0032'
const DATA_FILE = /\/s3\/synthetic\/clay-v0-global\/v02\/.+\.gpq$/

// No index beside the folder: that probe is a 404, as is the bucket-depth probe (opening.ts).
test.use({ allowedConsoleErrors: FAILED_RESOURCE })

async function opened(page: Page): Promise<void> {
  await expect(page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
}

test('an unindexed folder is made searchable everywhere, survives a reload half-way, then finds the lakes of the world', async ({ page }) => {
  test.setTimeout(180_000)
  const app = new AppPage(page)
  let slow = true
  const dataGets: string[] = []
  await page.route(DATA_FILE, async (route) => {
    if (route.request().method() === 'GET') dataGets.push(route.request().url())
    if (slow) await new Promise((r) => setTimeout(r, 120))
    await route.fallback()
  })
  await app.open({ dataset: FOLDER })
  await opened(page)
  const panel = page.getByTestId('local-index')
  const offer = panel.getByRole('button', { name: /^Make this set searchable everywhere — reads all 26 files \([\d.]+ MB\) once, about \d+ (s|min) at [\d.]+ MB\/s; you can keep working meanwhile$/ })
  await expect(offer).toBeVisible({ timeout: 30_000 })
  // Only the in-view search is there until it is done.
  await expect(page.getByRole('radiogroup', { name: 'Where to search' })).toHaveCount(0)
  await offer.click()
  await expect(panel).toContainText(/Making this set searchable everywhere/)
  await expect(panel.getByRole('button', { name: 'Cancel' })).toBeVisible()
  await expect.poll(async () => Number(await panel.getAttribute('data-done')), { timeout: 60_000 }).toBeGreaterThanOrEqual(5)
  const before = Number(await panel.getAttribute('data-done'))
  expect(before).toBeLessThan(26)

  await page.reload()
  await opened(page)
  const resume = panel.getByRole('button', { name: /^Continue making this set searchable everywhere — (\d+) of 26 files already read; (\d+) left \([\d.]+ [kM]B\), about \d+ (s|min)/ })
  await expect(resume).toBeVisible({ timeout: 30_000 })
  const kept = Number(/— (\d+) of 26/.exec((await resume.textContent())!)![1])
  // What was done before the reload is kept (files finishing as the page went away may add to it).
  expect(kept).toBeGreaterThanOrEqual(before)
  expect(kept).toBeLessThan(26)
  slow = false
  const getsBefore = dataGets.length
  await resume.click()
  // It goes on from there: the progress starts at what was kept.
  await expect.poll(async () => Number(await panel.getAttribute('data-done')), { timeout: 5_000 }).toBeGreaterThanOrEqual(kept)
  const scope = page.getByRole('radiogroup', { name: 'Where to search' })
  await expect(scope.getByRole('radio', { name: 'Everywhere (11,829 places)' })).toHaveAttribute('aria-checked', 'true', { timeout: 90_000 })
  await expect(panel).toContainText(/kept in the browser’s private file storage/)
  // Only the files not yet done were read after the reload (each file takes a few range GETs).
  const readAfter = new Set(dataGets.slice(getsBefore).map((u) => u.split('/').pop()))
  expect(readAfter.size).toBeLessThanOrEqual(26 - kept + 6)

  await page.evaluate((b) => window.__chipfinder!.jumpTo(b), ALASKA)
  await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 30_000 })
  await app.waitForIdle()
  const planted = ((await (await page.request.get(s3Urls.manifest())).json()) as Manifest).planted['clay-v0-global']!['lake']!.ids
  await app.clickChip(LAKE)
  const list = page.getByTestId('archive-result')
  await expect(list.first()).toHaveAttribute('data-chip-id', LAKE, { timeout: 30_000 })
  const top = (await page.evaluate((n) => window.__chipfinder!.archiveRanking(n), planted.length))!
  expect(new Set(top.map((r) => r.id))).toEqual(new Set(planted))
  expect(top.every((r) => r.exact)).toBe(true)
  expect(top.map((r) => r.id.slice(0, 2))).toEqual(expect.arrayContaining(['21', '31', '37']))

  // Opened again, the kept index is used at once: no offer, no reading of the files.
  await page.reload()
  await opened(page)
  await expect(scope.getByRole('radio', { name: 'Everywhere (11,829 places)' })).toBeVisible({ timeout: 30_000 })
  await expect(panel.getByRole('button')).toHaveCount(0)
})
