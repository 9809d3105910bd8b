// Test-only: one small file per producer layout in shared/DATA.md's table, written in memory the
// way each producer writes it (hyparquet-writer for pyarrow-style nested lists and key/value
// metadata; parquet-wasm from an Arrow table for Earth Index's fixed_size_list, so its
// ARROW:schema is the real thing). Each comes with the lon/lat footprints a reader must return.
// Imported by footer.test.ts and read-embeddings.layouts.test.ts only (app/lib/testing/: tests,
// bench/ and scripts/ only); never by the app.

import { geojsonToWkb, parquetWriteBuffer } from 'hyparquet-writer'
import type { SchemaElement } from 'hyparquet'
import * as arrow from 'apache-arrow'
import * as pw from 'parquet-wasm/node'
import proj4 from 'proj4'
import { mulberry32 } from '../../../scripts/lib/prng.mjs'

export interface LayoutFixture {
  name: string
  buffer: ArrayBuffer
  rows: number
  dims: number
  /** The footprint of each row as a closed lon/lat ring, flattened. */
  lonLat: number[][]
  /** The vector of each row (float32 values). */
  vectors: number[][]
}

const prng = mulberry32

export function vectors(rows: number, dims: number, seed: number): number[][] {
  const rand = prng(seed)
  return Array.from({ length: rows }, () => Array.from({ length: dims }, () => Math.fround(rand() * 2 - 1)))
}

/** A small square per row, on a grid from (lon0, lat0): closed ring [[lon, lat], …]. */
export function squares(rows: number, lon0: number, lat0: number, size = 0.02): [number, number][][] {
  return Array.from({ length: rows }, (_, i) => {
    const w = lon0 + (i % 5) * size * 1.5
    const s = lat0 + Math.floor(i / 5) * size * 1.5
    return [
      [w, s],
      [w + size, s],
      [w + size, s + size],
      [w, s + size],
      [w, s],
    ]
  })
}

function wkb(ring: [number, number][]): Uint8Array {
  return geojsonToWkb({ type: 'Polygon', coordinates: [ring] })
}

function bboxOf(rings: [number, number][][]): [number, number, number, number] {
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

function geoKv(column: Record<string, unknown>, version = '1.0.0'): { key: string; value: string } {
  return {
    key: 'geo',
    value: JSON.stringify({ version, primary_column: 'geometry', columns: { geometry: { encoding: 'WKB', geometry_types: ['Polygon'], ...column } } }),
  }
}

const listOf = (name: string, type: 'FLOAT' | 'DOUBLE' = 'FLOAT'): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type, repetition_type: 'OPTIONAL' },
]
const GEOMETRY: SchemaElement = { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }
const string = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' })
const timestamp = (name: string): SchemaElement => ({
  name,
  type: 'INT64',
  repetition_type: 'OPTIONAL',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
})

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

const flat = (rings: [number, number][][]): number[][] => rings.map((r) => r.flat())

/** Clay v1.5 NAIP: `embeddings` list<float> 1024, WKB, `"crs": null`, kv date/gsd/uri, snappy. */
export function clayV15Naip(): LayoutFixture {
  const rows = 6
  const dims = 1024
  const rings = squares(rows, -122.3, 37.7, 0.002)
  const vecs = vectors(rows, dims, 15)
  const buffer = parquetWriteBuffer({
    schema: [{ name: 'schema', num_children: 2 }, ...listOf('embeddings'), GEOMETRY],
    columnData: [
      { name: 'embeddings', data: vecs },
      { name: 'geometry', data: rings.map(wkb) },
    ],
    codec: 'SNAPPY',
    kvMetadata: [
      geoKv({ crs: null, bbox: bboxOf(rings) }),
      { key: 'date', value: '2022-06-10' },
      { key: 'gsd', value: '0.6' },
      { key: 'uri', value: 's3://naip-analytic/ca/2022/60cm/rgbir_cog/37122/m_3712201_ne_10_060_20220610.tif' },
    ],
  })
  return { name: 'm_3712201_ne_10_060_20220610.parquet', buffer, rows, dims, lonLat: flat(rings), vectors: vecs }
}

/**
 * The newer Clay schema (the producer's survey entry): a class identifier, source_url, date,
 * source_model, loss, loss_metric, source_creator, embeddings, geometry. Row 2 has no loss.
 * `nanRow`: that row's vector gets a NaN (a row the reader must skip).
 */
export function clayNewSchema(nanRow?: number): LayoutFixture {
  const rows = 5
  const dims = 1024
  const rings = squares(rows, 10.1, 45.2)
  const vecs = vectors(rows, dims, 16)
  if (nanRow !== undefined) (vecs[nanRow] as number[])[7] = NaN
  const buffer = parquetWriteBuffer({
    schema: [
      { name: 'schema', num_children: 9 },
      string('uci'),
      string('source_url'),
      { name: 'date', type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' }, repetition_type: 'OPTIONAL' },
      string('source_model'),
      { name: 'loss', type: 'FLOAT', repetition_type: 'OPTIONAL' },
      string('loss_metric'),
      string('source_creator'),
      ...listOf('embeddings'),
      GEOMETRY,
    ],
    columnData: [
      { name: 'uci', data: Array.from({ length: rows }, (_, i) => `s2:32TNR:2024-05-0${i + 1}:clay-v1.5:${i}`) },
      { name: 'source_url', data: Array.from({ length: rows }, (_, i) => `https://example.org/cog/${i}.tif`) },
      { name: 'date', data: Array.from({ length: rows }, (_, i) => new Date(Date.UTC(2024, 4, 1 + i))) },
      { name: 'source_model', data: Array(rows).fill('clay-v1.5') },
      { name: 'loss', data: [0.5, 0.25, null, 0.125, 2] },
      { name: 'loss_metric', data: Array(rows).fill('mse') },
      { name: 'source_creator', data: Array(rows).fill('chipfinder-tests') },
      { name: 'embeddings', data: vecs },
      { name: 'geometry', data: rings.map(wkb) },
    ],
    kvMetadata: [geoKv({ crs: null })],
  })
  return { name: 'clay-new-schema.parquet', buffer, rows, dims, lonLat: flat(rings), vectors: vecs }
}

/**
 * LGND Clay v1.5 (and monthly 256-d): `embedding`, WKB + a GeoParquet 1.1 `bbox` struct column
 * (covering declared, no bbox in `geo`), `chips_id`, `datetime`.
 */
export function lgnd(dims: 1024 | 256): LayoutFixture {
  const rows = 7
  const rings = squares(rows, 36.5, -1.3)
  const vecs = vectors(rows, dims, dims)
  const buffer = parquetWriteBuffer({
    schema: [
      { name: 'schema', num_children: 5 },
      string('chips_id'),
      timestamp('datetime'),
      ...listOf('embedding'),
      GEOMETRY,
      { name: 'bbox', repetition_type: 'OPTIONAL', num_children: 4 },
      { name: 'xmin', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      { name: 'ymin', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      { name: 'xmax', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      { name: 'ymax', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    ],
    columnData: [
      { name: 'chips_id', data: Array.from({ length: rows }, (_, i) => `37M_2024_05_${String(i).padStart(4, '0')}`) },
      { name: 'datetime', data: Array.from({ length: rows }, (_, i) => new Date(Date.UTC(2024, 4, 10 + (i % 2), 7, 30))) },
      { name: 'embedding', data: vecs },
      { name: 'geometry', data: rings.map(wkb) },
      {
        name: 'bbox',
        data: rings.map((r) => {
          const [xmin, ymin, xmax, ymax] = bboxOf([r])
          return { xmin, ymin, xmax, ymax }
        }),
      },
    ],
    kvMetadata: [
      geoKv(
        {
          crs: { type: 'GeographicCRS', name: 'WGS 84 (CRS84)', id: { authority: 'OGC', code: 'CRS84' } },
          covering: { bbox: { xmin: ['bbox', 'xmin'], ymin: ['bbox', 'ymin'], xmax: ['bbox', 'xmax'], ymax: ['bbox', 'ymax'] } },
        },
        '1.1.0',
      ),
    ],
  })
  return { name: `lgnd-${dims}.parquet`, buffer, rows, dims, lonLat: flat(rings), vectors: vecs }
}

/** Earth Index: `embedding` fixed_size_list<float>[384] written from Arrow (ARROW:schema), `id`, kv `emb`. */
export function earthIndex(): LayoutFixture {
  const rows = 4
  const dims = 384
  const rings = squares(rows, -60.1, -3.2)
  const vecs = vectors(rows, dims, 384)
  const values = Float32Array.from(vecs.flat())
  const listType = new arrow.FixedSizeList(dims, new arrow.Field('item', new arrow.Float32(), true))
  const child = arrow.makeData({ type: new arrow.Float32(), length: values.length, data: values })
  const embedding = arrow.makeVector(arrow.makeData({ type: listType, length: rows, child }))
  const geometry = arrow.vectorFromArray(rings.map(wkb), new arrow.Binary())
  const id = arrow.vectorFromArray(
    Array.from({ length: rows }, (_, i) => BigInt(1_000_000 + i)),
    new arrow.Int64(),
  )
  const table = new arrow.Table({ id, embedding, geometry })
  const ipc = arrow.tableToIPC(table, 'stream')
  const kv = geoKv({ crs: { type: 'GeographicCRS', name: 'WGS 84 (CRS84)', id: { authority: 'OGC', code: 'CRS84' } }, bbox: bboxOf(rings) })
  const props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setKeyValueMetadata(
      new Map([
        [kv.key, kv.value],
        ['emb', JSON.stringify({ model: 'SoftCon ViT-S/14', dims: 384, source: 'Earth Index v2 Sentinel-2 mosaics' })],
      ]),
    )
    .build()
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(ipc), props)
  return { name: '20LQR_2024-01-01_2025-01-01.parquet', buffer: toArrayBuffer(bytes), rows, dims, lonLat: flat(rings), vectors: vecs }
}

const R = 6378137
/** Spherical Web Mercator, written out (not proj4), so the test's reference is independent. */
export const toWebMercator = ([lon, lat]: [number, number]): [number, number] => [
  (R * lon * Math.PI) / 180,
  R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)),
]

/** Planet-style: `embedding` list<float>, footprints in EPSG:3857, `acquired` timestamps, cloud cover. */
export function planetWebMercator(): LayoutFixture {
  const rows = 6
  const dims = 48
  const rings = squares(rows, 2.3, 48.8, 0.01)
  const vecs = vectors(rows, dims, 3857)
  const buffer = parquetWriteBuffer({
    schema: [
      { name: 'schema', num_children: 4 },
      ...listOf('embedding'),
      GEOMETRY,
      timestamp('acquired'),
      { name: 'cloud_percent', type: 'INT32', repetition_type: 'OPTIONAL' },
    ],
    columnData: [
      { name: 'embedding', data: vecs },
      { name: 'geometry', data: rings.map((r) => wkb(r.map(toWebMercator))) },
      { name: 'acquired', data: Array.from({ length: rows }, () => new Date(Date.UTC(2023, 8, 14, 10, 2))) },
      { name: 'cloud_percent', data: [0, 3, 10, 0, 0, 55] },
    ],
    kvMetadata: [
      geoKv({
        crs: { type: 'ProjectedCRS', name: 'WGS 84 / Pseudo-Mercator', id: { authority: 'EPSG', code: 3857 } },
        bbox: bboxOf(rings.map((r) => r.map(toWebMercator))),
      }),
    ],
  })
  return { name: 'planet-3857.parquet', buffer, rows, dims, lonLat: flat(rings), vectors: vecs }
}

/** PROJJSON of WGS 84 / UTM zone `zone` north, written out in full without an id. */
export function utmProjjson(zone: number): Record<string, unknown> {
  return {
    $schema: 'https://proj.org/schemas/v0.7/projjson.schema.json',
    type: 'ProjectedCRS',
    name: `WGS 84 / UTM zone ${zone}N`,
    base_crs: {
      name: 'WGS 84',
      datum: {
        type: 'GeodeticReferenceFrame',
        name: 'World Geodetic System 1984',
        ellipsoid: { name: 'WGS 84', semi_major_axis: 6378137, inverse_flattening: 298.257223563 },
      },
      coordinate_system: {
        subtype: 'ellipsoidal',
        axis: [
          { name: 'Geodetic latitude', abbreviation: 'Lat', direction: 'north', unit: 'degree' },
          { name: 'Geodetic longitude', abbreviation: 'Lon', direction: 'east', unit: 'degree' },
        ],
      },
    },
    conversion: {
      name: `UTM zone ${zone}N`,
      method: { name: 'Transverse Mercator', id: { authority: 'EPSG', code: 9807 } },
      parameters: [
        { name: 'Latitude of natural origin', value: 0, unit: 'degree', id: { authority: 'EPSG', code: 8801 } },
        { name: 'Longitude of natural origin', value: zone * 6 - 183, unit: 'degree', id: { authority: 'EPSG', code: 8802 } },
        { name: 'Scale factor at natural origin', value: 0.9996, unit: 'unity', id: { authority: 'EPSG', code: 8805 } },
        { name: 'False easting', value: 500000, unit: 'metre', id: { authority: 'EPSG', code: 8806 } },
        { name: 'False northing', value: 0, unit: 'metre', id: { authority: 'EPSG', code: 8807 } },
      ],
    },
    coordinate_system: {
      subtype: 'Cartesian',
      axis: [
        { name: 'Easting', abbreviation: 'E', direction: 'east', unit: 'metre' },
        { name: 'Northing', abbreviation: 'N', direction: 'north', unit: 'metre' },
      ],
    },
  }
}

/**
 * Footprints in a UTM zone: `rings` (lon/lat, e.g. the real Clay v0 chips) projected to UTM 3N
 * and written with `crs` as given (a PROJJSON with or without id, or a string).
 */
export function utmZone(name: string, rings: [number, number][][], crs: unknown): LayoutFixture {
  const rows = rings.length
  const dims = 768
  const vecs = vectors(rows, dims, 32603)
  const toUtm = proj4('EPSG:4326', 'EPSG:32603')
  const projected = rings.map((r) => r.map((p) => toUtm.forward(p)))
  const buffer = parquetWriteBuffer({
    schema: [{ name: 'schema', num_children: 2 }, ...listOf('embeddings'), GEOMETRY],
    columnData: [
      { name: 'embeddings', data: vecs },
      { name: 'geometry', data: projected.map(wkb) },
    ],
    kvMetadata: [geoKv({ crs, bbox: bboxOf(projected) })],
  })
  return { name, buffer, rows, dims, lonLat: flat(rings), vectors: vecs }
}

/** Flattened patch-level (16×16×768 = 196,608) or group-level (6×16×16×768) rows, few of them. */
export function longRows(dims: 196_608 | 1_179_648, rows: number): LayoutFixture {
  const rings = squares(rows, -165.5, 65)
  const rand = prng(dims)
  const vecs = Array.from({ length: rows }, () => {
    const v = new Array<number>(dims)
    for (let i = 0; i < dims; i++) v[i] = Math.fround(rand() - 0.5)
    return v
  })
  const buffer = parquetWriteBuffer({
    schema: [{ name: 'schema', num_children: 2 }, ...listOf('embeddings'), GEOMETRY],
    columnData: [
      { name: 'embeddings', data: vecs },
      { name: 'geometry', data: rings.map(wkb) },
    ],
    kvMetadata: [geoKv({ crs: null })],
  })
  return { name: `long-${dims}.parquet`, buffer, rows, dims, lonLat: flat(rings), vectors: vecs }
}

/** A valid small file whose footer is larger than the 64 KB tail (a 100 KB key/value entry). */
export function bigFooter(): LayoutFixture {
  const rows = 3
  const dims = 8
  const rings = squares(rows, 0, 0)
  const vecs = vectors(rows, dims, 8)
  const buffer = parquetWriteBuffer({
    schema: [{ name: 'schema', num_children: 2 }, ...listOf('embeddings'), GEOMETRY],
    columnData: [
      { name: 'embeddings', data: vecs },
      { name: 'geometry', data: rings.map(wkb) },
    ],
    kvMetadata: [geoKv({ crs: null, bbox: bboxOf(rings) }), { key: 'notes', value: 'x'.repeat(100_000) }],
  })
  return { name: 'big-footer.parquet', buffer, rows, dims, lonLat: flat(rings), vectors: vecs }
}

/** The IPC bytes of an Arrow schema message, base64: what pyarrow stores as ARROW:schema. */
export function arrowSchemaBase64(schema: arrow.Schema): string {
  const table = new arrow.Table(schema)
  const ipc = arrow.tableToIPC(table, 'stream')
  const view = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength)
  const length = view.getInt32(4, true)
  let bin = ''
  for (const b of ipc.subarray(0, 8 + length)) bin += String.fromCharCode(b)
  return btoa(bin)
}
