// Datasets of many files on object storage: listing, coverage before any embeddings are read,
// loading what is in view, searching across tiles, cancelling, the browser cache, retries and
// failures. Served by the local S3-compatible data server over synthetic sets whose planted
// clusters (scripts/make-synthetic-sets.mjs) say what a search must find.
import { test, expect, anyOf, CORS_BLOCKED, FAILED_RESOURCE, sharedPage } from './support/test'
import { AppPage } from './support/app-page'
import { s3Urls } from './support/servers'
import type { Page } from '@playwright/test'

interface Manifest {
  files: { key: string; set: string; mgrs: string | null; bbox: [number, number, number, number]; rows: number }[]
  planted: Record<string, Record<string, { ids: string[] }>>
}

// Wide enough to hold all six Alaska tiles (03W…), with no other region near.
const ALASKA: [number, number, number, number] = [-167.6, 64.6, -162.4, 67.0]
const FOLDER = s3Urls.folder('synthetic', 'clay-v0-global')

// Probing how deep the bucket sits in a path-style link costs one 404 (dataset-service.ts).
test.use({ allowedConsoleErrors: FAILED_RESOURCE })

async function manifest(page: Page): Promise<Manifest> {
  return (await page.request.get(s3Urls.manifest())).json()
}

async function openFolder(app: AppPage, url = FOLDER): Promise<void> {
  await app.open({ dataset: url })
  await expect(app.page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
}

async function jumpTo(app: AppPage, bbox: [number, number, number, number]): Promise<void> {
  await app.page.evaluate((b) => window.__chipfinder!.jumpTo(b), bbox)
}

// Opening a folder costs seconds (the listing, then the map on the CPU), so these tests share one
// opened folder and go on, in order, from where the one before left it (serial: after a failure the
// rest are skipped, as the rest of one long test would be).
test.describe('one opened folder: what is in view loads, the cache, a search across regions', () => {
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => openFolder(new AppPage(page)), { allowedConsoleErrors: FAILED_RESOURCE })

  test('a folder shows where it has data before reading embeddings, then loads what is in view', async () => {
    const { page, networkLog } = shared
    const app = new AppPage(page)
    const m = await manifest(page)
    await expect(page.getByTestId('stop-reason')).toContainText('26 files hold chips here. Zoom in to load them')
    await expect(app.datasetLabel).toContainText('nothing loaded yet')
    // Only the listing was read: no file's bytes yet.
    expect(networkLog.filter((r) => /\.gpq/.test(r.url))).toEqual([])

    const alaska = m.files.filter((f) => f.set === 'clay-v0-global' && f.mgrs?.startsWith('03W'))
    const rows = alaska.reduce((n, f) => n + f.rows, 0)
    await jumpTo(app, ALASKA)
    await expect(page.getByTestId('file-counts')).toContainText(`${alaska.length} loaded`, { timeout: 30_000 })
    await expect(page.getByTestId('here')).toHaveText(`${rows.toLocaleString('en-US')} chips loaded of ${rows.toLocaleString('en-US')} available here`)
    await expect(app.datasetLabel).toContainText(`${rows.toLocaleString('en-US')} chips · Clay v0 · 768-d`)
    await expect(page.getByTestId('files-progress')).toBeHidden()
  })

  test('files loaded once come back from the browser cache after a reload', async () => {
    const { page, networkLog } = shared
    const app = new AppPage(page)
    // The folder is open, and the test before loaded the Alaska tiles.
    await jumpTo(app, ALASKA)
    await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 30_000 })
    const before = networkLog.filter((r) => /\.gpq/.test(r.url)).length
    expect(before).toBeGreaterThan(0)

    await page.reload()
    await expect(page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
    await jumpTo(app, ALASKA)
    await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 30_000 })
    expect(networkLog.filter((r) => /\.gpq/.test(r.url)).length).toBe(before)
  })

  test('a search finds the same kind of place across tiles and regions as they load', async () => {
    const { page } = shared
    const app = new AppPage(page)
    const m = await manifest(page)
    const lakes = m.planted['clay-v0-global']!['lake']!.ids
    const alaskaLakes = lakes.filter((id) => id.startsWith('03W'))
    expect(alaskaLakes.length).toBeGreaterThan(2)
    // The folder is open (and was reloaded by the test before).
    await jumpTo(app, ALASKA)
    // Loads start a moment after the map stops moving: wait for them to finish, not just begin.
    await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 30_000 })
    await app.waitForIdle()
    await app.clickChip(alaskaLakes[0]!)
    await app.expectTopResult(alaskaLakes[0]!)
    await expect.poll(async () => (await app.ranking(alaskaLakes.length)).map((r) => r.id).sort()).toEqual([...alaskaLakes].sort())

    // Kenya's tiles load when the map goes there, and its lakes join the top of the ranking.
    const kenya = m.files.filter((f) => f.set === 'clay-v0-global' && f.mgrs?.startsWith('37M'))
    const box: [number, number, number, number] = [
      Math.min(...kenya.map((f) => f.bbox[0])),
      Math.min(...kenya.map((f) => f.bbox[1])),
      Math.max(...kenya.map((f) => f.bbox[2])),
      Math.max(...kenya.map((f) => f.bbox[3])),
    ]
    const kenyaLakes = lakes.filter((id) => id.startsWith('37M'))
    await jumpTo(app, box)
    await expect(page.getByTestId('file-counts')).toContainText(`${6 + kenya.length} loaded`, { timeout: 30_000 })
    const wanted = [...alaskaLakes, ...kenyaLakes].sort()
    await expect.poll(async () => (await app.ranking(wanted.length)).map((r) => r.id).sort(), { timeout: 20_000 }).toEqual(wanted)
  })
})

// The demo, opened once: a folder that can't be listed leaves it, then the picker opens one.
test.describe('the demo, opened once: a refused listing, then the dataset picker', () => {
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => new AppPage(page).openDemo(), { allowedConsoleErrors: FAILED_RESOURCE })

  test('a bucket that refuses listing says so, and the demo stays', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await app.openDatasetUrl(s3Urls.fault('list-403', 'synthetic', 'clay-v0-global/'))
    await expect(app.loadError).toContainText(/403|refused|not allowed|doesn.t allow/i)
    await expect(app.datasetLabel).toHaveText('417 chips · Clay v0 · 768-d · 2022-06-10')
  })

  test('the dataset picker offers the published sets and the offline demo', async () => {
    const { page } = shared
    const app = new AppPage(page)
    // The demo, still open after the refused folder of the test before.
    await expect(app.datasetLabel).toHaveText('417 chips · Clay v0 · 768-d · 2022-06-10')
    await page.getByRole('button', { name: 'Choose a dataset…' }).click()
    const picker = page.getByTestId('dataset-picker')
    for (const title of ['Clay v0, global (Sentinel-2)', 'Clay v1.5, Sentinel-2', 'Clay v1.5, NAIP (USA, aerial)', 'LGND Clay v1.5, Sentinel-2 L2A'])
      await expect(picker.getByText(title, { exact: true })).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(picker).toBeHidden()

    // Its own form opens a folder by link.
    await page.getByRole('button', { name: 'Choose a dataset…' }).click()
    await picker.getByLabel(/Link to a GeoParquet embeddings file/).fill(FOLDER)
    await picker.getByRole('button', { name: 'Open', exact: true }).click()
    await expect(picker).toBeHidden()
    await expect(page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
  })
})

test('cancel stops the loads; moving the map starts them again', async ({ page }) => {
  const app = new AppPage(page)
  await openFolder(app, s3Urls.fault('slow-700,tag-cancel', 'synthetic', 'clay-v0-global/'))
  await jumpTo(app, ALASKA)
  const progress = page.getByTestId('files-progress')
  await expect(progress).toBeVisible()
  await progress.getByRole('button', { name: 'Cancel' }).click()
  await expect(progress).toBeHidden()
  await expect(page.getByTestId('stop-reason')).toContainText('Loading was cancelled')
  const states = await page.evaluate(() => window.__chipfinder!.files().map((f) => f.status))
  expect(states.filter((s) => s === 'loading' || s === 'queued')).toEqual([])
  await jumpTo(app, [ALASKA[0] + 0.1, ALASKA[1], ALASKA[2], ALASKA[3]])
  await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 45_000 })
})

test('a server that fails twice before answering still loads, after retries', async ({ page }) => {
  const app = new AppPage(page)
  await page.request.post(s3Urls.reset('500x2,tag-retry'))
  await openFolder(app, s3Urls.fault('500x2,tag-retry', 'synthetic', 'clay-v0-global/'))
  await jumpTo(app, ALASKA)
  await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 45_000 })
  await expect(app.notices.filter({ hasText: '500' })).toHaveCount(0)
})

test.describe('a folder on a server that refuses browser access', () => {
  test.use({ allowedConsoleErrors: anyOf(FAILED_RESOURCE, CORS_BLOCKED) })
  test('says the server does not allow browser access', async ({ page }) => {
    const app = new AppPage(page)
    await app.open({ dataset: s3Urls.folder('synthetic', 'clay-v0-global', 'http://127.0.0.1:' + new URL(FOLDER).port.replace(/0$/, '1')) })
    await expect(app.loadError).toContainText(/browser access/, { timeout: 30_000 })
  })
})

test('files that do not match the dataset are skipped with a message; the rest load', async ({ page }) => {
  const app = new AppPage(page)
  const m = await manifest(page)
  // The whole bucket: Clay v0 (768-d) and Earth Index (384-d) both cover tile 37MBU in Kenya.
  const mbu = m.files.find((f) => f.mgrs === '37MBU' && f.set === 'clay-v0-global')!
  await app.open({ dataset: s3Urls.folder('synthetic') })
  await expect(page.getByTestId('file-counts')).toContainText(/\d+ files/, { timeout: 30_000 })
  await jumpTo(app, [mbu.bbox[0] + 0.3, mbu.bbox[1] + 0.3, mbu.bbox[2] - 0.3, mbu.bbox[3] - 0.3])
  await expect(app.notices.filter({ hasText: /was skipped: this file's embeddings are \d+-d; the dataset's are \d+-d/ }).first()).toBeVisible({
    timeout: 45_000,
  })
  await expect(app.datasetLabel).toContainText(/^[\d,]+ chips · /)
  await expect(page.getByTestId('file-counts')).toContainText(/skipped or failed/)
})

test('a catalog link lists its datasets; picking one opens it', async ({ page }) => {
  const app = new AppPage(page)
  await app.open({ dataset: s3Urls.catalog() })
  const picker = page.getByTestId('dataset-picker')
  await expect(picker).toBeVisible({ timeout: 30_000 })
  await expect(picker.getByTestId('catalog-entry')).toHaveCount(5)
  await picker.getByRole('button', { name: 'Open Clay v0 global (synthetic)' }).click()
  await expect(picker).toBeHidden()
  await expect(page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
  await expect(app.datasetLabel).toContainText('Clay v0 global (synthetic)')
  await expect(page).toHaveURL(/dataset=http:\/\/127\.0\.0\.1:\d+\/s3\/synthetic\/clay-v0-global\//)
})

test('a server that ignores byte ranges (200 with the whole file) still loads', async ({ page }) => {
  const app = new AppPage(page)
  await openFolder(app, s3Urls.fault('200-for-range', 'synthetic', 'clay-v0-global/'))
  await jumpTo(app, ALASKA)
  await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 45_000 })
  await expect(app.notices).toHaveCount(0)
})

test('chips with a reconstruction loss can be coloured and filtered by it', async ({ page }) => {
  const app = new AppPage(page)
  const m = await manifest(page)
  const planted = m.planted['clay-v1-5-s2']!
  // Chips of files without an id column are named <file name>#<row>. Tile 31UFT has one date, so
  // no other chip lies on top of its chips (37MBU's two dates overlap exactly).
  const inTile = (ids: string[]) => ids.filter((k) => k.includes('31UFT')).map((k) => k.slice(k.lastIndexOf('/') + 1))
  const clouds = inTile(planted['cloud']!.ids)
  const unusual = inTile(planted['unusual']!.ids)
  expect(clouds.length * unusual.length).toBeGreaterThan(0)
  const tile = m.files.find((f) => f.set === 'clay-v1-5-s2' && f.key.includes('31UFT'))!
  await app.open({ dataset: s3Urls.folder('synthetic', 'clay-v1-5-s2') })
  // Four files are few enough to load at once, wherever the map is.
  await expect(page.getByTestId('file-counts')).toContainText('4 files · 4 located · 4 loaded', { timeout: 30_000 })
  await jumpTo(app, tile.bbox)
  await app.waitForIdle()

  await page.getByRole('radio', { name: 'Loss' }).click()
  // High loss towards the yellow end of the ramp, near-zero loss at the purple end.
  await expect.poll(async () => (await app.colourAtChip(unusual[0]!)).g).toBeGreaterThan(140)
  await expect.poll(async () => (await app.colourAtChip(clouds[0]!)).g).toBeLessThan(110)

  await page.getByLabel('Lowest loss shown').fill('0.05')
  // Every file is loaded, so every planted cloud (near-zero loss) is hidden, and only they are.
  await expect(page.getByTestId('loss-hidden')).toHaveText(new RegExp(`^${planted['cloud']!.ids.length} chips hidden by loss`))
  await page.getByRole('radio', { name: 'Similarity' }).click()
  await app.clickChip(unusual[0]!)
  await app.expectTopResult(unusual[0]!)
  const listed = await app.resultIds()
  expect(listed.filter((id) => clouds.includes(id))).toEqual([])
  // A hidden chip can't be clicked into the search.
  await app.clickChip(clouds[0]!)
  await expect(app.positives).toHaveCount(1)
})
