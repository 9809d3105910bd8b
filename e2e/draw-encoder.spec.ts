// Drawing an area in encoder mode, end to end in Chromium: the synthetic Sentinel-2 scene
// (scripts/make-encoder-set.mjs: COGs behind a local STAC API, four planted lakes, every chip
// embedded by the test encoder) is opened from its catalog; a rectangle drawn with the mouse inside
// one lake is found on the STAC API, read from the COGs by range requests, encoded by the test
// encoder in the page's encoder worker (WebAssembly, and WebGPU on the software adapter), and
// ranks the four lakes first. The model comes from the browser's cache the second time; bad dates
// and an area too large say what to do and lose nothing.
import { test, expect } from './support/test'
import { AppPage } from './support/app-page'
import type { Page, Request } from '@playwright/test'
import { DATA_URL } from './support/servers'

const CATALOG = `${DATA_URL}/encoder/catalog.json`
const TITLE = 'Synthetic Sentinel-2 scene (test encoder)'
const CLEAR_SCENE = 'S2B_30TVK_20230614_0_L2A'

interface SetManifest {
  rows: number
  planted: { lake: string[] }
  chips: { id: string; row: number; col: number }[]
}

const isModel = (url: string) => /\/assets\/encoder-[\w-]+\.onnx$/.test(new URL(url).pathname)
const isCog = (url: string) => new URL(url).pathname.includes('/stac/assets/')

// The encoder runs on the CPU of a 2-core machine (SwiftShader for WebGPU): more than a minute.
test.describe.configure({ timeout: 180_000 })

async function setManifest(page: Page): Promise<SetManifest> {
  const res = await page.request.get(`${DATA_URL}/encoder/manifest.json`)
  expect(res.ok(), 'the data server has the synthetic encoder set (python3-numpy and python3-tifffile are needed to make it)').toBe(true)
  return (await res.json()) as SetManifest
}

async function openEncoderSet(app: AppPage, rows: number): Promise<void> {
  await app.openCatalogEntry(CATALOG, TITLE)
  await expect(app.datasetLabel).toContainText('36 chips · chipfinder-test-encoder-v1 · 64-d', { timeout: 30_000 })
  await app.waitForIdle()
  await expect.poll(() => app.page.evaluate(() => window.__chipfinder!.chipIds().length)).toBe(rows)
}

/** Draw a small rectangle around a chip's centre, well inside it. */
async function drawInside(app: AppPage, id: string, half = 12): Promise<void> {
  const c = await app.chipPoint(id)
  await app.drawRectangle({ x: c.x - half, y: c.y - half }, { x: c.x + half, y: c.y + half })
}

async function chooseBackend(page: Page, label: 'Automatic' | 'Graphics card (WebGPU)' | 'Processor (WebAssembly)'): Promise<void> {
  await page.getByLabel('Run the encoder on').selectOption({ label })
}

test('a rectangle drawn inside a lake is encoded from the clearest scene on WebAssembly and ranks the lakes first; the model is cached', async ({ page }) => {
  const app = new AppPage(page)
  const set = await setManifest(page)
  const [lake, ...otherLakes] = set.planted.lake as [string, ...string[]]
  await openEncoderSet(app, set.rows)

  // The person is told how a drawn area will be made, and can pick where the encoder runs.
  const mode = page.getByTestId('area-mode')
  await expect(mode).toHaveAttribute('data-mode', 'encoder')
  await expect(mode).toContainText('encoded on the spot by Chipfinder test encoder')
  await chooseBackend(page, 'Processor (WebAssembly)')

  const requests: Request[] = []
  page.on('request', (r) => requests.push(r))
  await drawInside(app, lake)

  const card = app.areaCard('a1')
  await expect(card).toBeVisible()
  // Progress for each step while it works, then what went into the vector.
  await expect(card).toHaveAttribute('data-state', 'ready', { timeout: 120_000 })
  await expect(card).toContainText(`Encoded from 1 chip · ${CLEAR_SCENE}, 2023-06-14, 3 % cloud · WebAssembly (CPU`)
  await expect(card.getByRole('img', { name: 'The imagery used, in true colour' })).toBeVisible()
  // The dates searched (a month either side of the set's date) are shown and can be changed.
  await expect(card.getByLabel('Imagery of area 1 from')).toHaveValue('2023-05-15')
  await expect(card.getByLabel('Imagery of area 1 to')).toHaveValue('2023-07-14')

  // The four lakes rank first, the one drawn in at the top (its own vector: cosine 1).
  await expect(app.results.first()).toHaveAttribute('data-chip-id', lake, { timeout: 30_000 })
  const top = await app.ranking(4)
  expect(top[0]!.score).toBeGreaterThan(0.9999)
  expect(top.map((r) => r.id).sort()).toEqual([lake, ...otherLakes].sort())

  // Only windows of the COGs were read: range requests, far fewer bytes than the files hold.
  const cogRequests = requests.filter((r) => isCog(r.url()))
  expect(cogRequests.length).toBeGreaterThan(0)
  for (const r of cogRequests) expect(r.headers()['range'], r.url()).toMatch(/^bytes=\d+-\d+$/)
  expect(requests.filter((r) => isModel(r.url()))).toHaveLength(1)

  // The search is in the link, scene included: a reload gives the same ranking, and the model
  // comes from this browser's cache (no download).
  await expect.poll(() => new URL(page.url()).searchParams.get('areas') ?? '').toContain(CLEAR_SCENE)
  requests.length = 0
  await page.reload()
  await app.waitForIdle()
  await expect(app.areaCard('a1')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 })
  await expect(app.areaCard('a1')).toContainText('The encoder came from this browser’s cache')
  expect(requests.filter((r) => isModel(r.url()))).toEqual([])
  await expect(app.results.first()).toHaveAttribute('data-chip-id', lake)
})

test('on WebGPU (the software adapter) the same rectangle gives the same ranking, and the card says WebGPU ran', async ({ page }) => {
  const app = new AppPage(page)
  const set = await setManifest(page)
  const lake = set.planted.lake[1]!
  await openEncoderSet(app, set.rows)
  await chooseBackend(page, 'Graphics card (WebGPU)')
  await drawInside(app, lake)
  const card = app.areaCard('a1')
  await expect(card).toHaveAttribute('data-state', 'ready', { timeout: 150_000 })
  await expect(card).toContainText('WebGPU (graphics card)')
  await expect(app.results.first()).toHaveAttribute('data-chip-id', lake, { timeout: 30_000 })
  const top = await app.ranking(4)
  expect(top[0]!.score).toBeGreaterThan(0.9999)
  expect(top.map((r) => r.id).sort()).toEqual([...set.planted.lake].sort())
})

test('dates with only a cloudy scene, and an area too large, say what to do; the areas stay and work once fixed', async ({ page }) => {
  const app = new AppPage(page)
  const set = await setManifest(page)
  const lake = set.planted.lake[0]!
  await openEncoderSet(app, set.rows)
  await chooseBackend(page, 'Processor (WebAssembly)')

  // An area over most of the scene (rows 1–5 of 6: 30 chips) needs more chips than one area may
  // use (25). Row 0 lies under the drawing tools.
  const chipAt = (row: number, col: number) => set.chips.find((c) => c.row === row && c.col === col)!.id
  const first = await app.chipPoint(chipAt(1, 0))
  const last = await app.chipPoint(chipAt(5, 5))
  await app.drawRectangle({ x: first.x - 10, y: first.y - 10 }, { x: last.x + 10, y: last.y + 10 })
  const big = app.areaCard('a1')
  await expect(big).toHaveAttribute('data-state', 'error', { timeout: 60_000 })
  await expect(big.getByTestId('area-message')).toContainText(/too large|smaller/i)

  // A small area, but dates that hold only the cloudy scene.
  await drawInside(app, lake)
  const small = app.areaCard('a2')
  await expect(small).toHaveAttribute('data-state', 'ready', { timeout: 120_000 })
  await small.getByLabel('Imagery of area 2 from').fill('2023-06-15')
  await small.getByLabel('Imagery of area 2 to').fill('2023-06-30')
  await small.getByRole('button', { name: 'Search these dates' }).click()
  await expect(small).toHaveAttribute('data-state', 'error', { timeout: 60_000 })
  await expect(small.getByTestId('area-message')).toContainText(/cloud/i)
  // Nothing was lost: both areas are still listed, and wider dates bring the clear scene back.
  await expect(app.areaCards).toHaveCount(2)
  await small.getByLabel('Imagery of area 2 from').fill('2023-06-01')
  await small.getByRole('button', { name: 'Search these dates' }).click()
  await expect(small).toHaveAttribute('data-state', 'ready', { timeout: 120_000 })
  await expect(small).toContainText(CLEAR_SCENE)
  await expect(app.results.first()).toHaveAttribute('data-chip-id', lake, { timeout: 30_000 })
})
