// Exporting results: 100,000 ranked chips written as GeoJSON, CSV and GeoParquet by the app's
// writers (app/lib/export.ts, app/lib/export/geoparquet.ts), against the peers a developer would
// reach for, in one run:
//   - GeoJSON and CSV: the whole file as one string (what the app did before exports were
//     streamed: JSON.stringify of the FeatureCollection, one joined CSV). The streamed writers
//     hand out pieces of 2,000 chips; the figure that matters beside the time is the largest
//     string held at once.
//   - GeoParquet: parquet-wasm (parquet-rs in WebAssembly) writing the same columns from an
//     Arrow table, Snappy like ours. Both write the same WKB footprints.
// Times are medians of paired, alternating runs (harness pairedMs), so a burst of other work on
// the machine slows both sides of a ratio alike.
import { afterAll, describe, expect, it } from 'vitest'
import * as arrow from 'apache-arrow'
import { pairedMs, mergeResults, record } from './harness.ts'
import { csvParts, geoJsonParts, roundScore, toCsv, toGeoJson, type RankedRow } from '../app/lib/export.ts'
import { isoDateToDays, writeGeoParquet } from '../app/lib/export/geoparquet.ts'
import { polygonWkb } from '../app/lib/export/wkb-write.ts'
import type { ChipLookup } from '../app/lib/chip-collection.ts'

const N = 100_000
const LABEL = `export ${N / 1000}k chips`

/** Chips on a grid, named and dated as Clay v0 chips are, each a closed 5-vertex ring. */
function syntheticChips(n: number): ChipLookup {
  const side = Math.ceil(Math.sqrt(n))
  return {
    count: n,
    id: (row) => `03WVN_20220610_${String(row).padStart(6, '0')}`,
    date: () => '2022-06-10',
    sourceUrl: (row) => `s3://clay-tiles-02/02/03WVN/2022-06-10/claytile_03WVN_20220610_v02_${String(row % 10_000).padStart(4, '0')}.tif`,
    ring: (row) => {
      const x = -166 + (row % side) * 0.01
      const y = 64 + Math.floor(row / side) * 0.01
      return [
        [x, y],
        [x + 0.01, y],
        [x + 0.01, y + 0.01],
        [x, y + 0.01],
        [x, y],
      ]
    },
  }
}

const chips = syntheticChips(N)
const rows: RankedRow[] = Array.from({ length: N }, (_, i) => ({ row: i, rank: i + 1, score: 1 - i / N }))
const query = { dataset: 'https://example.org/set/', positives: ['03WVN_20220610_000001'] }

/** Consume a generator of strings; the total characters and the longest piece. */
function drain(parts: Iterable<string>): { chars: number; longest: number } {
  let chars = 0
  let longest = 0
  for (const p of parts) {
    chars += p.length
    if (p.length > longest) longest = p.length
  }
  return { chars, longest }
}

async function oursParquet(): Promise<number> {
  let bytes = 0
  await writeGeoParquet(chips, rows, query, (b) => {
    bytes += b.length
  })
  return bytes
}

async function parquetWasm(): Promise<number> {
  const pw = await import('parquet-wasm')
  const table = arrow.tableFromArrays({
    chip_id: rows.map((r) => chips.id(r.row)),
    score: Float64Array.from(rows, (r) => roundScore(r.score)),
    rank: Int32Array.from(rows, (r) => r.rank),
    date: Int32Array.from(rows, (r) => isoDateToDays(chips.date(r.row)) ?? 0),
    source_url: rows.map((r) => chips.sourceUrl(r.row) ?? ''),
  })
  const geometry = arrow.vectorFromArray(
    rows.map((r) => polygonWkb(chips.ring(r.row))),
    new arrow.Binary(),
  )
  const withGeometry = table.assign(new arrow.Table({ geometry }))
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).build()
  return pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(withGeometry, 'stream')), props).length
}

afterAll(() => mergeResults())

describe(LABEL, () => {
  it('GeoJSON: streamed pieces vs one string', async () => {
    const streamed = drain(geoJsonParts(chips, rows, query))
    const whole = toGeoJson(chips, rows, query)
    // Same file either way.
    expect(streamed.chars).toBe(whole.length)
    const t = await pairedMs(
      () => drain(geoJsonParts(chips, rows, query)),
      () => toGeoJson(chips, rows, query).length,
      5,
    )
    record({ name: `${LABEL}: GeoJSON, streamed (2,000-chip pieces)`, value: t.a, unit: 'ms', peer: 'one JSON.stringify', ratio: 1 / t.ratio, note: `largest string ${(streamed.longest / 1e6).toFixed(2)} MB vs ${(whole.length / 1e6).toFixed(1)} MB` })
    record({ name: `${LABEL}: GeoJSON, one JSON.stringify`, value: t.b, unit: 'ms' })
  })

  it('CSV: streamed pieces vs one string', async () => {
    const streamed = drain(csvParts(chips, rows))
    const whole = toCsv(chips, rows)
    expect(streamed.chars).toBe(whole.length)
    const t = await pairedMs(
      () => drain(csvParts(chips, rows)),
      () => toCsv(chips, rows).length,
      5,
    )
    record({ name: `${LABEL}: CSV, streamed (2,000-chip pieces)`, value: t.a, unit: 'ms', peer: 'one joined string', ratio: 1 / t.ratio, note: `largest string ${(streamed.longest / 1e6).toFixed(2)} MB vs ${(whole.length / 1e6).toFixed(1)} MB` })
    record({ name: `${LABEL}: CSV, one joined string`, value: t.b, unit: 'ms' })
  })

  it('GeoParquet: hyparquet-writer row groups vs parquet-wasm', async () => {
    const ours = await oursParquet()
    const peer = await parquetWasm()
    const t = await pairedMs(oursParquet, parquetWasm, 5)
    record({ name: `${LABEL}: GeoParquet, hyparquet-writer (5,000-row groups)`, value: t.a, unit: 'ms', peer: 'parquet-wasm from Arrow', ratio: 1 / t.ratio, note: `${(ours / 1e6).toFixed(1)} MB vs ${(peer / 1e6).toFixed(1)} MB` })
    record({ name: `${LABEL}: GeoParquet, parquet-wasm from Arrow`, value: t.b, unit: 'ms' })
  })
})
