// Ranked results as files a person can take away: GeoJSON and CSV, written in pieces (the
// GeoParquet writer is app/lib/export/geoparquet.ts).
// The GeoJSON also carries the areas drawn as examples, one Feature each after the chips (its
// properties say it is a query area and whether it was "more like this" or "not like this"), so
// the file shows what was searched for. The CSV stays one line per chip: a table of results, with
// no row that isn't a chip (the areas are in the GeoJSON and in the link).
// Strings come from the dataset (untrusted): CSV cells that a spreadsheet would run as a
// formula are defused, and everything is quoted per RFC 4180.

import type { ChipLookup } from './chip-collection.ts'
import type { DrawnArea } from './areas/area.ts'

export interface RankedRow {
  /** Row in the dataset. */
  row: number
  /** 1-based position in the full ranking. */
  rank: number
  score: number
}

/**
 * Rows at or above the threshold (and kept by the filter, if any), in rank order. `top` holds the
 * best rows in order (the search worker returns a top-K, not a full sort); when the list needs
 * more rows than it holds, the rows at or above the threshold are sorted here.
 */
export function rankedRows(
  top: Uint32Array,
  scores: Float32Array,
  threshold: number | null,
  limit = Infinity,
  keep: ((row: number) => boolean) | null = null,
): RankedRow[] {
  const out: RankedRow[] = []
  for (let r = 0; r < top.length && out.length < limit; r++) {
    const row = top[r]!
    const score = scores[row]!
    // The order is by descending score, so the first row below the threshold ends the list.
    if (threshold !== null && score < threshold) return out
    if (keep && !keep(row)) continue
    out.push({ row, rank: r + 1, score })
  }
  if (out.length >= limit || top.length >= scores.length) return out
  return rankedRows(orderAtOrAbove(scores, threshold), scores, threshold, limit, keep)
}

/** Rows scoring at or above the threshold (all when there is none), highest first, ties by row. */
export function orderAtOrAbove(scores: Float32Array, threshold: number | null): Uint32Array {
  let n = 0
  const rows = new Uint32Array(scores.length)
  for (let i = 0; i < scores.length; i++) if (threshold === null || scores[i]! >= threshold) rows[n++] = i
  return rows.subarray(0, n).sort((a, b) => scores[b]! - scores[a]! || a - b)
}

/** float32 scores carry ~7 significant digits; six decimals keep them all without noise. */
export function roundScore(s: number): number {
  return Math.round(s * 1e6) / 1e6
}

/** A drawn area as a GeoJSON Feature (closed ring, or a Point). */
export function areaFeature(area: DrawnArea): Record<string, unknown> {
  const geometry =
    area.shape === 'point' ? { type: 'Point', coordinates: area.ring[0] } : { type: 'Polygon', coordinates: [[...area.ring, area.ring[0]]] }
  return {
    type: 'Feature',
    geometry,
    properties: {
      kind: 'query_area',
      area_id: area.id,
      example: area.label,
      meaning: area.label === 'positive' ? 'more like this' : 'not like this',
      shape: area.shape,
      imagery_from: area.dates?.from ?? null,
      imagery_to: area.dates?.to ?? null,
      scene: area.scene ?? null,
    },
  }
}

export function toGeoJson(chips: ChipLookup, rows: readonly RankedRow[], query: unknown, areas: readonly DrawnArea[] = []): string {
  return [...geoJsonParts(chips, rows, query, areas)].join('')
}

/** One chip as a GeoJSON Feature. */
export function chipFeature(chips: ChipLookup, { row, rank, score }: RankedRow): Record<string, unknown> {
  return {
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [chips.ring(row)] },
    properties: {
      chip_id: chips.id(row),
      score: roundScore(score),
      rank,
      date: chips.date(row),
      source_url: chips.sourceUrl(row),
    },
  }
}

/**
 * The FeatureCollection as consecutive pieces of text, `chunkRows` chips each (plus the opening
 * and the closing with the areas): joined, they are one JSON document. A caller writes each
 * piece out (a Blob part, a file stream) and may yield between them; no giant string is built.
 */
export function* geoJsonParts(chips: ChipLookup, rows: readonly RankedRow[], query: unknown, areas: readonly DrawnArea[] = [], chunkRows = 2000): Generator<string> {
  yield `{"type":"FeatureCollection","query":${JSON.stringify(query ?? null)},"features":[`
  let first = true
  for (let i = 0; i < rows.length; i += chunkRows) {
    const part = rows.slice(i, i + chunkRows).map((r) => JSON.stringify(chipFeature(chips, r)))
    yield (first ? '' : ',') + part.join(',')
    first = false
  }
  const tail = areas.map((a) => JSON.stringify(areaFeature(a)))
  yield `${tail.length && !first ? ',' : ''}${tail.join(',')}]}`
}

export function csvCell(value: string | number | null): string {
  if (value === null) return ''
  if (typeof value === 'number') return String(value)
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused
}

export function ringToWkt(ring: readonly [number, number][]): string {
  return `POLYGON ((${ring.map(([x, y]) => `${x} ${y}`).join(', ')}))`
}

export const CSV_COLUMNS = ['chip_id', 'score', 'rank', 'date', 'source_url', 'footprint_wkt'] as const

export function toCsv(chips: ChipLookup, rows: readonly RankedRow[]): string {
  return [...csvParts(chips, rows)].join('')
}

/** The CSV as consecutive pieces of text: the header, then `chunkRows` lines each (CRLF ends every line). */
export function* csvParts(chips: ChipLookup, rows: readonly RankedRow[], chunkRows = 2000): Generator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`
  for (let i = 0; i < rows.length; i += chunkRows) {
    let text = ''
    for (const { row, rank, score } of rows.slice(i, i + chunkRows)) {
      text += `${[
        csvCell(chips.id(row)),
        csvCell(roundScore(score)),
        csvCell(rank),
        csvCell(chips.date(row)),
        csvCell(chips.sourceUrl(row)),
        csvCell(ringToWkt(chips.ring(row))),
      ].join(',')}\r\n`
    }
    yield text
  }
}
