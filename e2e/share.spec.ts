// Sharing a search: the Share button's link, opened in a fresh browser (no storage, no cache
// shared with the first), gives the same search and the same ranking, with a clear state while
// the data loads.
import { test, expect } from './support/test'
import { AppPage, DEMO_LABEL } from './support/app-page'

const POSITIVE = '03WVN_20220610_0200'
const NEGATIVE = '03WVN_20220610_0100'
const DEMO_FILE = '**/demo/clay-v0/*.gpq'

test.use({ permissions: ['clipboard-read', 'clipboard-write'] })

test('a shared link opened in a fresh browser gives the same search and the same ranking', async ({ page, freshContext }) => {
  const app = new AppPage(page)
  await app.openDemo()
  await app.clickChip(POSITIVE)
  await app.expectTopResult(POSITIVE)
  // The second example: the runner-up, marked from the result list.
  const second = (await app.resultIds())[1]!
  await app.labelButton(second, 'positive').click()
  await expect(app.positives).toHaveCount(2)
  await app.clickChip(NEGATIVE, { shift: true })
  await page.getByRole('radio', { name: 'Raw' }).click()
  await expect(page.getByRole('radio', { name: 'Raw' })).toHaveAttribute('aria-checked', 'true')
  await expect.poll(async () => (await app.ranking().catch(() => [])).length).toBe(417)
  // A threshold that keeps dozens of chips, so the list (20) is cut by the count, not the threshold.
  await app.setThreshold((await app.ranking())[80]!.score)
  const threshold = await page.getByTestId('threshold-value').textContent()
  await page.getByTestId('result-count').selectOption('20')
  // A view of its own, not the one the app frames the data with.
  await page.evaluate(() => window.__chipfinder!.jumpTo([-165.6, 62.3, -165.0, 62.7]))
  await app.waitForIdle()
  await expect(app.results).toHaveCount(20)
  const listed = await app.resultIds()
  const scores = await app.resultScores()
  const ranking = await app.ranking()

  await page.getByTestId('share-button').click()
  await expect(page.getByTestId('share-status')).toHaveText(/Link copied/)
  const link = await page.getByTestId('share-link').inputValue()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link)
  expect(link.length).toBeLessThan(2000)
  const url = new URL(link)
  // Ids that share a prefix are written once: 03WVN_20220610_0(200,…).
  expect(url.searchParams.get('positive')).toMatch(/^03WVN_20220610_\d*\(\d+,\d+\)$/)
  expect(url.searchParams.get('count')).toBe('20')
  expect(url.searchParams.get('view')).toMatch(/^-165\.3\d*,62\.\d+,\d+(\.\d+)?$/)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('share-popover')).toBeHidden()

  // A colleague opens the link. The data is held back until the page has said what it is opening.
  const other = await freshContext.newPage()
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  await other.route(DEMO_FILE, async (route) => {
    await held
    await route.continue()
  })
  await other.goto(link)
  const colleague = new AppPage(other)
  await expect(other.getByTestId('shared-open')).toContainText('Opening a shared search with 3 example chips. Loading the dataset')
  release()
  await expect(colleague.datasetLabel).toHaveText(DEMO_LABEL, { timeout: 30_000 })
  await expect(other.getByTestId('shared-open')).toBeHidden()
  await expect(colleague.positives).toHaveCount(2)
  await expect(colleague.negatives).toHaveCount(1)
  await expect(other.getByRole('radio', { name: 'Raw' })).toHaveAttribute('aria-checked', 'true')
  await expect(other.getByTestId('threshold-value')).toHaveText(threshold!)
  await expect(colleague.results).toHaveCount(20)
  expect(await colleague.resultIds()).toEqual(listed)
  expect(await colleague.resultScores()).toEqual(scores)
  expect(await colleague.ranking()).toEqual(ranking)
  // The same view: the map wasn't re-framed around the data.
  await colleague.waitForIdle()
  expect(new URL(other.url()).searchParams.get('view')).toBe(url.searchParams.get('view'))
})

test('a link whose search sits in the fragment opens the same way', async ({ page }) => {
  const app = new AppPage(page)
  await page.goto(`/?basemap=offline#s&positive=${POSITIVE}&count=5`)
  await expect(app.datasetLabel).toHaveText(DEMO_LABEL, { timeout: 30_000 })
  await app.expectTopResult(POSITIVE)
  await expect(app.results).toHaveCount(5)
  await expect(app.notices).toHaveCount(0)
})
