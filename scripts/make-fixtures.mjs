#!/usr/bin/env node
// Writes the small GeoParquet files the tests read: one good file with planted clusters and one
// file per way a file can be unusable. Deterministic (seeded PRNG, fixed created_by), so the
// same bytes come out every run; nothing here is committed, tests write into a temp folder.
//
//   node scripts/make-fixtures.mjs <outDir>
//
// hyparquet-writer writes nested LIST columns when given an explicit schema, and key/value
// metadata through `kvMetadata`, so these are real GeoParquet files (geo metadata + WKB).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { geojsonToWkb, parquetWriteBuffer } from 'hyparquet-writer'
import { mulberry32 } from './lib/prng.mjs'

export const DIMS = 16
export const ROWS = 30
export const CLUSTERS = 3

const prng = mulberry32

/** Row i belongs to cluster i % 3; vectors are a cluster centre plus small noise. */
function clusteredEmbeddings(rows, dims, seed) {
  const rand = prng(seed)
  const centres = []
  for (let c = 0; c < CLUSTERS; c++) centres.push(Array.from({ length: dims }, () => rand() * 2 - 1))
  const out = []
  for (let i = 0; i < rows; i++) {
    const centre = centres[i % CLUSTERS]
    // Round through float32 so the values in the file equal the values written here.
    out.push(centre.map((v) => Math.fround(v + (rand() - 0.5) * 0.1)))
  }
  return out
}

/** A 0.08° × 0.04° square per row on a 6-column grid, starting at lon -165.5, lat 65. */
function footprint(i) {
  const col = i % 6
  const row = Math.floor(i / 6)
  const w = -165.5 + col * 0.1
  const s = 65 + row * 0.05
  return [
    [w, s],
    [w + 0.08, s],
    [w + 0.08, s + 0.04],
    [w, s + 0.04],
    [w, s],
  ]
}

function bboxOf(rings) {
  let w = Infinity
  let s = Infinity
  let e = -Infinity
  let n = -Infinity
  for (const ring of rings) {
    for (const [x, y] of ring) {
      w = Math.min(w, x)
      s = Math.min(s, y)
      e = Math.max(e, x)
      n = Math.max(n, y)
    }
  }
  return [w, s, e, n]
}

const R = 6378137
const toMercator = ([lon, lat]) => [(R * lon * Math.PI) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))]

function geoKv({ crs, bbox }) {
  /** @type {Record<string, unknown>} */
  const column = { encoding: 'WKB', geometry_types: ['Polygon'] }
  if (crs !== undefined) column.crs = crs
  if (bbox) column.bbox = bbox
  return { key: 'geo', value: JSON.stringify({ version: '1.1.0', primary_column: 'geometry', columns: { geometry: column } }) }
}

const EMBEDDING_SCHEMA = [
  { name: 'embedding', repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' },
]
const GEOMETRY_SCHEMA = [{ name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }]
const ID_SCHEMA = [{ name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }]
const DATETIME_SCHEMA = [{ name: 'datetime', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' }]
const CLUSTER_SCHEMA = [{ name: 'cluster', type: 'INT32', repetition_type: 'OPTIONAL' }]

/**
 * One GeoParquet buffer; the flags pick its columns, `embeddings` sets its rows.
 * @param {{ embeddings: (number[] | null)[], embedding?: boolean, geometry?: boolean, id?: boolean, extras?: boolean, geo?: object | null, mercator?: boolean }} o
 */
function buildFile({ embeddings, geometry = true, id = true, extras = false, embedding = true, geo = {}, mercator = false }) {
  const rows = embeddings.length
  const rings = Array.from({ length: rows }, (_, i) => footprint(i))
  const coords = mercator ? rings.map((r) => r.map(toMercator)) : rings
  const schema = [{ name: 'root', num_children: 0 }]
  const columnData = []
  if (embedding) {
    schema.push(...EMBEDDING_SCHEMA)
    columnData.push({ name: 'embedding', data: embeddings })
  }
  if (geometry) {
    schema.push(...GEOMETRY_SCHEMA)
    columnData.push({ name: 'geometry', data: coords.map((ring) => geojsonToWkb({ type: 'Polygon', coordinates: [ring] })) })
  }
  if (id) {
    schema.push(...ID_SCHEMA)
    columnData.push({ name: 'id', data: Array.from({ length: rows }, (_, i) => `chip-${String(i).padStart(3, '0')}`) })
  }
  if (extras) {
    schema.push(...DATETIME_SCHEMA, ...CLUSTER_SCHEMA)
    // Noon UTC on two dates, so "date part in UTC" is what a reader must take.
    const days = [Date.UTC(2024, 6, 1, 12), Date.UTC(2024, 6, 15, 12)]
    columnData.push({ name: 'datetime', data: Array.from({ length: rows }, (_, i) => new Date(days[i % 2])) })
    columnData.push({ name: 'cluster', data: Array.from({ length: rows }, (_, i) => i % CLUSTERS) })
  }
  schema[0].num_children = columnData.length
  const kvMetadata = []
  if (geometry && geo !== null) kvMetadata.push(geoKv({ bbox: rows ? bboxOf(coords) : undefined, ...geo }))
  return parquetWriteBuffer({ schema, columnData, kvMetadata, createdBy: 'chipfinder make-fixtures' })
}

/**
 * Writes every fixture into outDir and returns their paths.
 * @param {string} outDir
 * @returns {Promise<string[]>}
 */
export async function writeFixtures(outDir) {
  mkdirSync(outDir, { recursive: true })
  const good = clusteredEmbeddings(ROWS, DIMS, 20240601)
  const withNaN = good.map((v, i) => (i === 4 || i === 17 ? v.map((x, j) => (j === 3 ? NaN : x)) : v))
  const allNaN = good.map((v, i) => v.map((x, j) => (j === i % DIMS ? NaN : x)))
  const ragged = good.map((v, i) => (i === 12 ? v.slice(0, 12) : v))

  /** @type {[string, ArrayBuffer | string | Uint8Array][]} */
  const files = [
    ['small-valid.parquet', buildFile({ embeddings: good, extras: true, geo: { crs: null } })],
    ['not-parquet.parquet', 'This is a text file pretending to be Parquet.\n'],
    ['empty.parquet', new Uint8Array(0)],
    ['no-embedding.parquet', buildFile({ embeddings: good, embedding: false })],
    ['ragged.parquet', buildFile({ embeddings: ragged })],
    // No bbox in its geo metadata: the reader has to compute one.
    ['some-nan.parquet', buildFile({ embeddings: withNaN, geo: { bbox: undefined } })],
    ['all-nan.parquet', buildFile({ embeddings: allNaN })],
    ['no-rows.parquet', buildFile({ embeddings: [] })],
    ['no-geometry.parquet', buildFile({ embeddings: good, geometry: false })],
    [
      'web-mercator.parquet',
      buildFile({
        embeddings: good,
        mercator: true,
        geo: { crs: { type: 'ProjectedCRS', name: 'WGS 84 / Pseudo-Mercator', id: { authority: 'EPSG', code: 3857 } } },
      }),
    ],
  ]
  const written = []
  for (const [name, content] of files) {
    const file = path.join(outDir, name)
    writeFileSync(file, content instanceof ArrayBuffer ? new Uint8Array(content) : content)
    written.push(file)
  }
  return written
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2]
  if (!outDir) {
    console.error('usage: node scripts/make-fixtures.mjs <outDir>')
    process.exit(2)
  }
  const written = await writeFixtures(path.resolve(outDir))
  for (const f of written) console.log(f)
}
