// Opening datasets other than the demo: a link (with visible progress) and a file from the
// person's own computer, by picking it or dropping it on the page.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { test, expect, sharedPage } from './support/test'
import { AppPage } from './support/app-page'
import { dataUrls } from './support/servers'

const SMALL = path.resolve(import.meta.dirname, '.fixtures/small-valid.parquet')
const SAMPLE = '03WVN_20220610_20220610_v001.gpq'

test('a dataset link shows its progress while it loads, then what it loaded', async ({ page }) => {
  const app = new AppPage(page)
  await app.open({ dataset: dataUrls.slow(`clay-v0/${SAMPLE}`, 1500) })
  const progress = page.getByTestId('load-progress')
  await expect(progress).toBeVisible()
  await expect(progress).toContainText(`Reading ${SAMPLE}`)
  await expect(progress).toContainText(/chips decoded/)
  await expect(app.datasetLabel).toHaveText('417 chips · Clay v0 · 768-d · 2022-06-10', { timeout: 30_000 })
  await expect(progress).toBeHidden()
})

test('a generic GeoParquet file from a link: ids from its id column, clusters rank together', async ({ page }) => {
  const app = new AppPage(page)
  await app.open({ dataset: dataUrls.file('small-valid.parquet') })
  await expect(app.datasetLabel).toContainText(/^30 chips · small-valid\.parquet · 16-d/, { timeout: 30_000 })
  await app.waitForIdle()
  const ids = await page.evaluate(() => window.__chipfinder!.chipIds())
  expect(ids).toHaveLength(30)
  // Rows i and i+3 share a planted cluster (scripts/make-fixtures.mjs): the cluster ranks first.
  await app.clickChip(ids[0]!)
  await app.expectTopResult(ids[0]!)
  const top = (await app.ranking(10)).map((r) => ids.indexOf(r.id))
  expect(top.every((row) => row % 3 === 0)).toBe(true)
})

// The demo, opened once (an opening costs seconds here): a file picked, then one dropped over it
// (serial: the second goes on from the first; after a failure the rest is skipped).
test.describe('from this computer, on one page', () => {
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => new AppPage(page).openDemo())

  test('a file picked from this computer opens without being uploaded, and the link is left alone', async () => {
    const { page, networkLog } = shared
    const app = new AppPage(page)
    const urlBefore = page.url()
    await page.getByText('Open another dataset').click()
    await page.getByLabel(/Or a file from this computer/).setInputFiles(SMALL)
    await expect(app.datasetLabel).toContainText(/^30 chips · small-valid\.parquet · 16-d/)
    expect(networkLog.filter((r) => r.url.includes('small-valid'))).toEqual([])
    const ids = await page.evaluate(() => window.__chipfinder!.chipIds())
    await app.waitForIdle()
    await app.clickChip(ids[4]!)
    await app.expectTopResult(ids[4]!)
    // A local file can't be shared by link, so the address still names what it named before.
    expect(page.url()).toBe(urlBefore)
  })

  test('a file dropped on the page opens the same way', async () => {
    const { page } = shared
    const app = new AppPage(page)
    // Over the file the test before opened: a drop replaces whatever is open.
    await expect(app.datasetLabel).toContainText(/^30 chips · small-valid\.parquet · 16-d/)
    const bytes = [...(await readFile(SMALL))]
    const dataTransfer = await page.evaluateHandle((data) => {
      const dt = new DataTransfer()
      dt.items.add(new File([new Uint8Array(data)], 'dropped.parquet'))
      return dt
    }, bytes)
    await page.dispatchEvent('.drop-zone', 'dragover', { dataTransfer })
    await expect(page.getByText('Drop a GeoParquet file to open it')).toBeVisible()
    await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer })
    await expect(app.datasetLabel).toContainText(/^30 chips · dropped\.parquet · 16-d/)
    await expect(page.getByText('Drop a GeoParquet file to open it')).toBeHidden()
  })
})

test('a file in Web Mercator (EPSG:3857) is reprojected to longitude and latitude', async ({ page }) => {
  const app = new AppPage(page)
  await app.open({ dataset: dataUrls.file('web-mercator.parquet') })
  await expect(app.datasetLabel).toContainText(/^30 chips · web-mercator\.parquet/, { timeout: 30_000 })
  await app.waitForIdle()
  const ids = await page.evaluate(() => window.__chipfinder!.chipIds())
  await app.clickChip(ids[0]!)
  await app.expectTopResult(ids[0]!)
  const [geo] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-geojson').click()])
  const fc = JSON.parse(await readFile((await geo.path())!, 'utf8'))
  const coords = fc.features.flatMap((f: { geometry: { coordinates: number[][][] } }) => f.geometry.coordinates[0])
  // The same place as small-valid.parquet, near lon −165, lat 65, not metres read as degrees.
  expect(coords.every(([x, y]: number[]) => x! > -170 && x! < -160 && y! > 60 && y! < 70)).toBe(true)
})
