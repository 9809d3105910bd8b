// Searching the whole archive from its static index (docs/index-format.md): a folder on the local
// S3-compatible server with an index beside it (scripts/make-indexed-set.mjs, built by the real
// `npm run index`), one chip clicked in Alaska, the planted lakes of three other continents found
// from files never loaded onto the map, a label from the list, the link reopened elsewhere; and
// the indexes that can't be used (cut short, stale, another model's), each said in words while the
// chips in view are still searched.
import { test, expect, FAILED_RESOURCE, sharedPage } from './support/test'
import { AppPage } from './support/app-page'
import { DATA_URL, s3Urls } from './support/servers'
import { readFile } from 'node:fs/promises'
import type { Page } from '@playwright/test'

interface Manifest {
  planted: Record<string, Record<string, { ids: string[]; members: { key: string; id: string }[] }>>
}

// The six Alaska tiles (03W…), with no other region near.
const ALASKA: [number, number, number, number] = [-167.6, 64.6, -162.4, 67.0]
const FOLDER = s3Urls.folder('synthetic', 'clay-v0-indexed')
const CATALOG = `${DATA_URL}/s3/synthetic/indexed-catalog.json`
const LAKE = '03WVN_20220714_0032'

// Probing how deep the bucket sits in a path-style link costs one 404 (opening.ts).
test.use({ allowedConsoleErrors: FAILED_RESOURCE })

async function lakes(page: Page): Promise<string[]> {
  const m = (await (await page.request.get(s3Urls.manifest())).json()) as Manifest
  return m.planted['clay-v0-global']!['lake']!.ids
}

async function archiveRanking(page: Page, limit?: number) {
  return page.evaluate((n) => window.__chipfinder!.archiveRanking(n), limit)
}

async function openAlaska(app: AppPage, url = FOLDER): Promise<void> {
  await app.open({ dataset: url })
  await expect(app.page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
  await app.page.evaluate((b) => window.__chipfinder!.jumpTo(b), ALASKA)
  await expect(app.page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 30_000 })
  await app.waitForIdle()
}

test.describe('one indexed folder: a click in Alaska finds the lakes of the world', () => {
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => openAlaska(new AppPage(page)), { allowedConsoleErrors: FAILED_RESOURCE })

  test('the whole set is searched: lakes from files never loaded, checked exactly', async () => {
    const { page, networkLog } = shared
    const app = new AppPage(page)
    const planted = await lakes(page)
    const scope = page.getByRole('radiogroup', { name: 'Where to search' })
    await expect(scope.getByRole('radio', { name: 'Everywhere (11,829 places)' })).toHaveAttribute('aria-checked', 'true')

    await app.clickChip(LAKE)
    const list = page.getByTestId('archive-result')
    await expect(list.first()).toHaveAttribute('data-chip-id', LAKE, { timeout: 30_000 })
    // Every planted lake, in Alaska, Kenya, the Netherlands and the Amazon, ranks above every other place.
    const top = (await archiveRanking(page, planted.length))!
    expect(new Set(top.map((r) => r.id))).toEqual(new Set(planted))
    expect(top.every((r) => r.exact)).toBe(true)
    await expect(page.getByTestId('archive-stats')).toContainText(/checked exactly/)
    // Most of them lie in files that were never loaded onto the map.
    const files = await page.evaluate(() => window.__chipfinder!.files())
    const unloaded = top.filter((r) => files.find((f) => f.key.endsWith(r.source))?.status !== 'loaded')
    expect(unloaded.map((r) => r.id.slice(0, 2)).sort()).toEqual(expect.arrayContaining(['21', '31', '37']))
    // The index was read once, by ranges; its codes never went through the decode of a data file.
    expect(networkLog.filter((r) => /chipfinder-index\/index\.json/.test(r.url))).toHaveLength(1)

    // The places found export as points, best first, with how each was scored and the query.
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('archive-export-geojson').click()])
    expect(file.suggestedFilename()).toMatch(/-everywhere\.geojson$/)
    const json = JSON.parse(await readFile((await file.path())!, 'utf8'))
    const listed = await page.getByTestId('archive-result').count()
    expect(json.features).toHaveLength(listed)
    expect(json.features.slice(0, planted.length).map((f: { properties: { id: string } }) => f.properties.id).sort()).toEqual([...planted].sort())
    expect(json.features[0].properties).toMatchObject({ rank: 1, id: LAKE, exact: true })
    expect(json.query.positives).toEqual([LAKE])
  })

  test('a place found far away is labelled from the list, the map goes there, and the link says so', async () => {
    const { page } = shared
    const app = new AppPage(page)
    const kenyan = (await archiveRanking(page))!.find((r) => r.id.startsWith('37M'))!.id
    const before = (await archiveRanking(page))!.map((r) => r.id).join()
    await app.labelButton(kenyan, 'positive', page.getByTestId('archive-results')).click()
    await expect(app.positives).toHaveCount(2)
    await expect.poll(async () => (await archiveRanking(page))!.map((r) => r.id).join(), { timeout: 30_000 }).not.toBe(before)
    expect(new URL(page.url()).searchParams.get('positive')).toContain(kenyan.slice(-4))

    // Going there loads its file: the chip is then on the map like any other.
    await page.locator(`[data-testid="archive-result"][data-chip-id="${kenyan}"]`).click()
    await expect.poll(() => page.evaluate((id) => window.__chipfinder!.chipIds().includes(id), kenyan), { timeout: 30_000 }).toBe(true)
  })

  test('the link opened in a fresh browser gives the same top 20', async ({ freshContext }) => {
    const { page } = shared
    const want = (await archiveRanking(page, 20))!
    const link = page.url()
    const other = await freshContext.newPage()
    await other.goto(link)
    await expect(other.getByTestId('archive-result').first()).toBeVisible({ timeout: 45_000 })
    await expect.poll(async () => (await archiveRanking(other, 20))?.map((r) => r.id), { timeout: 30_000 }).toEqual(want.map((r) => r.id))
    const got = (await archiveRanking(other, 20))!
    expect(got.map((r) => r.score)).toEqual(want.map((r) => r.score))
  })

  test('"On the map" searches the loaded chips only, and the link keeps the choice', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await page.getByRole('radio', { name: /^On the map/ }).click()
    await expect(page.getByTestId('archive-results')).toBeHidden()
    await expect(app.results.first()).toBeVisible()
    const ids = await app.resultIds()
    const loaded = await page.evaluate(() => window.__chipfinder!.chipIds())
    expect(ids.every((id) => loaded.includes(id))).toBe(true)
    await expect.poll(() => new URL(page.url()).searchParams.get('scope')).toBe('view')
    await page.getByRole('radio', { name: /^Everywhere/ }).click()
    await expect(page.getByTestId('archive-results')).toBeVisible()
  })

  test("an index's own address, pasted, opens the folder it indexes, searched everywhere", async () => {
    const { page } = shared
    const app = new AppPage(page)
    const before = (await archiveRanking(page, 20))!.map((r) => r.id)
    await app.openDatasetUrl(`${FOLDER}chipfinder-index/index.json`)
    await expect(page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
    await expect(page.getByRole('radio', { name: 'Everywhere (11,829 places)' })).toHaveAttribute('aria-checked', 'true')
    // The examples stay, and are searched everywhere again through the index: the same places.
    await expect(page.getByTestId('archive-result').first()).toBeVisible({ timeout: 30_000 })
    await expect.poll(async () => (await archiveRanking(page, 20))?.map((r) => r.id), { timeout: 30_000 }).toEqual(before)
  })
})

test.describe('indexes that cannot be used say why, and the chips in view are still searched', () => {
  for (const [kind, message] of [
    ['corrupt', /incomplete/],
    ['other-model', /made for other embeddings.*Clay v1\.5/],
  ] as const) {
    test(`a ${kind} index`, async ({ page }) => {
      const app = new AppPage(page)
      await app.openCatalogEntry(CATALOG, `Clay v0 global, ${kind} index (synthetic)`)
      await expect(page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
      await page.evaluate((b) => window.__chipfinder!.jumpTo(b), ALASKA)
      await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 30_000 })
      await expect(page.getByTestId('archive-status')).toContainText(message)
      await expect(page.getByTestId('archive-status')).toContainText('Only the chips in view are searched')
      await app.waitForIdle()
      await app.clickChip(LAKE)
      await app.expectTopResult(LAKE)
      await expect(page.getByTestId('archive-results')).toBeHidden()
    })
  }

  test('a stale index: the changed file is named, and its chips are marked as estimates', async ({ page }) => {
    const app = new AppPage(page)
    await app.openCatalogEntry(CATALOG, 'Clay v0 global, stale index (synthetic)')
    await expect(page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
    await page.evaluate((b) => window.__chipfinder!.jumpTo(b), ALASKA)
    await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 30_000 })
    await app.waitForIdle()
    await app.clickChip(LAKE)
    await expect(page.getByTestId('archive-result').first()).toBeVisible({ timeout: 30_000 })
    await expect(page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: /has changed since the index was built/ }).first()).toBeVisible()
    const top = (await archiveRanking(page))!
    const stale = top.filter((r) => !r.exact)
    expect(stale.length).toBeGreaterThan(0)
    expect(new Set(stale.map((r) => r.source)).size).toBe(1)
    await expect(page.getByTestId('archive-stats')).toContainText('Some scores are estimates')
  })
})
