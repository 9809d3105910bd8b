// The core loop on the real Clay v0 sample: click examples on the map, read the ranking.
import { test, expect, sharedPage } from './support/test'
import { AppPage, DEMO_LABEL } from './support/app-page'
import type {} from '../app/testing/test-api.ts'
import { colourDistance } from './support/pixels'

const POSITIVE = '03WVN_20220610_0200'
const NEGATIVE = '03WVN_20220610_0100'

function isDescending(xs: number[]): boolean {
  return xs.every((x, i) => i === 0 || xs[i - 1]! >= x)
}

// Opening the demo costs seconds where WebGL draws on the CPU, so each block below opens it once
// and its tests go on, in order, from where the one before left the page (serial: after a failure
// the rest of the block is skipped, as the rest of one long test would be).

test.describe('the demo, opened once: examples from the map, then the link', () => {
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => new AppPage(page).openDemo())

  test('the demo opens on the sample tile with every chip drawn', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await expect(app.datasetLabel).toHaveText(DEMO_LABEL)
    const ids = await page.evaluate(() => window.__chipfinder!.chipIds())
    expect(ids).toHaveLength(417)
    // Every chip the file holds is on screen after the map fits the tile.
    const offScreen = await page.evaluate((all) => all.filter((id: string) => window.__chipfinder!.chipScreenPoint(id) === null), ids)
    expect(offScreen).toEqual([])
    await expect(page.getByTestId('no-ranking')).toBeVisible()
  })

  test('the label toggle marks negatives without a keyboard, and clicking again removes an example', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await app.clickChip(POSITIVE)
    await page.getByRole('radio', { name: '− Not like this' }).click()
    await app.clickChip(NEGATIVE)
    await expect(app.negatives).toHaveCount(1)

    // Clicking the chosen chip again removes it.
    await app.clickChip(NEGATIVE)
    await expect(app.negatives).toHaveCount(0)
    // So does the × in the side panel.
    await page.getByRole('button', { name: `Remove ${POSITIVE}` }).click()
    await expect(app.positives).toHaveCount(0)
    await expect(app.results).toHaveCount(0)
    await expect(page.getByTestId('no-ranking')).toBeVisible()
    // Back to "more like this" for the clicks of the next tests.
    await page.getByRole('radio', { name: '+ More like this' }).click()
    await expect(page.getByRole('radio', { name: '+ More like this' })).toHaveAttribute('aria-checked', 'true')
  })

  test('clicking a chip makes it a positive and ranks every chip by similarity to it', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await app.clickChip(POSITIVE)

    await expect(app.positives).toHaveCount(1)
    await expect(app.positives.first()).toContainText(POSITIVE)
    await app.expectTopResult(POSITIVE)
    await expect(app.results.first()).toContainText('1.000')
    const scores = await app.resultScores()
    expect(scores.length).toBe(50)
    expect(scores[0]).toBeCloseTo(1, 5)
    expect(isDescending(scores)).toBe(true)
    await expect(app.thresholdCount).toHaveText(/417 of 417 chips shown/)
    // The chip now wears the ramp's top colour (yellow), not the neutral unranked fill.
    const second = (await app.results.nth(1).getAttribute('data-chip-id'))!
    await expect.poll(async () => app.colourAtChip(second)).toMatchObject({ r: expect.any(Number) })
    await expect
      .poll(async () => {
        const c = await app.colourAtChip(second)
        return c.r > 150 && c.g > 150 && c.b < 120
      })
      .toBe(true)
  })

  test('a shift-clicked negative steers the ranking away from it', async () => {
    const { page } = shared
    const app = new AppPage(page)
    // The positive is the one the test before clicked.
    await expect(app.positives).toHaveCount(1)
    await app.expectTopResult(POSITIVE)
    const before = await app.ranking()
    const scoreBefore = before.find((r) => r.id === NEGATIVE)!.score

    await app.clickChip(NEGATIVE, { shift: true })
    await expect(app.negatives).toHaveCount(1)
    await expect(app.negatives.first()).toContainText(NEGATIVE)
    await expect.poll(async () => (await app.ranking()).find((r) => r.id === NEGATIVE)!.score).toBeLessThan(scoreBefore)
    const after = await app.ranking()
    expect(after.map((r) => r.id)).not.toEqual(before.map((r) => r.id))
    expect(isDescending(after.map((r) => r.score))).toBe(true)
  })

  test('the link reproduces the search after a reload', async () => {
    const { page } = shared
    const app = new AppPage(page)
    // The positive and the negative are the ones the tests before clicked.
    await page.getByRole('radio', { name: 'Raw' }).click()
    await expect.poll(() => {
      const q = new URL(page.url()).searchParams
      return [q.get('positive'), q.get('negative'), q.get('mode')]
    }).toEqual([POSITIVE, NEGATIVE, 'raw'])
    await expect.poll(async () => (await app.ranking()).length).toBe(417)
    const before = await app.ranking()

    await page.reload()
    await expect(app.datasetLabel).toHaveText(DEMO_LABEL, { timeout: 30_000 })
    await expect(app.positives).toHaveCount(1)
    await expect(app.negatives).toHaveCount(1)
    await expect(page.getByRole('radio', { name: 'Raw' })).toHaveAttribute('aria-checked', 'true')
    await expect.poll(async () => (await app.ranking().catch(() => [])).length).toBe(417)
    expect(await app.ranking()).toEqual(before)
  })
})

test.describe('the demo, opened once with a positive in the link: threshold, scoring, then the view', () => {
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => new AppPage(page).openDemo({ positive: POSITIVE }))

  test('the threshold fades chips below it on the map and trims the list', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await app.expectTopResult(POSITIVE)
    const ranking = await app.ranking()
    const threshold = 0.5
    const above = ranking.filter((r) => r.score >= threshold).length
    expect(above).toBeGreaterThan(1)
    expect(above).toBeLessThan(417)
    const low = ranking[ranking.length - 1]!.id
    const lowBefore = await app.colourAtChip(low)

    await app.setThreshold(threshold)
    await expect(app.thresholdCount).toHaveText(new RegExp(`^${above} of 417 chips shown`))
    const listed = await app.resultScores()
    expect(listed.length).toBe(Math.min(50, above))
    expect(listed.every((s) => s >= threshold)).toBe(true)
    // The lowest-scoring chip fades towards the basemap: its colour on screen changes.
    await expect.poll(async () => colourDistance(lowBefore, await app.colourAtChip(low))).toBeGreaterThan(25)
    await expect(page).toHaveURL(/threshold=0\.5/)
  })

  test('centred and raw scoring give different spreads', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await app.expectTopResult(POSITIVE)
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
    const centred = median((await app.ranking()).map((r) => r.score))
    await page.getByRole('radio', { name: 'Raw' }).click()
    await expect.poll(async () => median((await app.ranking()).map((r) => r.score))).toBeGreaterThan(0.9)
    expect(centred).toBeLessThan(0.9)
  })

  test('clicking a result flies the map to it', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await app.expectTopResult(POSITIVE)
    const box = (await page.getByTestId('map').boundingBox())!
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
    const distance = (p: { x: number; y: number }) => Math.hypot(p.x - centre.x, p.y - centre.y)
    // A result that is well away from the middle of the map to begin with.
    const ids = await app.resultIds()
    let id = ''
    for (const candidate of ids.slice(1)) {
      if (distance(await app.chipPoint(candidate)) > 150) {
        id = candidate
        break
      }
    }
    expect(id).not.toBe('')
    await app.results.filter({ has: page.locator(`[data-chip-id="${id}"]`) }).or(page.locator(`[data-chip-id="${id}"]`)).first().click()
    await expect.poll(async () => distance(await app.chipPoint(id))).toBeLessThan(40)
  })
})
