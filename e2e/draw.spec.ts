// Drawing an area and using it as an example, in stored-vector mode: on the real Clay v0 sample
// (417 chips), whose encoder can't run in a browser, an area's vector is the overlap-weighted mean
// of the loaded chips under it. Every shape is drawn with the mouse through terra-draw.
import { test, expect, FAILED_RESOURCE } from './support/test'
import { s3Urls } from './support/servers'
import { AppPage } from './support/app-page'

/** A chip near the middle of the map, and its screen point. */
async function middleChip(app: AppPage): Promise<{ id: string; x: number; y: number }> {
  const box = (await app.page.getByTestId('map').boundingBox())!
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  const chips = await app.page.evaluate(() =>
    window.__chipfinder!.chipIds().map((id) => ({ id, p: window.__chipfinder!.chipScreenPoint(id) })),
  )
  let best = chips[0]!
  for (const c of chips) if (c.p && Math.hypot(c.p.x - cx, c.p.y - cy) < Math.hypot(best.p!.x - cx, best.p!.y - cy)) best = c
  return { id: best.id, ...best.p! }
}

test('a rectangle drawn over one chip ranks like that chip; shift to negative, remove, undo, reload', async ({ page }) => {
  const app = new AppPage(page)
  await app.openDemo()
  const chip = await middleChip(app)

  // A small rectangle inside one chip: its vector is that chip's vector.
  await app.drawRectangle({ x: chip.x - 5, y: chip.y - 5 }, { x: chip.x + 5, y: chip.y + 5 })
  await expect(app.areaCards).toHaveCount(1)
  const card = app.areaCard('a1')
  await expect(card).toHaveAttribute('data-state', 'ready')
  await expect(card).toHaveAttribute('data-label', 'positive')
  await expect(card).toContainText('Mean of 1 loaded chip')
  await expect(app.drawTools.getByRole('button', { name: 'Rectangle', exact: true })).toHaveAttribute('aria-pressed', 'false')
  await app.expectTopResult(chip.id)
  await expect(app.results.first()).toContainText('1.000')

  // “Not like this”: with no positive left, nothing ranks.
  await card.getByRole('button', { name: 'Use area a1 as “not like this”' }).click()
  await expect(card).toHaveAttribute('data-label', 'negative')
  await expect(page.getByTestId('no-ranking')).toBeVisible()
  // Undo makes it positive again.
  await app.undoButton.click()
  await expect(card).toHaveAttribute('data-label', 'positive')
  await app.expectTopResult(chip.id)

  // Removed, then brought back by undo.
  await card.getByRole('button', { name: 'Remove area a1' }).click()
  await expect(app.areaCards).toHaveCount(0)
  await expect(page.getByTestId('no-ranking')).toBeVisible()
  await expect(app.undoButton).toHaveAccessibleName('Undo: remove area a1')
  await app.undoButton.click()
  await expect(app.areaCards).toHaveCount(1)
  await expect(app.areaCard('a1')).toHaveAttribute('data-state', 'ready')
  await app.expectTopResult(chip.id)

  // The link keeps it: reload, and the same area ranks the same.
  await expect.poll(() => new URL(page.url()).searchParams.get('areas')).toMatch(/^p:box:/)
  const before = await app.ranking(20)
  await page.reload()
  await app.waitForIdle()
  await expect(app.areaCard('a1')).toHaveAttribute('data-state', 'ready')
  await app.expectTopResult(chip.id)
  await expect.poll(() => app.ranking(20)).toEqual(before)
})

test('a rectangle over two chips ranks them at the top; as a negative it pushes them down', async ({ page }) => {
  const app = new AppPage(page)
  await app.openDemo()
  const chip = await middleChip(app)
  // The chip to its right: the nearest chip centre right of it at about the same height.
  const right = await app.chipsInside({ x: chip.x + 10, y: chip.y - 10 }, { x: chip.x + 80, y: chip.y + 10 })
  expect(right.length).toBeGreaterThanOrEqual(1)
  const next = right[0]!
  const q = await app.chipPoint(next)
  // A thin rectangle from one centre to the other: half of each chip, nothing else.
  await app.drawRectangle({ x: chip.x, y: chip.y - 4 }, { x: q.x, y: q.y + 4 })
  const card = app.areaCard('a1')
  await expect(card).toHaveAttribute('data-state', 'ready')
  await expect(card).toContainText('Mean of 2 loaded chips')
  const under = [chip.id, next]
  // Its vector is the mean of the two: one of them comes first, and both near the top (the
  // sample's chips are alike, so a mean of two need not rank both above every other chip).
  await expect.poll(async () => under.includes((await app.ranking(1))[0]!.id)).toBe(true)
  const top10 = (await app.ranking(10)).map((r) => r.id)
  for (const id of under) expect(top10).toContain(id)

  // Beside a clicked positive elsewhere, the area as a negative lowers the chips under it.
  const areaOnly = await app.ranking()
  const far = areaOnly.at(-1)!.id
  await app.clickChip(far)
  await expect(app.positives).toHaveCount(1)
  await expect.poll(async () => JSON.stringify(await app.ranking())).not.toBe(JSON.stringify(areaOnly))
  const withPositiveArea = await app.ranking()
  await card.getByRole('button', { name: 'Use area a1 as “not like this”' }).click()
  await expect.poll(async () => JSON.stringify(await app.ranking())).not.toBe(JSON.stringify(withPositiveArea))
  const after = await app.ranking()
  const score = (list: { id: string; score: number }[], id: string) => list.find((r) => r.id === id)!.score
  for (const id of under) expect(score(after, id)).toBeLessThan(score(withPositiveArea, id))

})

test('a polygon whose outline crosses itself is refused with a message, and nothing else is lost', async ({ page }) => {
  const app = new AppPage(page)
  await app.openDemo()
  const chip = await middleChip(app)
  await app.drawRectangle({ x: chip.x - 5, y: chip.y - 5 }, { x: chip.x + 5, y: chip.y + 5 })
  await expect(app.areaCard('a1')).toHaveAttribute('data-state', 'ready')
  // The card is ready as soon as the area's vector is; the ranking by it follows.
  await app.expectTopResult(chip.id)
  const before = await app.ranking(20)

  // A bow tie.
  const { x, y } = chip
  await app.drawPolygon([
    { x: x - 80, y: y - 60 },
    { x: x + 80, y: y + 60 },
    { x: x + 80, y: y - 60 },
    { x: x - 80, y: y + 60 },
  ])
  await expect(app.notices.filter({ hasText: 'outline crosses itself' })).toBeVisible()
  await expect(app.areaCards).toHaveCount(1)
  expect(await app.ranking(20)).toEqual(before)
  // The tool stays on to draw it again; Esc puts it away.
  await expect(app.drawTools.getByRole('button', { name: 'Polygon', exact: true })).toHaveAttribute('aria-pressed', 'true')
  await page.keyboard.press('Escape')
  await expect(app.drawTools.getByRole('button', { name: 'Polygon', exact: true })).toHaveAttribute('aria-pressed', 'false')
})

test('a point dropped on a chip is that chip; an area with no chips under it says so', async ({ page }) => {
  const app = new AppPage(page)
  await app.openDemo()
  const chip = await middleChip(app)
  await app.chooseDrawTool('Point')
  await page.mouse.click(chip.x, chip.y)
  await expect(app.areaCard('a1')).toHaveAttribute('data-state', 'ready')
  await app.expectTopResult(chip.id)

  // Far outside the tile, in the map's corner.
  const box = (await page.getByTestId('map').boundingBox())!
  await app.drawRectangle({ x: box.x + box.width - 60, y: box.y + box.height - 90 }, { x: box.x + box.width - 30, y: box.y + box.height - 60 })
  const empty = app.areaCard('a2')
  await expect(empty).toHaveAttribute('data-state', 'error')
  await expect(empty.getByTestId('area-message')).toHaveText('No loaded chips under this area: zoom in so its files load, or draw where chips are.')
  // The point still ranks.
  await app.expectTopResult(chip.id)
})

test.describe('over a planted feature', () => {
  // Probing how deep the bucket sits in a path-style link costs one 404 (dataset-service.ts).
  test.use({ allowedConsoleErrors: FAILED_RESOURCE })

  test('a rectangle drawn inside a planted lake of a Clay v0-layout folder ranks every lake in view first', async ({ page }) => {
    const app = new AppPage(page)
    const manifest = (await (await page.request.get(s3Urls.manifest())).json()) as { planted: Record<string, Record<string, { ids: string[] }>> }
    const lakes = manifest.planted['clay-v0-global']!['lake']!.ids.filter((id) => id.startsWith('03W'))
    expect(lakes.length).toBeGreaterThan(2)
    await app.open({ dataset: s3Urls.folder('synthetic', 'clay-v0-global') })
    await expect(page.getByTestId('file-counts')).toContainText(/26 files · 26 located/, { timeout: 30_000 })
    // The six Alaska tiles (03W…), with no other region near.
    await page.evaluate(() => window.__chipfinder!.jumpTo([-167.6, 64.6, -162.4, 67.0]))
    await expect(page.getByTestId('file-counts')).toContainText('6 loaded', { timeout: 30_000 })
    await app.waitForIdle()
    await expect(page.getByTestId('area-mode')).toHaveCount(0)

    const lake = await app.chipPoint(lakes[0]!)
    await app.drawRectangle({ x: lake.x - 2, y: lake.y - 2 }, { x: lake.x + 2, y: lake.y + 2 })
    const card = app.areaCard('a1')
    await expect(card).toHaveAttribute('data-state', 'ready')
    // The lake's chip, and any chip of a neighbouring tile that overlaps it there (MGRS tiles
    // overlap at their edges).
    await expect(card).toContainText(/Mean of \d+ loaded chips?/)
    // The panel says how the area was made.
    await expect(page.getByTestId('area-mode')).toHaveAttribute('data-mode', 'stored')
    await expect.poll(async () => (await app.ranking(lakes.length)).map((r) => r.id).sort()).toEqual([...lakes].sort())
  })
})
