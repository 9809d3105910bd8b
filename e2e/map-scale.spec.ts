// The map at scale: 100,000 chips in 20 files (scripts/make-large-set.mjs, with planted "lake"
// and "quarry" clusters). Zoomed out, every chip is a point coloured from binary buffers; hover
// names a chip and says what its score means; clicks label chips; the threshold fades chips on
// the GPU without a new ranking or new colour buffers; zoomed in, chips are their footprints.
import type { Page } from '@playwright/test'
import { test, expect, FAILED_RESOURCE, sharedPage } from './support/test'
import { AppPage } from './support/app-page'
import { largeSet, type LargeSet } from './support/large-sets'
import { colourDistance, decodePng, type Rgba } from './support/pixels'

const PARAMS = { chips: 100_000, dims: 128, files: 20 }

// Probing how deep the bucket sits in a path-style link costs one 404 (dataset-service.ts).
test.use({ allowedConsoleErrors: FAILED_RESOURCE })
// Loading and drawing 100k chips on SwiftShader (WebGL on the CPU) takes a while.
test.describe.configure({ timeout: 180_000 })

let set: LargeSet
test.beforeAll(async () => {
  set = await largeSet(PARAMS)
})

async function openLargeSet(app: AppPage): Promise<void> {
  await app.open({ dataset: set.folderUrl })
  await expect(app.page.getByTestId('file-counts')).toContainText(`${PARAMS.files} files · ${PARAMS.files} located · ${PARAMS.files} loaded`, {
    timeout: 120_000,
  })
  await app.waitForIdle()
}

const stats = (page: Page) => page.evaluate(() => window.__chipfinder!.mapStats())
const scoreOf = (page: Page, id: string) => page.evaluate((chip) => window.__chipfinder!.chipScore(chip), id)
const lakes = () => set.manifest.planted.lake.ids
const quarries = () => set.manifest.planted.quarry.ids
/** A chip of the open country near another chip (20 grid cells away), nothing planted near it. */
function ordinaryNear(id: string): string {
  const m = /^(\w{5}_\d{8})_r(\d{3})_c(\d{3})$/.exec(id)!
  const f = set.manifest.files.find((x) => id.startsWith(x.mgrs))!
  const planted = new Set([...lakes(), ...quarries()])
  const cell = (r: number, c: number) => `${m[1]}_r${String(r).padStart(3, '0')}_c${String(c).padStart(3, '0')}`
  for (const [dr, dc] of [[20, 0], [-20, 0], [0, 20], [0, -20]] as const) {
    const r = Number(m[2]) + dr
    const c = Number(m[3]) + dc
    if (r < 0 || c < 0 || r >= f.grid.rows - 1 || c >= f.grid.side) continue
    const near = [cell(r, c), cell(r - 1, c), cell(r + 1, c), cell(r, c - 1), cell(r, c + 1)]
    if (!near.some((x) => planted.has(x))) return cell(r, c)
  }
  throw new Error(`no ordinary chip near ${id}`)
}

/** [west, south, east, north] around a chip of the set, `cells` chips each way. */
function boxAround(id: string, cells: number): [number, number, number, number] {
  const m = /^(\w{5})_\d{8}_r(\d{3})_c(\d{3})$/.exec(id)!
  const f = set.manifest.files.find((x) => x.mgrs === m[1])!
  const [w, s, e, n] = f.bbox
  const dx = (e - w) / f.grid.side
  const dy = (n - s) / f.grid.side
  const x = w + (Number(m[3]) + 0.5) * dx
  const y = n - (Number(m[2]) + 0.5) * dy
  return [x - cells * dx, y - cells * dy, x + cells * dx, y + cells * dy]
}

/** The colour on screen at a point of the page. */
async function colourAt(page: Page, p: { x: number; y: number }): Promise<Rgba> {
  const png = await page.screenshot({ clip: { x: Math.round(p.x) - 1, y: Math.round(p.y) - 1, width: 3, height: 3 } })
  return decodePng(png).pixel(1, 1)
}

const yellowish = (c: { r: number; g: number; b: number }) => c.r > 150 && c.g > 150 && c.b < 120

/**
 * Zoom in until a chip's point is about 4 px across, still a point, so a pixel at a chip's
 * centre is that chip's colour alone (fitted to the whole set, neighbouring points overlap).
 */
async function zoomToPoints(app: AppPage, id: string): Promise<void> {
  await app.page.evaluate((b) => window.__chipfinder!.jumpTo(b), boxAround(id, 100))
  await app.waitForIdle()
  const s = await stats(app.page)
  expect(s.chipsAsFootprints).toBe(0)
  expect(s.chipsAsPoints).toBeGreaterThan(0)
}

// Loading 100k chips costs tens of seconds here, so the three tests share one page, in order, each
// going on from where the one before left it (serial: after a failure the rest is skipped).
test.describe('100,000 chips on one page', () => {
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => openLargeSet(new AppPage(page)), { allowedConsoleErrors: FAILED_RESOURCE })

  test('100,000 chips load and draw as points when zoomed out; hover names a chip, a click ranks them all', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await expect(app.datasetLabel).toContainText('100,000 chips')
    const before = await stats(page)
    expect(before.chipsAsPoints).toBe(PARAMS.chips)
    expect(before.chipsAsFootprints).toBe(0)

    // Every chip is drawn: before any ranking, chips show a neutral fill over the basemap.
    const westmost = (await app.chipPoint(`${set.manifest.files[6]!.mgrs}_${set.manifest.files[6]!.dates[0].replaceAll('-', '')}_r030_c000`))!
    const land = await colourAt(page, { x: westmost.x - 15, y: westmost.y })
    expect(colourDistance(land, await colourAt(page, westmost))).toBeGreaterThan(20)

    const lake = lakes()[0]!
    await zoomToPoints(app, lake)
    const ordinary = ordinaryNear(lake)
    const unranked = await app.colourAtChip(ordinary)

    // Hover: a highlight and a tooltip at the pointer with the chip's id.
    const p = await app.chipPoint(lake)
    await page.mouse.move(p.x, p.y)
    const tooltip = page.getByTestId('chip-tooltip')
    await expect(tooltip.getByTestId('chip-tooltip-id')).toHaveText(lake)
    await expect(tooltip).toContainText('Click: more like this')
    const box = (await tooltip.boundingBox())!
    expect(Math.hypot(box.x - p.x, box.y - p.y)).toBeLessThan(40)

    // Click: a positive, and every chip ranked by it; the other lakes come first.
    await page.mouse.click(p.x, p.y)
    await expect(app.positives).toHaveCount(1)
    await expect(app.positives.first()).toContainText(lake)
    await app.expectTopResult(lake)
    const top = await app.ranking(lakes().length)
    expect(new Set(top.map((r) => r.id))).toEqual(new Set(lakes()))
    const after = await stats(page)
    expect(after.rankingsDrawn).toBeGreaterThan(before.rankingsDrawn)
    expect(after.rankingToDrawnMs[0]).toBeGreaterThan(0)

    // The map shows it: lakes at the top of the ramp, the open country recoloured.
    await expect.poll(async () => yellowish(await app.colourAtChip(lakes()[1]!))).toBe(true)
    expect(colourDistance(unranked, await app.colourAtChip(ordinary))).toBeGreaterThan(25)

    // The tooltip now says what the score means.
    const other = lakes()[1]!
    const q = await app.chipPoint(other)
    await page.mouse.move(q.x, q.y)
    await expect(tooltip.getByTestId('chip-tooltip-id')).toHaveText(other)
    const score = (await scoreOf(page, other))!
    expect(score).toBeGreaterThan(0.8)
    await expect(tooltip.getByTestId('chip-tooltip-score')).toHaveText(new RegExp(`^${score.toFixed(2)} — (very like|practically the same as) your examples$`))
    await page.mouse.move(q.x + 400, q.y + 600)
    await expect(tooltip).toBeHidden()

    // Shift-click: a negative.
    await app.clickChip(quarries()[0]!, { shift: true })
    await expect(app.negatives).toHaveCount(1)
    await expect(app.negatives.first()).toContainText(quarries()[0]!)
  })

  test('dragging the threshold fades low chips on the GPU: no new ranking, no new colours', async () => {
    const { page } = shared
    const app = new AppPage(page)
    const lake = lakes()[0]!
    // The test before made the lake a positive and a quarry a negative: take the negative back, so
    // the lake is the only example, as in a link with it as the positive.
    await app.undoButton.click()
    await expect(app.negatives).toHaveCount(0)
    await expect(app.positives).toHaveCount(1)
    await expect(page.getByTestId('file-counts')).toContainText(`${PARAMS.files} loaded`, { timeout: 120_000 })
    await app.expectTopResult(lake)
    await zoomToPoints(app, lake)
    const ordinary = ordinaryNear(lake)
    const ordinaryScore = (await scoreOf(page, ordinary))!
    expect(ordinaryScore).toBeLessThan(0.4)
    const lowBefore = await app.colourAtChip(ordinary)
    const highBefore = await app.colourAtChip(lakes()[1]!)
    const before = await stats(page)

    // Drag the slider's thumb from the left end to about 0.5, as a person would.
    await app.threshold.scrollIntoViewIfNeeded()
    const track = (await app.threshold.boundingBox())!
    const y = track.y + track.height / 2
    await page.mouse.move(track.x + 4, y)
    await page.mouse.down()
    const steps = 12
    for (let i = 1; i <= steps; i++) await page.mouse.move(track.x + 4 + ((track.width * 0.75 - 4) * i) / steps, y)
    await page.mouse.up()
    const threshold = Number((await page.getByTestId('threshold-value').textContent())!.replace('−', '-'))
    expect(threshold).toBeGreaterThan(0.3)
    expect(threshold).toBeLessThan(0.7)
    await expect(app.thresholdCount).not.toHaveText(/^100,000 of 100,000/)

    // Below the threshold fades towards the basemap; the lakes stay as they were.
    await expect.poll(async () => colourDistance(lowBefore, await app.colourAtChip(ordinary))).toBeGreaterThan(25)
    expect(colourDistance(highBefore, await app.colourAtChip(lakes()[1]!))).toBeLessThan(12)

    const after = await stats(page)
    expect(after.rankingVersion).toBe(before.rankingVersion)
    expect(after.colourBuilds).toBe(before.colourBuilds)
    expect(after.filterBuilds).toBe(before.filterBuilds)
    const moves = after.updates.threshold!
    expect(moves.count).toBeGreaterThanOrEqual(1)
    test.info().annotations.push({ type: 'threshold change, map JS', description: `${moves.count} changes, mean ${(moves.totalMs / moves.count).toFixed(2)} ms, max ${moves.maxMs.toFixed(2)} ms` })
  })

  test('zoomed in, chips are their footprints: coloured, faded below the threshold, hoverable', async () => {
    const { page } = shared
    const app = new AppPage(page)
    const lake = lakes()[0]!
    // The lake is still the only example; the threshold the test before dragged goes to 0.5.
    await expect(page.getByTestId('file-counts')).toContainText(`${PARAMS.files} loaded`, { timeout: 120_000 })
    await app.expectTopResult(lake)
    await app.setThreshold(0.5)
    await expect(page.getByTestId('threshold-value')).toHaveText('0.500')
    await page.evaluate((b) => window.__chipfinder!.jumpTo(b), boxAround(lake, 4))
    await app.waitForIdle()
    await expect.poll(async () => (await stats(page)).chipsAsFootprints).toBeGreaterThan(0)
    expect((await stats(page)).chipsAsPoints).toBeLessThan(PARAMS.chips)

    await expect.poll(async () => yellowish(await app.colourAtChip(lake))).toBe(true)
    // A neighbour of the lake that isn't one scores low and is faded, unlike the lake.
    const m = /^(\w{5}_\d{8})_r(\d{3})_c(\d{3})$/.exec(lake)!
    const neighbours = [-3, 3].map((d) => `${m[1]}_r${m[2]}_c${String(Number(m[3]) + d).padStart(3, '0')}`).filter((id) => !lakes().includes(id) && !quarries().includes(id))
    const faded = neighbours[0]!
    expect((await scoreOf(page, faded))!).toBeLessThan(0.5)
    const fadedColour = await app.colourAtChip(faded)
    await app.setThreshold(-1)
    await expect.poll(async () => colourDistance(fadedColour, await app.colourAtChip(faded))).toBeGreaterThan(25)

    const p = await app.chipPoint(faded)
    await page.mouse.move(p.x, p.y)
    await expect(page.getByTestId('chip-tooltip-id')).toHaveText(faded)
    await expect(page.getByTestId('chip-tooltip-score')).toContainText(' — ')
  })
})
