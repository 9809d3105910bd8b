import { describe, expect, it } from 'vitest'
import type { ChipAttributes } from './chips.ts'
import { ChipCollection } from './chip-collection.ts'
import { csvParts, geoJsonParts, rankedRows, toCsv, toGeoJson } from './export.ts'
import { rankOrder } from './testing/rank-data.ts'

const attributes: ChipAttributes = {
  ids: ['a', '=HYPERLINK("x")', 'c,"quoted"'],
  dates: ['2022-06-10', null, '2022-06-11'],
  sourceUrls: ['s3://b/a.tif', null, 's3://b/c.tif'],
  ringCoords: new Float64Array([0, 0, 1, 0, 1, 1, 0, 0, 2, 2, 3, 2, 3, 3, 2, 2, 4, 4, 5, 4, 5, 5, 4, 4]),
  ringStarts: new Uint32Array([0, 4, 8, 12]),
}
const chips = new ChipCollection()
chips.add('test.parquet', attributes)
const scores = new Float32Array([0.5, 0.9, -0.2])
const order = rankOrder(scores)

describe('export', () => {
  it('lists rows at or above the threshold in rank order', () => {
    expect(rankedRows(order, scores, 0.4).map((r) => [r.row, r.rank])).toEqual([
      [1, 1],
      [0, 2],
    ])
    expect(rankedRows(order, scores, null)).toHaveLength(3)
    expect(rankedRows(order, scores, null, 1)).toHaveLength(1)
    // A filter drops rows but keeps their rank in the full ranking.
    expect(rankedRows(order, scores, null, Infinity, (row) => row !== 1).map((r) => [r.row, r.rank])).toEqual([
      [0, 2],
      [2, 3],
    ])
  })

  it('writes GeoJSON features with the ranked properties and closed rings', () => {
    const fc = JSON.parse(toGeoJson(chips, rankedRows(order, scores, null), { positives: ['b'] }))
    expect(fc.type).toBe('FeatureCollection')
    expect(fc.query).toEqual({ positives: ['b'] })
    expect(fc.features.map((f: { properties: { chip_id: string } }) => f.properties.chip_id)).toEqual([
      '=HYPERLINK("x")',
      'a',
      'c,"quoted"',
    ])
    const first = fc.features[0]
    expect(first.properties).toEqual({ chip_id: '=HYPERLINK("x")', score: 0.9, rank: 1, date: null, source_url: null })
    expect(first.geometry.coordinates[0]).toEqual([
      [2, 2],
      [3, 2],
      [3, 3],
      [2, 2],
    ])
  })

  it('writes RFC 4180 CSV with WKT and defuses formulas', () => {
    const csv = toCsv(chips, rankedRows(order, scores, null))
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe('chip_id,score,rank,date,source_url,footprint_wkt')
    expect(lines[1]).toBe(`"'=HYPERLINK(""x"")",0.9,1,,,"POLYGON ((2 2, 3 2, 3 3, 2 2))"`)
    expect(lines[3]).toBe(`"c,""quoted""",-0.2,3,2022-06-11,s3://b/c.tif,"POLYGON ((4 4, 5 4, 5 5, 4 4))"`)
  })
})

describe('export: drawn areas', () => {
  it('adds each query area to the GeoJSON as a Feature that says what it is; the CSV stays per chip', () => {
    const areas = [
      { id: 'a1', label: 'positive' as const, shape: 'rectangle' as const, ring: [[0, 0], [1, 0], [1, 1], [0, 1]] as [number, number][] },
      { id: 'a2', label: 'negative' as const, shape: 'point' as const, ring: [[5, 5]] as [number, number][], scene: 'S2A_X', dates: { from: '2024-01-01', to: '2024-02-01' } },
    ]
    const fc = JSON.parse(toGeoJson(chips, rankedRows(order, scores, null), {}, areas))
    expect(fc.features).toHaveLength(5)
    const [a1, a2] = fc.features.slice(3)
    expect(a1.geometry).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] })
    expect(a1.properties).toMatchObject({ kind: 'query_area', area_id: 'a1', example: 'positive', meaning: 'more like this', shape: 'rectangle' })
    expect(a2.geometry).toEqual({ type: 'Point', coordinates: [5, 5] })
    expect(a2.properties).toMatchObject({ example: 'negative', imagery_from: '2024-01-01', imagery_to: '2024-02-01', scene: 'S2A_X' })
    expect(toCsv(chips, rankedRows(order, scores, null)).trimEnd().split('\r\n')).toHaveLength(4)
  })
})

describe('export: in pieces', () => {
  const area = { id: 'a1', label: 'positive' as const, shape: 'point' as const, ring: [[5, 5]] as [number, number][] }
  it('writes the GeoJSON in pieces of a few chips that join into one valid document', () => {
    const rows = rankedRows(order, scores, null)
    const pieces = [...geoJsonParts(chips, rows, { q: 1 }, [area], 2)]
    // Opening, two pieces of chips (2 + 1), closing with the area.
    expect(pieces).toHaveLength(4)
    const fc = JSON.parse(pieces.join(''))
    expect(fc.query).toEqual({ q: 1 })
    expect(fc.features.map((f: { properties: { chip_id?: string; kind?: string } }) => f.properties.chip_id ?? f.properties.kind)).toEqual([
      '=HYPERLINK("x")',
      'a',
      'c,"quoted"',
      'query_area',
    ])
    expect(pieces.join('')).toBe(toGeoJson(chips, rows, { q: 1 }, [area]))
    // No chips, no areas, or areas alone: still one valid document.
    expect(JSON.parse([...geoJsonParts(chips, [], null)].join('')).features).toEqual([])
    expect(JSON.parse([...geoJsonParts(chips, [], null, [area])].join('')).features).toHaveLength(1)
  })

  it('writes the CSV in pieces of whole lines', () => {
    const rows = rankedRows(order, scores, null)
    const pieces = [...csvParts(chips, rows, 2)]
    expect(pieces).toHaveLength(3)
    expect(pieces.every((p) => p.endsWith('\r\n'))).toBe(true)
    expect(pieces.join('')).toBe(toCsv(chips, rows))
    // A cell with a line break inside stays one quoted cell.
    const odd = new ChipCollection()
    odd.add('x', { ...attributes, ids: ['line\nbreak', 'b', 'c'] })
    expect([...csvParts(odd, [{ row: 0, rank: 1, score: 1 }])][1]).toMatch(/^"line\nbreak",1,1,/)
  })
})
