// A decoded embeddings file (readEmbeddings' EmbeddingTable) as code rows: each kept chip's sign
// code against the index's μ, its id, row, footprint centroid and date. The builder calls this
// on every file, so the code a chip gets is the app's own decoder's vector coded by codes.ts.

import type { EmbeddingTable } from '../geoparquet/types.ts'
import { codeBytes, encodeSigns } from './codes.ts'
import { NO_DATE, packChipIds, type CodeRows } from './code-file.ts'

const DAY_MS = 86_400_000

/** Float64 sums of a file's kept vectors, dimension by dimension, rows in order (the means of the
 * builder's plan and merge, and of an index made in the browser, are made of these). */
export function columnSums(table: EmbeddingTable): Float64Array {
  const { dims, count } = table.summary
  const sum = new Float64Array(dims)
  const x = table.embeddings
  for (let i = 0; i < count; i++) for (let j = 0, r = i * dims; j < dims; j++) sum[j] = (sum[j] as number) + (x[r + j] as number)
  return sum
}

/** Days since 1970-01-01 of an ISO date (yyyy-mm-dd…), NO_DATE for null or an unreadable one. */
export function daysOf(iso: string | null): number {
  if (iso === null) return NO_DATE
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
  if (!m) return NO_DATE
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS)
}

/**
 * The centroid of ring i: the mean of its distinct vertices (a closed ring repeats its first
 * point, which would pull the mean towards that corner).
 */
export function ringCentroid(coords: Float64Array, starts: Uint32Array, i: number): [number, number] {
  const a = starts[i] as number
  let b = starts[i + 1] as number
  if (b - a > 1 && coords[2 * a] === coords[2 * (b - 1)] && coords[2 * a + 1] === coords[2 * (b - 1) + 1]) b--
  let x = 0
  let y = 0
  for (let v = a; v < b; v++) {
    x += coords[2 * v] as number
    y += coords[2 * v + 1] as number
  }
  const n = Math.max(1, b - a)
  return [x / n, y / n]
}

/** Every kept chip of `table` as code rows, `source` being the file's index in the header's sources. */
export function codeRowsFromTable(table: EmbeddingTable, mean: ArrayLike<number>, source: number): CodeRows {
  const { dims, count } = table.summary
  const bytes = codeBytes(dims)
  const codes = new Uint8Array(count * bytes)
  encodeSigns(table.embeddings, count, dims, mean, codes)
  const lon = new Float32Array(count)
  const lat = new Float32Array(count)
  const date = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    const [x, y] = ringCentroid(table.ringCoords, table.ringStarts, i)
    lon[i] = x
    lat[i] = y
    date[i] = daysOf(table.dates[i] ?? null)
  }
  return {
    count,
    codeBytes: bytes,
    codes,
    ids: packChipIds(table.ids),
    source: new Int32Array(count).fill(source),
    row: Int32Array.from(table.fileRows),
    lon,
    lat,
    date,
  }
}
