// Ranked results as GeoParquet 1.1: one row per chip (chip_id, score, rank, date, source_url,
// geometry as WKB polygons), the `geo` metadata (version, primary column, encoding, geometry
// types, bbox; no `crs`, which means OGC:CRS84) and the search as `chipfinder:query` (JSON).
//
// Written a row group at a time (`chunkRows` chips each) through hyparquet-writer's
// ParquetWriter: after each row group the bytes so far go to `sink` (a Blob part, a file stream),
// and the next group waits for it, so the whole file is never held twice and the page can yield.
// hyparquet-writer is imported on first use: it stays out of the app's main chunk.

import type { ChipLookup } from '../chip-collection.ts'
import type { RankedRow } from '../export.ts'
import { roundScore } from '../export.ts'
import { APP_NAME, APP_VERSION } from '../app-info.ts'
import { polygonWkb } from './wkb-write.ts'
import type { Writer } from 'hyparquet-writer'

export const GEOPARQUET_QUERY_KEY = 'chipfinder:query'

export interface GeoParquetOptions {
  /** Chips per row group (and per piece handed to `sink`). */
  chunkRows?: number
  /** Called after each row group with the rows written so far. */
  progress?: (rowsDone: number) => void
  signal?: AbortSignal
}

/** An ISO date (yyyy-mm-dd) as days since 1970-01-01 (Parquet DATE); null when it isn't one. */
export function isoDateToDays(date: string | null): number | null {
  if (date === null || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null
  const ms = Date.parse(`${date}T00:00:00Z`)
  return Number.isFinite(ms) ? Math.round(ms / 86_400_000) : null
}

function growBBox(bbox: [number, number, number, number], ring: readonly (readonly [number, number])[]): void {
  for (const [x, y] of ring) {
    if (x < bbox[0]) bbox[0] = x
    if (y < bbox[1]) bbox[1] = y
    if (x > bbox[2]) bbox[2] = x
    if (y > bbox[3]) bbox[3] = y
  }
}

/** The `geo` key/value entry (GeoParquet 1.1). */
export function geoMetadata(bbox: [number, number, number, number] | null): string {
  const column: Record<string, unknown> = { encoding: 'WKB', geometry_types: ['Polygon'] }
  if (bbox) column['bbox'] = bbox
  return JSON.stringify({ version: '1.1.0', primary_column: 'geometry', columns: { geometry: column } })
}

/** Write the rows to `sink` as one GeoParquet file, piece by piece. */
export async function writeGeoParquet(
  chips: ChipLookup,
  rows: readonly RankedRow[],
  query: unknown,
  sink: (bytes: Uint8Array) => void | Promise<void>,
  options: GeoParquetOptions = {},
): Promise<void> {
  // hyparquet-writer 0.17 writes a file of no row groups that parquet-rs can't read (its empty
  // list's element type); the app offers no export of nothing, and this says so.
  if (rows.length === 0) throw new Error('There are no chips to export: lower the threshold, or widen the filter.')
  const { ByteWriter, ParquetWriter } = await import('hyparquet-writer')
  const chunkRows = Math.max(1, options.chunkRows ?? 5000)
  const writer: Writer & { index: number } = new ByteWriter()
  // After each row group: hand the bytes over and start the buffer again (`offset` keeps counting
  // the file's position, `index` is the buffer's).
  const drain = async () => {
    if (writer.index === 0) return
    const bytes = new Uint8Array(writer.buffer.slice(0, writer.index))
    writer.index = 0
    await sink(bytes)
  }
  let done = 0
  let pending: Promise<void> = Promise.resolve()
  writer.flush = () => {
    pending = pending.then(drain)
    return pending
  }
  const geo = { key: 'geo', value: geoMetadata(null) }
  const pq = new ParquetWriter({
    writer,
    schema: [
      { name: 'root', num_children: 6 },
      { name: 'chip_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'REQUIRED' },
      { name: 'score', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      { name: 'rank', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'date', type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' }, repetition_type: 'OPTIONAL' },
      { name: 'source_url', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' },
      { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' },
    ],
    kvMetadata: [geo, { key: GEOPARQUET_QUERY_KEY, value: JSON.stringify(query ?? null) }],
    createdBy: `${APP_NAME} ${APP_VERSION} (hyparquet-writer)`,
  })
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]
  for (let i = 0; i < rows.length; i += chunkRows) {
    if (options.signal?.aborted) throw new DOMException('The export was cancelled', 'AbortError')
    const part = rows.slice(i, i + chunkRows)
    const ids: string[] = []
    const scores: number[] = []
    const ranks: number[] = []
    const dates: (number | null)[] = []
    const urls: (string | null)[] = []
    const geoms: Uint8Array[] = []
    for (const { row, rank, score } of part) {
      const ring = chips.ring(row)
      growBBox(bbox, ring)
      ids.push(chips.id(row))
      scores.push(roundScore(score))
      ranks.push(rank)
      dates.push(isoDateToDays(chips.date(row)))
      urls.push(chips.sourceUrl(row))
      geoms.push(polygonWkb(ring))
    }
    await pq.write({
      columnData: [
        { name: 'chip_id', data: ids },
        { name: 'score', data: scores },
        { name: 'rank', data: ranks },
        { name: 'date', data: dates },
        { name: 'source_url', data: urls },
        { name: 'geometry', data: geoms },
      ],
      rowGroupSize: part.length,
    })
    done += part.length
    options.progress?.(done)
  }
  // The footer is written last, so the bbox of every row can go in it.
  geo.value = geoMetadata(bbox)
  await pq.finish()
  await pending
  await drain()
}
