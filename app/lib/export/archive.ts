// Exports of a whole-archive search: the places found, as points (most of them lie in files that
// were never loaded, so only their centres are known), with the score, whether it was checked
// exactly, the date and where each chip's embedding lives (file and row), and the query.

import type { ExportQuery } from './query.ts'

/** The fields of a whole-archive result an export needs (the search worker's answer has them). */
export interface ArchivePlaces {
  ids: readonly string[]
  scores: ArrayLike<number>
  exact: ArrayLike<number>
  lon: ArrayLike<number>
  lat: ArrayLike<number>
  dates: readonly (string | null)[]
  sources: readonly string[]
  rows: ArrayLike<number>
}

/** The first `n` places as a GeoJSON FeatureCollection of points, best first, with `query`. */
export function archiveGeoJson(places: ArchivePlaces, n: number, query: ExportQuery): string {
  const features = Array.from({ length: Math.min(n, places.ids.length) }, (_, i) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [places.lon[i], places.lat[i]] },
    properties: {
      rank: i + 1,
      id: places.ids[i],
      score: places.scores[i],
      exact: places.exact[i] === 1,
      date: places.dates[i],
      file: places.sources[i],
      row: places.rows[i],
    },
  }))
  return JSON.stringify({ type: 'FeatureCollection', query, features })
}

const CSV_HEADER = 'rank,id,score,exact,lon,lat,date,file,row'

/** A CSV field: quoted when it holds a comma, a quote or a line break; never a formula. */
function field(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** The first `n` places as CSV, best first. */
export function archiveCsv(places: ArchivePlaces, n: number): string {
  const lines = [CSV_HEADER]
  for (let i = 0; i < Math.min(n, places.ids.length); i++)
    lines.push(
      [String(i + 1), field(places.ids[i]!), String(places.scores[i]), places.exact[i] === 1 ? 'true' : 'false', String(places.lon[i]), String(places.lat[i]), places.dates[i] ?? '', field(places.sources[i]!), String(places.rows[i])].join(','),
    )
  return `${lines.join('\n')}\n`
}
