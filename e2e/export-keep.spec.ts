// Export and keep (issue 6): results as GeoJSON, CSV and GeoParquet read back by independent
// readers; labels saved and loaded again; the session kept across a visit to the bare address.
import { readFile } from 'node:fs/promises'
import * as arrow from 'apache-arrow'
import * as pw from 'parquet-wasm/node'
import { test, expect, sharedPage } from './support/test'
import { AppPage, DEMO_LABEL } from './support/app-page'
import type { Page } from '@playwright/test'

const POSITIVE = '03WVN_20220610_0200'
const NEGATIVE = '03WVN_20220610_0100'

/** RFC 4180: quoted cells may hold commas, doubled quotes and line breaks; lines end with CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const endCell = () => {
    row.push(cell)
    cell = ''
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') endCell()
    else if (c === '\r' && text[i + 1] === '\n') {
      endCell()
      rows.push(row)
      row = []
      i++
    } else cell += c
  }
  expect(cell).toBe('') // the file ends with CRLF
  return rows
}

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()])
  return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) }
}

/** Label a positive and a negative on the demo and wait for the ranking that uses both. */
async function labelDemo(app: AppPage): Promise<void> {
  await app.openDemo()
  await app.clickChip(POSITIVE)
  await app.expectTopResult(POSITIVE)
  const before = (await app.ranking()).find((r) => r.id === NEGATIVE)!.score
  await app.clickChip(NEGATIVE, { shift: true })
  await expect(app.negatives).toHaveCount(1)
  await expect.poll(async () => (await app.ranking()).find((r) => r.id === NEGATIVE)!.score).toBeLessThan(before)
}

/** The positive and the negative that labelDemo clicked are the examples. */
async function expectLabelled(app: AppPage): Promise<void> {
  await expect(app.positives).toHaveCount(1)
  await expect(app.positives.first()).toContainText(POSITIVE)
  await expect(app.negatives).toHaveCount(1)
  await expect(app.negatives.first()).toContainText(NEGATIVE)
}

// The demo labelled once (opening it costs seconds here): each test goes on from where the one
// before left the page, with the same two examples (serial: after a failure the rest is skipped).
// The export sets a threshold, which changes no ranking; the kept search comes back with both
// examples; the saved labels are tried last, as they open the demo again.
test.describe('one labelled search: export, keep, save', () => {
  test.describe.configure({ mode: 'serial' })
  const shared = sharedPage((page) => labelDemo(new AppPage(page)))

  test('exports the results as GeoJSON, CSV and GeoParquet that match the list and record the search', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await expectLabelled(app)
    await app.setThreshold(0.3)
    await expect(app.thresholdCount).toContainText('show all')
    const listedIds = await app.resultIds()
    const listedScores = await app.resultScores()
    const shown = Number((await app.thresholdCount.textContent())!.split(' ')[0]!.replace(/,/g, ''))
    expect(shown).toBeGreaterThan(listedIds.length - 1)

    const checkRows = (ids: string[], ranks: number[], scores: number[]) => {
      expect(ids).toHaveLength(shown)
      expect(ids.slice(0, listedIds.length)).toEqual(listedIds)
      expect(ranks).toEqual(ids.map((_, i) => i + 1))
      listedScores.forEach((s, i) => expect(scores[i]).toBeCloseTo(s, 5))
      expect(scores.every((s) => s >= 0.3)).toBe(true)
    }
    const checkQuery = (q: Record<string, unknown>) =>
      expect(q).toMatchObject({
        app: { name: 'Chipfinder' },
        dataset: { model: 'Clay v0', family: 'clay-v0', dims: 768, file: '03WVN_20220610_20220610_v001.gpq' },
        positives: [POSITIVE],
        negatives: [NEGATIVE],
        method: 'mean',
        mode: 'centred',
        threshold: 0.3,
        resultCount: shown,
        link: expect.stringContaining(`positive=${POSITIVE}`),
      })

    const geo = await download(page, 'export-geojson')
    expect(geo.name).toBe('chipfinder-03WVN_20220610_20220610_v001.geojson')
    const fc = JSON.parse(geo.bytes.toString('utf8'))
    type Props = { chip_id: string; rank: number; score: number; date: string }
    const props: Props[] = fc.features.map((f: { properties: Props }) => f.properties)
    checkRows(props.map((p) => p.chip_id), props.map((p) => p.rank), props.map((p) => p.score))
    expect(fc.features[0].geometry.coordinates[0]).toHaveLength(5)
    checkQuery(fc.query)

    const csv = parseCsv((await download(page, 'export-csv')).bytes.toString('utf8'))
    expect(csv[0]).toEqual(['chip_id', 'score', 'rank', 'date', 'source_url', 'footprint_wkt'])
    const body = csv.slice(1)
    checkRows(body.map((r) => r[0]!), body.map((r) => Number(r[2])), body.map((r) => Number(r[1])))
    // Each chip's source URL ends with its number in the tile (chip ids are <MGRS>_<date>_<NNNN>).
    expect(body[0]![4]).toMatch(new RegExp(`^s3://clay-tiles-02/02/03WVN/2022-06-10/claytile_03WVN_20220610_v02_${body[0]![0]!.slice(-4)}\\.tif$`))
    expect(body[0]![5]).toMatch(/^POLYGON \(\(-?\d/)

    const pq = await download(page, 'export-parquet')
    expect(pq.name).toBe('chipfinder-03WVN_20220610_20220610_v001.parquet')
    const table = arrow.tableFromIPC(pw.readParquet(new Uint8Array(pq.bytes)).intoIPCStream())
    const col = (name: string) => Array.from({ length: table.numRows }, (_, i) => table.getChild(name)!.get(i))
    checkRows(col('chip_id') as string[], col('rank') as number[], col('score') as number[])
    const geoMeta = JSON.parse(table.schema.metadata.get('geo')!)
    expect(geoMeta).toMatchObject({ version: '1.1.0', primary_column: 'geometry', columns: { geometry: { encoding: 'WKB', geometry_types: ['Polygon'] } } })
    const [w, s, e, n] = geoMeta.columns.geometry.bbox as number[]
    expect(w! > -170 && e! < -160 && s! > 60 && n! < 70 && w! < e! && s! < n!).toBe(true)
    // The first footprint, decoded from WKB here, is the GeoJSON's first polygon.
    const wkb = table.getChild('geometry')!.get(0) as Uint8Array
    const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength)
    expect([view.getUint8(0), view.getUint32(1, true), view.getUint32(5, true), view.getUint32(9, true)]).toEqual([1, 3, 1, 5])
    expect([view.getFloat64(13, true), view.getFloat64(21, true)]).toEqual(fc.features[0].geometry.coordinates[0][0])
    checkQuery(JSON.parse(table.schema.metadata.get('chipfinder:query')!))
  })

  test('the search is kept: the bare address brings back the examples and the ranking', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await expectLabelled(app)
    const before = await app.ranking(20)
    // Wait until the autosave has written both examples (IndexedDB, 500 ms after the last change).
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            new Promise<string>((resolve) => {
              const req = indexedDB.open('chipfinder')
              req.onsuccess = () => {
                const db = req.result
                if (!db.objectStoreNames.contains('session')) return resolve('')
                const get = db.transaction('session').objectStore('session').get('last')
                get.onsuccess = () => resolve(String(get.result ?? ''))
              }
              req.onerror = () => resolve('')
            }),
        ),
      )
      .toContain('03WVN_20220610_0100')

    await page.goto('/')
    await expect(app.datasetLabel).toHaveText(DEMO_LABEL, { timeout: 30_000 })
    await expect(page.getByTestId('restored-session')).toContainText('Your last search was restored')
    await expect(app.positives).toHaveCount(1)
    await expect(app.positives.first()).toContainText(POSITIVE)
    await expect(app.negatives.first()).toContainText(NEGATIVE)
    await expect.poll(async () => (await app.ranking(20)).map((r) => r.id)).toEqual(before.map((r) => r.id))
    // The address shows the restored search again, so it can be shared.
    await expect(page).toHaveURL(new RegExp(`positive=${POSITIVE}`))

    // Start over clears the examples as one step; Undo brings them back.
    await page.getByTestId('restored-session').getByRole('button', { name: 'Start over' }).click()
    await expect(app.positives).toHaveCount(0)
    await expect(page.getByTestId('restored-session')).toBeHidden()
    await app.undoButton.click()
    await expect(app.positives).toHaveCount(1)
  })

  test('saved labels load again on a fresh page and rank the same, also as examples from another dataset', async () => {
    const { page } = shared
    const app = new AppPage(page)
    await expectLabelled(app)
    const before = await app.ranking(20)
    const saved = await download(page, 'save-labels')
    const labels = JSON.parse(saved.bytes.toString('utf8'))
    expect(labels).toMatchObject({ format: 'chipfinder-labels', version: 1, space: { family: 'clay-v0', dims: 768 } })
    expect(labels.chips.map((c: { id: string; label: string }) => [c.id, c.label])).toEqual([
      [POSITIVE, 'positive'],
      [NEGATIVE, 'negative'],
    ])

    // A fresh page (a link of its own: nothing labelled).
    await app.openDemo()
    await expect(app.positives).toHaveCount(0)
    const input = page.getByTestId('load-labels-input')

    // A broken file is refused with a reason; nothing changes.
    await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...labels, version: 7 })) })
    await expect(app.notices.filter({ hasText: 'broken.json: This labels file is version 7' })).toBeVisible()
    await expect(app.positives).toHaveCount(0)

    await input.setInputFiles({ name: saved.name, mimeType: 'application/json', buffer: saved.bytes })
    await expect(app.notices.filter({ hasText: 'Loaded 2 chips of this dataset' })).toBeVisible()
    await expect(app.positives).toHaveCount(1)
    await expect(app.positives.first()).toContainText(POSITIVE)
    await expect(app.negatives).toHaveCount(1)
    await expect.poll(async () => (await app.ranking(20)).map((r) => r.id)).toEqual(before.map((r) => r.id))
    // One step: Undo takes the whole file back.
    await app.undoButton.click()
    await expect(app.positives).toHaveCount(0)
    await expect(app.negatives).toHaveCount(0)

    // The same chips as if from another dataset of the same model: ranked by their stored vectors.
    const elsewhere = { ...labels, chips: labels.chips.map((c: { id: string }) => ({ ...c, id: `ELSEWHERE_${c.id}` })) }
    await input.setInputFiles({ name: 'elsewhere.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(elsewhere)) })
    const fromFile = page.getByTestId('examples-file').getByTestId('example')
    await expect(fromFile).toHaveCount(2)
    await expect(fromFile.first()).toContainText(`ELSEWHERE_${POSITIVE}`)
    await expect.poll(async () => (await app.ranking(20)).map((r) => r.id)).toEqual(before.map((r) => r.id))
    const after = await app.ranking(20)
    after.forEach((r, i) => expect(r.score).toBeCloseTo(before[i]!.score, 5))
  })
})
