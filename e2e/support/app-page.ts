// A page object for the app: what a person sees and does, in words the specs can read.
import { expect, type Locator, type Page } from '@playwright/test'
import { decodePng, type Rgba } from './pixels'
// Brings in the type of window.__chipfinder, the app's read-only test API.
import type {} from '../../app/testing/test-api.ts'

/** The real sample's label, as the app must show it. */
export const DEMO_LABEL = '417 chips · Clay v0 · 768-d · 2022-06-10'

export class AppPage {
  readonly datasetLabel: Locator
  readonly loadError: Locator
  readonly results: Locator
  readonly positives: Locator
  readonly negatives: Locator
  readonly threshold: Locator
  readonly thresholdCount: Locator
  readonly notices: Locator
  /** Pictures of the top results, and the classifier's suggestions (same items). */
  readonly gallery: Locator
  readonly galleryItems: Locator
  readonly suggestions: Locator
  readonly suggestionItems: Locator
  readonly undoButton: Locator
  readonly redoButton: Locator
  /** The drawing tools over the map, and the drawn areas' cards among the examples. */
  readonly drawTools: Locator
  readonly areaCards: Locator

  constructor(readonly page: Page) {
    this.datasetLabel = page.getByTestId('dataset-label')
    this.loadError = page.getByTestId('load-error')
    this.results = page.getByTestId('result-row')
    this.positives = page.getByTestId('examples-positive').getByTestId('example')
    this.negatives = page.getByTestId('examples-negative').getByTestId('example')
    this.threshold = page.getByTestId('threshold')
    this.thresholdCount = page.getByTestId('threshold-count')
    this.notices = page.getByTestId('notice')
    this.gallery = page.getByTestId('gallery')
    this.galleryItems = this.gallery.getByTestId('gallery-item')
    this.suggestions = page.getByTestId('suggestions')
    this.suggestionItems = this.suggestions.getByTestId('gallery-item')
    this.undoButton = page.getByRole('group', { name: 'Undo and redo labels' }).getByRole('button', { name: /^Undo/ })
    this.redoButton = page.getByRole('group', { name: 'Undo and redo labels' }).getByRole('button', { name: /^Redo/ })
    this.drawTools = page.getByRole('toolbar', { name: 'Draw an area' })
    this.areaCards = page.getByTestId('area-card')
  }

  /** The card of a drawn area ('a1', …). */
  areaCard(id: string): Locator {
    return this.page.locator(`[data-testid="area-card"][data-area-id="${id}"]`)
  }

  /** Pick a drawing tool: 'Rectangle', 'Polygon' or 'Point'. */
  async chooseDrawTool(name: 'Rectangle' | 'Polygon' | 'Point'): Promise<void> {
    await this.drawTools.getByRole('button', { name, exact: true }).click()
    await expect(this.drawTools.getByRole('button', { name, exact: true })).toHaveAttribute('aria-pressed', 'true')
  }

  /** Draw a rectangle with the mouse, as a person would: click one corner, move, click the opposite corner. */
  async drawRectangle(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
    await this.chooseDrawTool('Rectangle')
    await this.page.mouse.click(from.x, from.y)
    await this.page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 })
    await this.page.mouse.move(to.x, to.y, { steps: 4 })
    await this.page.mouse.click(to.x, to.y)
  }

  /** Draw a polygon with the mouse: a click on each corner, then on the first corner again to close it. */
  async drawPolygon(corners: { x: number; y: number }[]): Promise<void> {
    await this.chooseDrawTool('Polygon')
    for (const p of [...corners, corners[0]!]) {
      await this.page.mouse.move(p.x, p.y, { steps: 3 })
      await this.page.mouse.click(p.x, p.y)
    }
  }

  /** Ids of the loaded chips whose centres lie inside a screen rectangle. */
  async chipsInside(a: { x: number; y: number }, b: { x: number; y: number }): Promise<string[]> {
    return this.page.evaluate(
      ([x0, y0, x1, y1]: number[]) =>
        window.__chipfinder!.chipIds().filter((id) => {
          const p = window.__chipfinder!.chipScreenPoint(id)
          return p !== null && p.x > x0! && p.x < x1! && p.y > y0! && p.y < y1!
        }),
      [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)],
    )
  }

  /** Open the app with a query string. The offline basemap keeps every test off the internet. */
  async open(query: Record<string, string> = {}): Promise<void> {
    const params = new URLSearchParams({ basemap: 'offline', ...query })
    await this.page.goto(`/?${params}`)
  }

  /** Wait until the dataset is on the map and the map has stopped moving and drawing. */
  async waitForIdle(): Promise<void> {
    await this.page.waitForFunction(() => window.__chipfinder?.isIdle() === true, null, { timeout: 30_000 })
  }

  async openDemo(query: Record<string, string> = {}): Promise<void> {
    await this.open(query)
    await expect(this.datasetLabel).toHaveText(DEMO_LABEL, { timeout: 30_000 })
    await this.waitForIdle()
  }

  async chipPoint(id: string): Promise<{ x: number; y: number }> {
    const p = await this.page.evaluate((chip) => window.__chipfinder!.chipScreenPoint(chip), id)
    if (!p) throw new Error(`chip ${id} is not on screen`)
    return p
  }

  /** Click a chip where it is drawn on the map, as a person would. */
  async clickChip(id: string, options: { shift?: boolean } = {}): Promise<void> {
    const { x, y } = await this.chipPoint(id)
    if (options.shift) await this.page.keyboard.down('Shift')
    await this.page.mouse.click(x, y)
    if (options.shift) await this.page.keyboard.up('Shift')
  }

  /** Chip ids in the result list, top first. */
  async resultIds(): Promise<string[]> {
    return this.results.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-chip-id') ?? ''))
  }

  async resultScores(): Promise<number[]> {
    return this.results.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-score'))))
  }

  /** The full ranking, from the app's read-only test API. */
  async ranking(limit?: number): Promise<{ id: string; score: number }[]> {
    const r = await this.page.evaluate((n) => window.__chipfinder!.ranking(n), limit)
    if (!r) throw new Error('no ranking yet')
    return r
  }

  async expectTopResult(id: string): Promise<void> {
    await expect(this.results.first()).toHaveAttribute('data-chip-id', id)
  }

  /** Move the threshold slider to a value, the way keyboard or pointer input would. */
  async setThreshold(value: number): Promise<void> {
    await this.threshold.fill(String(value))
  }

  /** Colour on screen at a chip's centre (after the map has drawn). */
  async colourAtChip(id: string): Promise<Rgba> {
    await this.waitForIdle()
    const { x, y } = await this.chipPoint(id)
    const png = await this.page.screenshot({ clip: { x: Math.round(x) - 1, y: Math.round(y) - 1, width: 3, height: 3 } })
    return decodePng(png).pixel(1, 1)
  }

  async openDatasetUrl(url: string): Promise<void> {
    const field = this.page.getByLabel(/Link to a GeoParquet embeddings file/)
    // The form folds away under "Open another dataset"; a page shared between tests may have it open.
    if (!(await field.isVisible())) await this.page.getByText('Open another dataset').click()
    await field.fill(url)
    await this.page.getByRole('button', { name: 'Open', exact: true }).click()
  }

  /** The "More like this" (+) or "Not this" (−) button of a chip in the result list. */
  labelButton(id: string, as: 'positive' | 'negative', where: Locator = this.page.getByTestId('results')): Locator {
    return where.getByRole('button', { name: `${as === 'positive' ? 'More like this' : 'Not this'}: ${id}`, exact: true })
  }

  /** Pick a ranking method by its words ("Like the average example", …). */
  async chooseMethod(title: string): Promise<void> {
    await this.page.getByRole('radio', { name: title, exact: true }).check()
  }

  /** Open a catalog, then one of its entries from the picker. */
  async openCatalogEntry(catalogUrl: string, title: string): Promise<void> {
    await this.open({ dataset: catalogUrl })
    await this.page.getByTestId('dataset-picker').getByRole('button', { name: `Open ${title}`, exact: true }).click()
  }
}
