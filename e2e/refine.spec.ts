// Refining a search without knowing what an embedding is: label results from the list, the
// pictures and the classifier's suggestions, undo and redo, pick a ranking method in plain
// words. On the synthetic Clay v0 set (scripts/make-synthetic-sets.mjs), opened from a catalog
// whose entries name the data server's test imagery: flat-coloured tiles whose colour says which
// tile they are (tileColour in data-server.mjs), so a picture's pixels show where they came from.
// The last test runs the same loop on 100,000 chips (scripts/make-large-set.mjs).
import { test, expect, FAILED_RESOURCE, sharedPage } from './support/test'
import { AppPage } from './support/app-page'
import { DATA_URL, s3Urls } from './support/servers'
import { decodePng, colourDistance } from './support/pixels'
import { tileColour } from './support/data-server.mjs'
import { largeSet, type LargeSet } from './support/large-sets'
import type { Locator, Page } from '@playwright/test'

interface Manifest {
  planted: Record<string, Record<string, { ids: string[] }>>
}

const TITLE = 'Clay v0 global (synthetic)'
// All six Alaska tiles (03W…), with no other region near.
const ALASKA: [number, number, number, number] = [-167.6, 64.6, -162.4, 67.0]
const imageryCatalog = (tiles?: string) => `${DATA_URL}/imagery/catalog.json${tiles ? `?tiles=${encodeURIComponent(tiles)}` : ''}`

// Probing how deep the bucket sits in a path-style link costs one 404 (dataset-service.ts).
test.use({ allowedConsoleErrors: FAILED_RESOURCE })
// Each test loads six files and ranks again after every step, on a 2-core machine drawing WebGL
// on the CPU: more than the default minute when two tests run side by side.
test.describe.configure({ timeout: 120_000 })

async function alaskaLakes(page: Page): Promise<string[]> {
  const m: Manifest = await (await page.request.get(s3Urls.manifest())).json()
  return m.planted['clay-v0-global']!['lake']!.ids.filter((id) => id.startsWith('03W'))
}

/** Open the synthetic Clay v0 set from the imagery catalog and load the Alaska tiles. */
async function openAlaska(app: AppPage, catalogUrl = imageryCatalog()): Promise<void> {
  await app.openCatalogEntry(catalogUrl, TITLE)
  await expect(app.page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
  await app.page.evaluate((b) => window.__chipfinder!.jumpTo(b), ALASKA)
  await expect(app.page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 30_000 })
  await app.waitForIdle()
}

/** The top of the ranking, once it has settled on something other than `other`. */
async function rankingOtherThan(app: AppPage, other: { id: string; score: number }[], n = 30) {
  await expect.poll(async () => JSON.stringify(await app.ranking(n))).not.toBe(JSON.stringify(other))
  return app.ranking(n)
}

// The Alaska tiles opened once (six files, then the map, on the CPU): undo and redo first, as they
// need a page with no labelling steps yet, ending with every label taken back; then labels from
// the list on the same page (serial: after a failure the rest is skipped).
test.describe('one opened set: undo and redo, then labels from the list', () => {
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => openAlaska(new AppPage(page)), { allowedConsoleErrors: FAILED_RESOURCE })

  test('undo and redo, by button and by keyboard, restore the examples and the ranking', async () => {
    const { page } = shared
    const app = new AppPage(page)
    const lakes = await alaskaLakes(page)
    await expect(app.undoButton).toBeDisabled()

    await app.clickChip(lakes[0]!)
    await app.expectTopResult(lakes[0]!)
    const r1 = await app.ranking(30)
    const second = (await app.resultIds()).find((id, i) => i > 0 && lakes.includes(id))!
    await app.labelButton(second, 'positive').click()
    const r2 = await rankingOtherThan(app, r1)
    const notLake = (await app.resultIds()).find((id) => !lakes.includes(id))!
    await app.labelButton(notLake, 'negative').click()
    const r3 = await rankingOtherThan(app, r2)

    // The button says what it will undo.
    await expect(app.undoButton).toHaveAccessibleName(`Undo: mark ${notLake} as negative`)
    await app.undoButton.click()
    await expect(app.negatives).toHaveCount(0)
    await expect.poll(() => app.ranking(30)).toEqual(r2)
    await expect(app.redoButton).toHaveAccessibleName(`Redo: mark ${notLake} as negative`)
    await expect(page).not.toHaveURL(/negative=/)

    await page.keyboard.press('Control+z')
    await expect(app.positives).toHaveCount(1)
    await expect.poll(() => app.ranking(30)).toEqual(r1)

    await page.keyboard.press('Control+Shift+z')
    await expect(app.positives).toHaveCount(2)
    await expect.poll(() => app.ranking(30)).toEqual(r2)
    await page.keyboard.press('Control+y')
    await expect(app.negatives).toHaveCount(1)
    await expect.poll(() => app.ranking(30)).toEqual(r3)
    await expect(app.redoButton).toBeDisabled()

    // Removing an example from the list, and a map click, are steps too.
    await page.getByRole('button', { name: `Remove ${second}` }).click()
    await expect(app.undoButton).toHaveAccessibleName(`Undo: remove ${second} from the positives`)
    await app.undoButton.click()
    await expect(app.positives).toHaveCount(2)
    await expect(app.positives.nth(1)).toContainText(second)

    // Ctrl+Z while typing in a text field is the field's own undo, not the examples'.
    await page.getByText('Open another dataset').click()
    const field = page.getByLabel(/Link to a GeoParquet embeddings file/).first()
    await field.fill('https://example.org/x')
    await field.press('Control+z')
    await expect(app.positives).toHaveCount(2)
    await expect(app.negatives).toHaveCount(1)

    // Undo everything: back to no examples and no ranking.
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    for (let i = 0; i < 3; i++) await app.undoButton.click()
    await expect(app.positives).toHaveCount(0)
    await expect(page.getByTestId('no-ranking')).toBeVisible()
    await expect(app.undoButton).toBeDisabled()
  })

  test('“More like this” and “Not this” on a result add examples and change the ranking', async () => {
    const { page } = shared
    const app = new AppPage(page)
    const lakes = await alaskaLakes(page)
    // The test before took every label back.
    await expect(app.positives).toHaveCount(0)
    await expect(app.negatives).toHaveCount(0)
    await app.clickChip(lakes[0]!)
    await app.expectTopResult(lakes[0]!)
    const first = await app.ranking(30)

    // A lake further down the list becomes a second positive.
    const ids = await app.resultIds()
    const second = ids.find((id, i) => i > 0 && lakes.includes(id))!
    await app.labelButton(second, 'positive').click()
    await expect(app.positives).toHaveCount(2)
    await expect(app.positives.nth(1)).toContainText(second)
    await expect(app.labelButton(second, 'positive')).toHaveAttribute('aria-pressed', 'true')
    const withTwo = await rankingOtherThan(app, first)
    expect(withTwo.slice(0, 2).map((r) => r.id).sort()).toEqual([lakes[0]!, second].sort())

    // A chip that isn't a lake, marked "Not this", falls down the ranking.
    const notLake = (await app.resultIds()).find((id) => !lakes.includes(id))!
    const before = withTwo.find((r) => r.id === notLake)?.score ?? (await app.ranking()).find((r) => r.id === notLake)!.score
    await app.labelButton(notLake, 'negative').click()
    await expect(app.negatives).toHaveCount(1)
    await expect(app.negatives.first()).toContainText(notLake)
    await expect.poll(async () => (await app.ranking()).find((r) => r.id === notLake)!.score).toBeLessThan(before)
    // Scores say what they mean.
    await expect(app.results.first().locator('.score')).toHaveAttribute('title', /^\d\.\d\d — .*your examples$/)
    // The histogram marks where the examples fall: two white marks and one red.
    await expect(page.getByTestId('histogram-mark').and(page.locator('[data-kind="positive"]'))).toHaveCount(2)
    await expect(page.getByTestId('histogram-mark').and(page.locator('[data-kind="negative"]'))).toHaveCount(1)

    // Pressing "More like this" again takes the label off.
    const row = page.getByTestId('results').getByRole('listitem').filter({ has: page.locator(`[data-chip-id="${second}"]`) })
    await expect(row.getByText('positive example')).toBeAttached()
    await app.labelButton(second, 'positive').click()
    await expect(app.positives).toHaveCount(1)
    await expect(app.labelButton(second, 'positive')).toHaveAttribute('aria-pressed', 'false')
    await expect(row.getByText('positive example')).not.toBeAttached()
  })
})

test('the ranking methods are explained in plain words, shared in the link, and “Learn from my labels” asks for labels', async ({ page }) => {
  const app = new AppPage(page)
  const lakes = await alaskaLakes(page)
  await openAlaska(app)
  await app.clickChip(lakes[0]!)
  await app.expectTopResult(lakes[0]!)
  await expect(page.getByRole('radio', { name: 'Like the average example' })).toBeChecked()
  await expect(page.getByTestId('method-explanation')).toContainText('look like all of your examples together')

  await app.chooseMethod('Like any example')
  await expect(page).toHaveURL(/method=max/)
  await expect(page.getByTestId('method-explanation')).toContainText('any one of your examples')

  await app.chooseMethod('Learn from my labels')
  await expect(page).toHaveURL(/method=classifier/)
  await expect(page.getByTestId('method-explanation')).toContainText('“Not this” examples help it most')
  await expect(page.getByText('random chips stand in for them').first()).toBeVisible()
  // Scores are the classifier's confidence, from 0 to 1, and the scale says so.
  await expect(page.getByTestId('histogram').locator('.axis')).toContainText(/0\.000.*confidence.*1\.000/)
  await expect.poll(async () => (await app.ranking()).every((r) => r.score >= 0 && r.score <= 1)).toBe(true)
  await expect(app.results.first().locator('.score')).toHaveAttribute('title', /^[01]\.\d\d — .*like your examples$/)

  // The classifier's questions, with a plain reason to answer them.
  await expect(page.getByRole('region', { name: 'Suggest chips to label' })).toContainText('Labelling them teaches it the most')
  await expect(app.suggestionItems.first()).toBeVisible()
  const asked = await app.suggestionItems.evaluateAll((items) => items.map((i) => i.getAttribute('data-chip-id') ?? ''))
  expect(asked.length).toBeGreaterThan(0)
  expect(asked).not.toContain(lakes[0])
  const answered = asked[0]!
  await app.labelButton(answered, 'negative', app.suggestions).click()
  await expect(app.negatives).toHaveCount(1)
  await expect(app.negatives.first()).toContainText(answered)
  // It leaves the questions, and the classifier asks again.
  await expect(app.suggestions.locator(`[data-chip-id="${answered}"]`)).toHaveCount(0)
  await expect(app.suggestionItems.first()).toBeVisible()

  // The link keeps the method.
  await page.reload()
  await expect(page.getByRole('radio', { name: 'Learn from my labels' })).toBeChecked()
  await expect(page.getByTestId('method-explanation')).toContainText('Trains a small classifier in your browser')
})

/** A picture's pixel at a fraction of its width and height, from a screenshot of it. */
async function picturePixels(canvas: Locator) {
  const png = decodePng(await canvas.screenshot())
  return { width: png.width, height: png.height, at: (fx: number, fy: number) => png.pixel(Math.round(fx * (png.width - 1)), Math.round(fy * (png.height - 1))) }
}

const worldX = (lon: number) => (lon + 180) / 360
const worldY = (lat: number) => (1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2

test('the gallery shows each top chip cut from the dataset’s imagery, and labels from there', async ({ page, networkLog }) => {
  const app = new AppPage(page)
  const lakes = await alaskaLakes(page)
  await openAlaska(app)
  await app.clickChip(lakes[0]!)
  await app.expectTopResult(lakes[0]!)

  await expect(app.galleryItems).toHaveCount(12)
  const top = app.galleryItems.first()
  await expect(top).toHaveAttribute('data-chip-id', lakes[0]!)
  await top.scrollIntoViewIfNeeded()
  await expect(top.locator('.thumb')).toHaveAttribute('data-state', 'image')
  await expect(page.getByTestId('imagery-credit')).toHaveText('Pictures: Test tiles: one flat colour per tile.')

  // The picture is the chip's box cut from the tiles that cover it, at a zoom where the chip is
  // about 128 px across: each pixel has the colour of the tile its place falls in.
  const [w, s, e, n] = (await top.getAttribute('data-bbox'))!.split(',').map(Number) as [number, number, number, number]
  const zoom = Number(await top.locator('.thumb').getAttribute('data-zoom'))
  const scale = 256 * 2 ** zoom
  const left = Math.floor(worldX(w) * scale)
  const topPx = Math.floor(worldY(n) * scale)
  const width = Math.ceil(worldX(e) * scale) - left
  const height = Math.ceil(worldY(s) * scale) - topPx
  expect(Math.max(width, height)).toBeGreaterThanOrEqual(90)
  expect(Math.max(width, height)).toBeLessThanOrEqual(183)
  const canvas = top.locator('canvas')
  expect(await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([width, height])
  const picture = await picturePixels(canvas)
  let checked = 0
  for (const fy of [0.3, 0.5, 0.7])
    for (const fx of [0.3, 0.5, 0.7]) {
      const px = left + fx * width
      const py = topPx + fy * height
      // Not on a seam between two tiles, where the picture blends them.
      const edge = Math.min(px % 256, 256 - (px % 256), py % 256, 256 - (py % 256))
      if (edge < 3) continue
      const expected = { ...tileColour(zoom, Math.floor(px / 256), Math.floor(py / 256)), a: 255 }
      expect(colourDistance(picture.at(fx, fy), expected), `pixel at ${fx}, ${fy}`).toBeLessThan(12)
      checked++
    }
  expect(checked).toBeGreaterThanOrEqual(5)
  expect(networkLog.some((r) => r.url.startsWith(`${DATA_URL}/tiles/${zoom}/`))).toBe(true)

  // More pictures on request; a picture is only made once it scrolls into view (these 12 have
  // never been on screen: there has been only one ranking).
  await page.getByRole('complementary', { name: 'Search' }).evaluate((panel) => (panel.scrollTop = 0))
  await page.getByRole('button', { name: 'Show 12 more' }).dispatchEvent('click')
  await expect(app.galleryItems).toHaveCount(24)
  const last = app.galleryItems.last()
  await expect(last.locator('.thumb')).toHaveAttribute('data-state', 'loading')
  await last.scrollIntoViewIfNeeded()
  await expect(last.locator('.thumb')).toHaveAttribute('data-state', 'image')

  // Labelled from the pictures: a badge and a frame say so, and the list agrees.
  const thirdId = (await app.galleryItems.nth(2).getAttribute('data-chip-id'))!
  await app.labelButton(thirdId, 'positive', app.gallery).click()
  await expect(app.positives).toHaveCount(2)
  await expect(app.positives.nth(1)).toContainText(thirdId)
  const third = app.gallery.locator(`[data-chip-id="${thirdId}"]`)
  await expect(third).toHaveAttribute('data-label', 'positive')
  await expect(third.getByText('positive example')).toBeAttached()
  await expect(app.labelButton(thirdId, 'positive')).toHaveAttribute('aria-pressed', 'true')
  const sixthId = (await app.galleryItems.nth(5).getAttribute('data-chip-id'))!
  await app.labelButton(sixthId, 'negative', app.gallery).click()
  await expect(app.negatives).toHaveCount(1)
  await expect(app.negatives.first()).toContainText(sixthId)
  // It may drop out of the top pictures; while it is there, it wears its label.
  await expect
    .poll(async () => {
      const item = app.gallery.locator(`[data-chip-id="${sixthId}"]`)
      return (await item.count()) === 0 ? 'gone' : await item.getAttribute('data-label')
    })
    .toMatch(/^(gone|negative)$/)
  // Pictures’ scores say what they mean.
  await expect(app.galleryItems.first().getByTestId('gallery-score')).toHaveAttribute('title', /— .*your examples$/)
})

test('without imagery the pictures show the chip’s outline and say why', async ({ page }) => {
  const app = new AppPage(page)
  const lakes = await alaskaLakes(page)
  // The catalog names imagery that isn't there: every tile answers 404.
  await openAlaska(app, imageryCatalog(`${DATA_URL}/status/404/{z}/{x}/{y}.png`))
  await app.clickChip(lakes[0]!)
  await app.expectTopResult(lakes[0]!)
  const top = app.galleryItems.first()
  await top.scrollIntoViewIfNeeded()
  await expect(top.locator('.thumb')).toHaveAttribute('data-state', 'outline')
  await expect(top.locator('.thumb-reason')).toHaveText('No imagery here')
  await expect(top.locator('.thumb')).toHaveAttribute('title', /no picture of this place/)
  await expect(top.getByRole('img')).toHaveAccessibleName(`Picture of ${lakes[0]}: outline only. No imagery here.`)
  // No broken image anywhere: pictures are canvases.
  await expect(app.gallery.locator('img')).toHaveCount(0)
})

test('on the offline map, the demo’s pictures are outlines and no imagery is downloaded', async ({ page, networkLog }) => {
  const app = new AppPage(page)
  await app.openDemo({ positive: '03WVN_20220610_0200' })
  await app.expectTopResult('03WVN_20220610_0200')
  const top = app.galleryItems.first()
  await expect(top.locator('.thumb')).toHaveAttribute('data-state', 'outline')
  await expect(top.locator('.thumb-reason')).toHaveText('No imagery offline')
  await expect(page.getByTestId('imagery-credit')).toContainText('Choose Satellite or Map to see pictures')
  expect(networkLog.filter((r) => /tiles\.maps\.eox\.at|\/tiles\//.test(r.url))).toEqual([])
})

test.describe('on 100,000 chips', () => {
  // 20 files of 5,000 chips × 128 dims (scripts/make-large-set.mjs, with planted lakes); loading
  // and drawing them on SwiftShader takes a while, and every step ranks all of them again.
  test.describe.configure({ timeout: 300_000 })
  const PARAMS = { chips: 100_000, dims: 128, files: 20 }
  let set: LargeSet
  test.beforeAll(async () => {
    set = await largeSet(PARAMS)
  })

  test('labels from the list and the suggestions, undo and redo, and the classifier, all re-rank every chip', async ({ page }) => {
    const app = new AppPage(page)
    const lakes = set.manifest.planted.lake.ids
    // A shared link with one lake as the example, as a person would receive it.
    await app.open({ dataset: set.folderUrl, positive: lakes[0]! })
    await expect(page.getByTestId('file-counts')).toContainText(`${PARAMS.files} files · ${PARAMS.files} located · ${PARAMS.files} loaded`, {
      timeout: 180_000,
    })
    await expect(page.getByTestId('threshold-count')).toHaveText(/^100,000 of 100,000 chips shown/, { timeout: 60_000 })
    await app.expectTopResult(lakes[0]!)
    const r1 = await app.ranking(30)

    const second = (await app.resultIds()).find((id, i) => i > 0 && lakes.includes(id))!
    expect(second).toBeTruthy()
    await app.labelButton(second, 'positive').click()
    await expect(app.positives).toHaveCount(2)
    const r2 = await rankingOtherThan(app, r1)
    const notLake = (await app.resultIds()).find((id) => !lakes.includes(id))!
    const before = r2.find((r) => r.id === notLake)?.score ?? (await app.ranking()).find((r) => r.id === notLake)!.score
    await app.labelButton(notLake, 'negative').click()
    await expect(app.negatives).toHaveCount(1)
    await expect.poll(async () => (await app.ranking()).find((r) => r.id === notLake)!.score).toBeLessThan(before)
    const r3 = await app.ranking(30)

    await page.keyboard.press('Control+z')
    await expect(app.negatives).toHaveCount(0)
    await expect.poll(() => app.ranking(30)).toEqual(r2)
    await app.redoButton.click()
    await expect(app.negatives).toHaveCount(1)
    await expect.poll(() => app.ranking(30)).toEqual(r3)

    // The pictures: outlines on the offline map, one per top chip.
    await expect(app.galleryItems).toHaveCount(12)
    await expect(app.galleryItems.first().locator('.thumb')).toHaveAttribute('data-state', 'outline')

    await app.chooseMethod('Learn from my labels')
    await expect(page).toHaveURL(/method=classifier/)
    await expect.poll(async () => (await app.ranking()).every((r) => r.score >= 0 && r.score <= 1), { timeout: 60_000 }).toBe(true)
    await expect(app.suggestionItems.first()).toBeVisible({ timeout: 60_000 })
    const asked = (await app.suggestionItems.first().getAttribute('data-chip-id'))!
    await app.labelButton(asked, lakes.includes(asked) ? 'positive' : 'negative', app.suggestions).click()
    await expect(app.suggestions.locator(`[data-chip-id="${asked}"]`)).toHaveCount(0)
    await expect(page.getByTestId('examples-positive').or(page.getByTestId('examples-negative')).getByText(asked)).toBeVisible()
    // The lakes, the place the labels describe, stay at the top.
    await expect.poll(async () => lakes.includes((await app.ranking(1))[0]!.id)).toBe(true)
  })
})
