import { describe, expect, it } from 'vitest'
import { archiveCsv, archiveGeoJson, type ArchivePlaces } from './archive.ts'
import { exportQuery } from './query.ts'

const places: ArchivePlaces = {
  ids: ['37MBV_20220208_0077', '=HYPERLINK("x")'],
  scores: Float32Array.of(0.9, 0.5),
  exact: Uint8Array.of(1, 0),
  lon: Float32Array.of(36.5, -58.25),
  lat: Float32Array.of(-0.75, -4),
  dates: ['2022-02-08', null],
  sources: ['v02/37MBV/37MBV_20220208_20220208_v001.gpq', 'v02/21MTS/a,b.gpq'],
  rows: Int32Array.of(76, 3),
}

describe('exports of a whole-archive search', () => {
  it('GeoJSON: one point per place, best first, with its score, exactness, file and row, and the query', () => {
    const query = exportQuery({ dataset: { url: 'http://x/set/', file: null, model: 'Clay v0', family: 'clay-v0', dims: 768, sourceModel: null }, link: null, positives: ['p'], negatives: [], areas: [], fileExamples: [], method: 'mean', mode: 'centred', threshold: null, lossFilter: null, resultCount: 1 })
    const json = JSON.parse(archiveGeoJson(places, 1, query))
    expect(json.query.positives).toEqual(['p'])
    expect(json.features).toEqual([
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [36.5, -0.75] },
        properties: { rank: 1, id: '37MBV_20220208_0077', score: Math.fround(0.9), exact: true, date: '2022-02-08', file: 'v02/37MBV/37MBV_20220208_20220208_v001.gpq', row: 76 },
      },
    ])
  })

  it('CSV: a header, one line per place; no cell a spreadsheet would run as a formula', () => {
    const lines = archiveCsv(places, 5).trimEnd().split('\n')
    expect(lines[0]).toBe('rank,id,score,exact,lon,lat,date,file,row')
    expect(lines).toHaveLength(3)
    expect(lines[2]).toBe(`2,"'=HYPERLINK(""x"")",0.5,false,-58.25,-4,,"v02/21MTS/a,b.gpq",3`)
  })
})
