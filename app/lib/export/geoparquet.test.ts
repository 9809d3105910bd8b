// The GeoParquet export read back by an independent reader (parquet-wasm, i.e. parquet-rs, into
// Apache Arrow), its WKB decoded by hand here, its `geo` metadata checked against GeoParquet 1.1.
import { describe, expect, it } from 'vitest'
import * as arrow from 'apache-arrow'
import * as pw from 'parquet-wasm/node'
import type { ChipAttributes } from '../chips.ts'
import { ChipCollection } from '../chip-collection.ts'
import { rankedRows } from '../export.ts'
import { rankOrder } from '../testing/rank-data.ts'
import { GEOPARQUET_QUERY_KEY, isoDateToDays, writeGeoParquet } from './geoparquet.ts'
import { polygonWkb } from './wkb-write.ts'

/** A WKB Polygon's rings, decoded independently of the app's reader. */
function readWkbPolygon(bytes: Uint8Array): number[][][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const le = view.getUint8(0) === 1
  expect(view.getUint32(1, le)).toBe(3)
  const rings: number[][][] = []
  let at = 9
  for (let r = 0; r < view.getUint32(5, le); r++) {
    const n = view.getUint32(at, le)
    at += 4
    const ring: number[][] = []
    for (let i = 0; i < n; i++, at += 16) ring.push([view.getFloat64(at, le), view.getFloat64(at + 8, le)])
    rings.push(ring)
  }
  expect(at).toBe(bytes.length)
  return rings
}

function makeChips(n: number): ChipCollection {
  const ringCoords = new Float64Array(n * 8)
  const ringStarts = new Uint32Array(n + 1)
  for (let i = 0; i < n; i++) {
    const x = -165 + (i % 20) * 0.05
    const y = 65 + Math.floor(i / 20) * 0.05
    ringCoords.set([x, y, x + 0.05, y, x + 0.05, y + 0.05, x, y], i * 8)
    ringStarts[i + 1] = (i + 1) * 4
  }
  const attributes: ChipAttributes = {
    ids: Array.from({ length: n }, (_, i) => (i === 1 ? '=cmd|"x"' : `chip_${i}`)),
    dates: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : '2022-06-10')),
    sourceUrls: Array.from({ length: n }, (_, i) => (i % 2 ? `s3://b/${i}.tif` : null)),
    ringCoords,
    ringStarts,
  }
  const chips = new ChipCollection()
  chips.add('t.parquet', attributes)
  return chips
}

async function write(chips: ChipCollection, scores: Float32Array, chunkRows: number) {
  const rows = rankedRows(rankOrder(scores), scores, null)
  const parts: Uint8Array[] = []
  const progress: number[] = []
  await writeGeoParquet(chips, rows, { positives: ['chip_3'] }, (b) => void parts.push(b), { chunkRows, progress: (n) => progress.push(n) })
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) {
    bytes.set(p, at)
    at += p.length
  }
  return { rows, parts, progress, bytes }
}

function readBack(bytes: Uint8Array) {
  const table = arrow.tableFromIPC(pw.readParquet(bytes).intoIPCStream())
  return table
}

describe('writeGeoParquet', () => {
  it('writes a GeoParquet 1.1 file that parquet-rs reads back row for row, in pieces', async () => {
    const n = 1234
    const chips = makeChips(n)
    const scores = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37))
    const { rows, parts, progress, bytes } = await write(chips, scores, 500)
    // One piece per row group at least, and progress after each.
    expect(parts.length).toBeGreaterThanOrEqual(3)
    expect(progress).toEqual([500, 1000, 1234])
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('PAR1')

    const table = readBack(bytes)
    expect(table.numRows).toBe(n)
    expect(table.schema.fields.map((f) => f.name)).toEqual(['chip_id', 'score', 'rank', 'date', 'source_url', 'geometry'])
    const ids = table.getChild('chip_id')!.toArray() as string[]
    const got = Array.from({ length: n }, (_, i) => ({
      id: ids[i],
      score: table.getChild('score')!.get(i) as number,
      rank: table.getChild('rank')!.get(i) as number,
      url: table.getChild('source_url')!.get(i) as string | null,
    }))
    expect(got.map((g) => g.id)).toEqual(rows.map((r) => chips.id(r.row)))
    expect(got.map((g) => g.rank)).toEqual(rows.map((r) => r.rank))
    got.forEach((g, i) => expect(g.score).toBeCloseTo(rows[i]!.score, 6))
    expect(got.map((g) => g.url)).toEqual(rows.map((r) => chips.sourceUrl(r.row)))
    // Untrusted text is stored as it is (a table, not a spreadsheet): no defusing here.
    expect(ids).toContain('=cmd|"x"')
    // Dates as Parquet DATE: null where the chip has none.
    const dateCol = table.getChild('date')!
    const firstRow = rows[0]!.row
    const expectedDate = chips.date(firstRow)
    const firstDate = dateCol.get(0) as Date | number | null
    if (expectedDate === null) expect(firstDate).toBeNull()
    else expect(new Date(firstDate as number).toISOString().slice(0, 10)).toBe(expectedDate)
    // Footprints: WKB polygons equal to the chips' rings.
    for (const i of [0, 1, 777, n - 1]) {
      const wkb = table.getChild('geometry')!.get(i) as Uint8Array
      expect(readWkbPolygon(wkb)).toEqual([chips.ring(rows[i]!.row)])
    }

    // The metadata: parquet-rs puts the file's key/value entries on the Arrow schema.
    const kv = table.schema.metadata
    const geo = JSON.parse(kv.get('geo')!)
    expect(geo).toEqual({
      version: '1.1.0',
      primary_column: 'geometry',
      columns: { geometry: { encoding: 'WKB', geometry_types: ['Polygon'], bbox: [-165, 65, -165 + 20 * 0.05, 65 + Math.ceil(n / 20) * 0.05] } },
    })
    expect(geo.columns.geometry.bbox[2]).toBeCloseTo(-164, 9)
    expect(geo.columns.geometry).not.toHaveProperty('crs')
    expect(JSON.parse(kv.get(GEOPARQUET_QUERY_KEY)!)).toEqual({ positives: ['chip_3'] })
  })

  it('refuses an empty result with words for people (parquet-rs cannot read a file of no row groups)', async () => {
    await expect(writeGeoParquet(makeChips(3), [], {}, () => {})).rejects.toThrow(/no chips to export/)
  })

  it('turns ISO dates into days since 1970 and anything else into null', () => {
    expect(isoDateToDays('1970-01-02')).toBe(1)
    expect(isoDateToDays('2022-06-10')).toBe(19153)
    expect(isoDateToDays('June 10')).toBeNull()
    expect(isoDateToDays(null)).toBeNull()
  })

  it('writes WKB polygons little-endian', () => {
    const wkb = polygonWkb([[1, 2], [3, 4], [1, 2]])
    expect(wkb.length).toBe(13 + 3 * 16)
    expect(readWkbPolygon(wkb)).toEqual([[[1, 2], [3, 4], [1, 2]]])
  })
})
