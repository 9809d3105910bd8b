// Every kind of bad input gets a clear message naming the file, and nothing the person chose
// is lost: their examples stay, and the demo (or the dataset already loaded) keeps working.
import { test, expect, anyOf, CORS_BLOCKED, FAILED_RESOURCE, sharedPage } from './support/test'
import { AppPage, DEMO_LABEL } from './support/app-page'
import { dataUrls, NO_CORS_DATA_URL, type FixtureName } from './support/servers'

const POSITIVE = '03WVN_20220610_0200'

interface BadCase {
  name: string
  url: string
  fileName: string
  message: RegExp
}

const file = (name: FixtureName, message: RegExp): BadCase => ({ name, url: dataUrls.file(name), fileName: name, message })

const CASES: BadCase[] = [
  { name: '404', url: dataUrls.status(404, 'gone.parquet'), fileName: 'gone.parquet', message: /404/ },
  { name: '403', url: dataUrls.status(403, 'private.parquet'), fileName: 'private.parquet', message: /403/ },
  { name: '500', url: dataUrls.status(500, 'flaky.parquet'), fileName: 'flaky.parquet', message: /500/ },
  { name: 'no CORS', url: dataUrls.clay(undefined, NO_CORS_DATA_URL), fileName: '03WVN_20220610_20220610_v001.gpq', message: /browser access/ },
  { name: 'truncated body', url: dataUrls.truncate(), fileName: '03WVN_20220610_20220610_v001.gpq', message: /broke off after \d+ of \d+ bytes/ },
  file('not-parquet.parquet', /isn't a Parquet file/),
  file('empty.parquet', /empty/),
  file('no-rows.parquet', /no rows/),
  file('no-embedding.parquet', /embedding/),
  file('ragged.parquet', /different embedding lengths/),
  file('all-nan.parquet', /NaN/),
  file('no-geometry.parquet', /geometry|footprint/i),
]

const DEMO_AFTER = new Set(['404', 'no CORS', 'truncated body', 'not-parquet.parquet', 'all-nan.parquet'])

test.describe('a dataset link that cannot be opened', () => {
  test.use({ allowedConsoleErrors: anyOf(FAILED_RESOURCE, CORS_BLOCKED) })

  for (const c of CASES) {
    test(`${c.name}: says what is wrong, keeps the examples, and the demo still works`, async ({ page }) => {
      const app = new AppPage(page)
      await app.open({ dataset: c.url, positive: POSITIVE })
      await expect(app.loadError).toBeVisible({ timeout: 30_000 })
      await expect(app.loadError).toContainText(c.fileName)
      await expect(app.loadError).toContainText(c.message)
      await expect(app.positives).toHaveCount(1)
      await expect(page).toHaveURL(new RegExp(`positive=${POSITIVE}`))
      await expect(page.getByRole('button', { name: 'Open the demo' })).toBeVisible()
      // Going back to the demo works the same after every failure (the open is atomic whatever
      // broke it): shown once each for a server's answer, the network, and the file's content.
      if (!DEMO_AFTER.has(c.name)) return

      await page.getByRole('button', { name: 'Open the demo' }).click()
      await expect(app.datasetLabel).toHaveText(DEMO_LABEL, { timeout: 30_000 })
      await app.expectTopResult(POSITIVE)
    })
  }
})

// The demo with a positive, opened once (an opening costs seconds here): a link refused as typed,
// then a bad one opened, over the same search (serial: after a failure the rest is skipped).
test.describe('a bad dataset opened over a working search', () => {
  test.use({ allowedConsoleErrors: FAILED_RESOURCE })
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => new AppPage(page).openDemo({ positive: POSITIVE }), { allowedConsoleErrors: FAILED_RESOURCE })

  test('typing a link that is not http(s) is refused before anything is fetched', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await page.getByText('Open another dataset').click()
    await page.getByLabel(/Link to a GeoParquet embeddings file/).fill('ftp://example.org/x.parquet')
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    await expect(page.getByText('Enter a full http:// or https:// link')).toBeVisible()
    await expect(app.datasetLabel).toHaveText(DEMO_LABEL)
  })

  test('leaves the loaded chips, the examples and the ranking as they were', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await app.expectTopResult(POSITIVE)
    const before = await app.ranking(20)

    await app.openDatasetUrl(dataUrls.status(404, 'gone.parquet'))
    await expect(app.loadError).toContainText('gone.parquet')
    await expect(app.datasetLabel).toHaveText(DEMO_LABEL)
    await expect(app.positives).toHaveCount(1)
    expect(await app.ranking(20)).toEqual(before)
    // The map still takes clicks.
    await app.clickChip('03WVN_20220610_0100', { shift: true })
    await expect(app.negatives).toHaveCount(1)
  })
})

test('rows with NaN values are skipped with a warning, and the rest load', async ({ page }) => {
  const app = new AppPage(page)
  await app.open({ dataset: dataUrls.file('some-nan.parquet') })
  await expect(app.datasetLabel).toContainText(/^28 chips · /, { timeout: 30_000 })
  await expect(app.notices.filter({ hasText: 'some-nan.parquet' })).toContainText(/2 chips were skipped/)
})

test('a hostile link runs nothing and says what it ignored', async ({ page }) => {
  let dialogs = 0
  page.on('dialog', (d) => {
    dialogs++
    void d.dismiss()
  })
  const app = new AppPage(page)
  const query = new URLSearchParams({
    basemap: 'offline',
    dataset: 'javascript:alert(1)',
    positive: `<img src=x onerror=alert(1)>,${POSITIVE}`,
    mode: '<script>alert(1)</script>',
    stac: 'javascript:alert(2)',
    view: '<svg onload=alert(3)>',
    count: '1e9',
  })
  // The fragment is read too (a long link's overflow), and is just as untrusted.
  await page.goto(`/?${query}#s&negative=${encodeURIComponent('<svg onload=alert(4)>')}&threshold=alert(5)`)
  await expect(app.datasetLabel).toHaveText(DEMO_LABEL, { timeout: 30_000 })
  const ignored = app.notices.filter({ hasText: 'Part of this link was ignored' })
  await expect(ignored).toContainText('only http:// and https:// links can be opened')
  await expect(ignored).toContainText('The map view')
  await expect(ignored).toContainText('The result count')
  await expect(ignored).toContainText('The threshold')
  // Ids the dataset doesn't have (hostile or not) are reported as text and skipped; the rest is used.
  await expect(app.notices.filter({ hasText: '<img src=x onerror=alert(1)>' })).toContainText(/(isn't|aren't) in this dataset/)
  await expect(app.positives).toHaveCount(1)
  await expect(app.notices.filter({ hasText: '<svg onload=alert(4)>' })).toBeVisible()
  await app.expectTopResult(POSITIVE)
  await expect(page.locator('img[src="x"], svg[onload]')).toHaveCount(0)
  expect(dialogs).toBe(0)
})

