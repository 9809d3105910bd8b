#!/usr/bin/env node
// Writes synthetic embedding sets shaped like the published ones (docs: ../shared/DATA.md), for
// the tests' local object storage (e2e/support/data-server.mjs serves them as the `synthetic`
// bucket). Deterministic (seeded PRNG, fixed created_by: the same bytes every run) and
// idempotent (returns at once when outDir/manifest.json has this GENERATOR_VERSION and every file
// it lists has its size). Nothing here is committed.
//
//   node scripts/make-synthetic-sets.mjs <outDir> [--force]
//
// Key layout under outDir (= the bucket root):
//   catalog.json                     the sets, in the catalog format (app/lib/catalog/catalog.ts)
//   manifest.json                    every file and every planted chip (format below)
//   clay-v0-global/v02/<MGRS>/<MGRS>_<mindate>_<maxdate>_v001.gpq
//       Clay v0 (the real key layout is undocumented; this nesting is a plausible guess).
//       24 MGRS tiles at their real positions, 6 each around 03WVN (Alaska), 37MBU (Kenya),
//       31UFT (Netherlands/Belgium), 21MTS (Amazonas); chips on the tile's 21×21 grid of 5.12 km
//       UTM squares, a few dropped (cloud gaps). Tiles 03WWN and 37MBU have one file spanning two
//       dates, 31UFT and 21MTS two files (one per date). Columns exactly as the real file: `index`
//       int64, `source_url`, `date` date32, `embeddings` list<float>[768], `geometry` WKB; `geo`
//       1.0.0 with CRS84 PROJJSON and per-file bbox. ZSTD, like the real files.
//   clay-v1-5-s2/<MGRS>/<YYYY>/<scene>.parquet
//       Clay v1.5 Sentinel-2: 1024 dims in `embeddings`, 2.56 km chips (a 12×12 window of the
//       tile's 42×42 grid), `geo` with "crs": null, file-level key/value metadata `date`, `gsd`,
//       `uri`; the newer-schema columns `source_model`, `source_creator`, `loss` (float; high on
//       the planted "unusual" chips, very low on the planted "cloud" chips), `loss_metric` and a
//       class identifier string `class_id` (name guessed: the survey only says "a class
//       identifier string"). One chip has an oversized footprint, as the producer's bug makes
//       (manifest.anomalies). SNAPPY, like the real files (written with hyparquet-writer).
//   lgnd/gzd=<GZD>/year=<YYYY>/month=<MM>/part-0.parquet
//       LGND Clay v1.5 S2: `chips_id`, `datetime` timestamp[us, UTC], `embedding` (singular)
//       list<float>[1024], WKB `geometry` plus a `bbox` struct<xmin, ymin, xmax, ymax: double>
//       column named as the covering in `geo` 1.1.0 (no "crs" key: CRS84 by default). ZSTD.
//   earth-index/2024/<MGRS>/part-00<N>.parquet
//       Earth Index: `id`, `embedding` Arrow fixed_size_list<float>[384] (a Parquet LIST; the
//       fixed size lives in the ARROW:schema entry, as pyarrow writes it), unit-length vectors,
//       WKB `geometry` of 320 m chips, CRS84 PROJJSON, an `emb` key/value entry (JSON) describing
//       the model. part-000 GZIP, part-001 BROTLI (the codecs are arbitrary: to cover them).
//       Written with hyparquet-writer; the ARROW:schema entry is the one arrow-rs writes.
//   planet/2023/<quad>.parquet
//       Planet-like: `id`, `acquired` timestamp[ms, UTC], `cloud_percent` float,
//       `embedding` list<float>[256], WKB `geometry` in EPSG:3857 metres (`geo` crs = PROJJSON
//       with id EPSG:3857, bbox in metres). Written with hyparquet-writer (data page v2), SNAPPY.
//
// Writers and codecs: parquet-wasm (arrow-rs, data page v1 like pyarrow) writes every codec
// Parquet has from an Arrow table (ZSTD, SNAPPY, GZIP, BROTLI, LZ4_RAW), with key/value metadata
// through WriterPropertiesBuilder.setKeyValueMetadata, so ZSTD files like the real Clay v0 ones
// are possible: it writes Clay v0 and LGND. But that Map becomes a Rust HashMap, so with more
// than one entry the order (and the bytes) change from run to run: the sets with several entries
// (Clay v1.5, Earth Index) and planet go through hyparquet-writer (data page v2), which keeps the
// order and writes SNAPPY itself, GZIP and BROTLI through node:zlib; it can't write ZSTD here
// (Node 20's zlib has no zstd, hyparquet-compressors only decompresses). Dictionary encoding is
// off for the embedding leaf columns in parquet-wasm files: on random floats the writer falls
// back to PLAIN after a useless dictionary page, which costs 40 % more bytes (the real v0 file
// shows that fallback: 1.4× the raw float size).
//
// Clay v0 chip grid (read off the real 03WVN file, checked by make-synthetic-sets.test.ts): the
// Sentinel-2 tile's upper-left corner is the 100 km MGRS square's north-west corner snapped to
// the 60 m grid outwards (x down, y up: 400000, 7300000 → 399960, 7300020); the chips start half
// a 10 m pixel further out (x − 5, y + 5); chip NNNN sits at column (NNNN−1) mod 21, row
// floor((NNNN−1)/21) counted from the north, each 5120 m square, its ring written as shapely's
// box() does (SE, NE, NW, SW, SE) and reprojected UTM → lon/lat with proj4.
//
// Embeddings: a large shared mean vector plus a smaller deviation (raw cosine about 0.97 in Clay
// v0; after mean-centring about 0.2 between random chips), made of land-cover class, region and
// tile directions and noise; planted chips replace the class by a signature ("lake", "quarry",
// "cloud") shared across tiles and regions, so a search from one finds the others first.
//
// manifest.json:
// {
//   "generator": "chipfinder make-synthetic-sets", "version": <GENERATOR_VERSION>, "seed": n,
//   "catalog": "catalog.json", "totalBytes": n,
//   "sets": [{ "id", "title", "prefix": "<id>/", "layout": "clay-v0" | "parquet-prefix",
//              "dims", "embeddingColumn", "idColumn": string | null, "crs": "CRS84" | "EPSG:3857",
//              "files", "rows" }],
//   "files": [{ "key": "<path under outDir>", "size", "set", "mgrs": string | null,
//               "dates": ["YYYY-MM-DD"], "bbox": [w, s, e, n] (lon/lat, always), "rows", "dims",
//               "codec" }],
//   "planted": { "<set id>": { "<name>": { "kind": "cluster" | "outliers", "note",
//                "ids": [chip id…], "members": [{ "key", "row", "id" }] } } },
//   "anomalies": [{ "set", "kind": "oversized-footprint", "key", "row", "id", "note" }]
// }
// A chip id is what a reader can derive from the row: Clay v0 `<MGRS>_<YYYYMMDD>_<NNNN>` (from
// source_url), LGND `chips_id`, Earth Index and planet `id`; Clay v1.5 has no id column, so
// there it is `<key>#<row>`. "cluster" members are alike; "outliers" are each unlike anything.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import proj4 from 'proj4'
import * as pw from 'parquet-wasm/node'
import {
  Binary,
  DateDay,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int64,
  List,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  Utf8,
  makeData,
  tableToIPC,
} from 'apache-arrow'
import { parquetMetadata } from 'hyparquet'
import { geojsonToWkb, parquetWriteBuffer } from 'hyparquet-writer'
import { mulberry32 } from './lib/prng.mjs'

/** Bump whenever the output changes: a manifest with another version is regenerated. */
export const GENERATOR_VERSION = 1
export const SEED = 20240611
const CREATED_BY = 'chipfinder make-synthetic-sets'

/** Top-level entries of outDir this generator owns (removed before a fresh write). */
const OWNED = ['clay-v0-global', 'clay-v1-5-s2', 'lgnd', 'earth-index', 'planet', 'catalog.json', 'manifest.json']

// ---------------------------------------------------------------------------------------------
// Randomness

const prng = mulberry32

/** A PRNG seeded from the global seed and a name, so each part's numbers don't depend on order. */
function rng(name) {
  let h = SEED ^ 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  const rand = prng(h)
  let spare = null
  rand.gauss = () => {
    if (spare !== null) {
      const s = spare
      spare = null
      return s
    }
    let u = 0
    while (u === 0) u = rand()
    const v = rand()
    const r = Math.sqrt(-2 * Math.log(u))
    spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
  rand.int = (n) => Math.floor(rand() * n)
  return rand
}

// ---------------------------------------------------------------------------------------------
// Embedding spaces

/**
 * A space with a shared mean vector and heavy-tailed per-dimension scales, like Clay v0's (a few
 * dimensions carry most of the variance).
 */
function makeSpace(name, dims, { meanNorm, devLen, tail = 0.3 }) {
  const rand = rng(`space:${name}`)
  const scale = new Float64Array(dims)
  let ss = 0
  for (let i = 0; i < dims; i++) {
    scale[i] = Math.exp(0.75 * tail * rand.gauss())
    ss += scale[i] * scale[i]
  }
  for (let i = 0; i < dims; i++) scale[i] /= Math.sqrt(ss / dims)
  const mean = new Float64Array(dims)
  for (let i = 0; i < dims; i++) mean[i] = rand.gauss() * Math.exp(tail * rand.gauss())
  normalise(mean, meanNorm)
  const directions = new Map()
  /** A fixed random unit direction (class, region, signature…), the same for the same name. */
  const direction = (key) => {
    let v = directions.get(key)
    if (!v) {
      v = randomDirection(rng(`dir:${name}:${key}`), scale)
      directions.set(key, v)
    }
    return v
  }
  return { name, dims, mean, scale, devLen, direction, rand: rng(`chips:${name}`) }
}

function normalise(v, length = 1) {
  let ss = 0
  for (let i = 0; i < v.length; i++) ss += v[i] * v[i]
  const k = length / Math.sqrt(ss)
  for (let i = 0; i < v.length; i++) v[i] *= k
  return v
}

function randomDirection(rand, scale) {
  const v = new Float64Array(scale.length)
  for (let i = 0; i < v.length; i++) v[i] = rand.gauss() * scale[i]
  return normalise(v)
}

/**
 * One vector: mean + devLen · (Σ weight · direction + noise · fresh direction), written into
 * `out` at `offset` (float32).
 * @param {ReturnType<typeof makeSpace>} space
 * @param {[number, Float64Array][]} parts
 */
function embed(space, parts, { noise = 0.55, lengthScale = 1, jitter = 0.35, unit = false }, out, offset) {
  const { dims, mean, scale, rand } = space
  const len = space.devLen * lengthScale * Math.exp(jitter * rand.gauss())
  const fresh = randomDirection(rand, scale)
  const v = new Float64Array(dims)
  for (let i = 0; i < dims; i++) v[i] = noise * fresh[i]
  for (const [w, dir] of parts) for (let i = 0; i < dims; i++) v[i] += w * dir[i]
  for (let i = 0; i < dims; i++) v[i] = mean[i] + len * v[i]
  if (unit) normalise(v)
  for (let i = 0; i < dims; i++) out[offset + i] = v[i]
}

// ---------------------------------------------------------------------------------------------
// Geometry

const utmDefs = new Map()
function utm(zone, south) {
  const key = `${zone}${south ? 'S' : 'N'}`
  let def = utmDefs.get(key)
  if (!def) {
    def = proj4('EPSG:4326', `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`)
    utmDefs.set(key, def)
  }
  return def
}

/**
 * The Sentinel-2 tile of an MGRS 100 km square: its UTM projection and upper-left corner.
 * @param {string} mgrs e.g. "03WVN"
 */
export function tileFrame(mgrs) {
  const m = /^(\d{2})([C-X])([A-Z]{2})$/.exec(mgrs)
  if (!m) throw new Error(`not an MGRS tile: ${mgrs}`)
  const zone = Number(m[1])
  const south = (m[2] ?? 'N') < 'N'
  const proj = utm(zone, south)
  const [x, y] = proj.forward(proj4.mgrs.toPoint(mgrs))
  const swx = Math.round(x / 1e5) * 1e5
  const swy = Math.round(y / 1e5) * 1e5
  return { mgrs, zone, south, proj, ulx: Math.floor(swx / 60) * 60, uly: Math.ceil((swy + 1e5) / 60) * 60 }
}

/** A UTM square [x0, y0, x1, y1] as a lon/lat ring in shapely box() order: SE, NE, NW, SW, SE. */
function ringLonLat(proj, [x0, y0, x1, y1]) {
  return [
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
    [x1, y0],
  ].map((p) => proj.inverse(p))
}

/**
 * The UTM square of a chip on a tile's grid (col, row from the north-west corner).
 * @param {ReturnType<typeof tileFrame>} frame
 */
function chipSquare(frame, col, row, size) {
  const x0 = frame.ulx - 5 + col * size
  const y1 = frame.uly + 5 - row * size
  return [x0, y1 - size, x0 + size, y1]
}

/** Footprint of Clay v0 chip NNNN (1-based) of an MGRS tile, as a lon/lat ring. */
export function clayV0Footprint(mgrs, chip) {
  const frame = tileFrame(mgrs)
  return ringLonLat(frame.proj, chipSquare(frame, (chip - 1) % 21, Math.floor((chip - 1) / 21), 5120))
}

function polygonWkb(ring) {
  return geojsonToWkb({ type: 'Polygon', coordinates: [ring] })
}

function emptyBbox() {
  return [Infinity, Infinity, -Infinity, -Infinity]
}
function growBbox(b, ring) {
  for (const [x, y] of ring) {
    if (x < b[0]) b[0] = x
    if (y < b[1]) b[1] = y
    if (x > b[2]) b[2] = x
    if (y > b[3]) b[3] = y
  }
  return b
}

const R_MERC = 6378137
const toMercator = ([lon, lat]) => [(R_MERC * lon * Math.PI) / 180, R_MERC * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))]
const fromMercator = ([x, y]) => [(x / R_MERC) * (180 / Math.PI), (2 * Math.atan(Math.exp(y / R_MERC)) - Math.PI / 2) * (180 / Math.PI)]

/** Exactly the CRS84 PROJJSON of the real Clay v0 file (geopandas 0.14). */
const CRS84 = {
  $schema: 'https://proj.org/schemas/v0.7/projjson.schema.json',
  type: 'GeographicCRS',
  name: 'WGS 84 (CRS84)',
  datum_ensemble: {
    name: 'World Geodetic System 1984 ensemble',
    members: [
      { name: 'World Geodetic System 1984 (Transit)' },
      { name: 'World Geodetic System 1984 (G730)' },
      { name: 'World Geodetic System 1984 (G873)' },
      { name: 'World Geodetic System 1984 (G1150)' },
      { name: 'World Geodetic System 1984 (G1674)' },
      { name: 'World Geodetic System 1984 (G1762)' },
      { name: 'World Geodetic System 1984 (G2139)' },
    ],
    ellipsoid: { name: 'WGS 84', semi_major_axis: 6378137, inverse_flattening: 298.257223563 },
    accuracy: '2.0',
    id: { authority: 'EPSG', code: 6326 },
  },
  coordinate_system: {
    subtype: 'ellipsoidal',
    axis: [
      { name: 'Geodetic longitude', abbreviation: 'Lon', direction: 'east', unit: 'degree' },
      { name: 'Geodetic latitude', abbreviation: 'Lat', direction: 'north', unit: 'degree' },
    ],
  },
  scope: 'Not known.',
  area: 'World.',
  bbox: { south_latitude: -90, west_longitude: -180, north_latitude: 90, east_longitude: 180 },
  id: { authority: 'OGC', code: 'CRS84' },
}

const EPSG3857 = {
  $schema: 'https://proj.org/schemas/v0.7/projjson.schema.json',
  type: 'ProjectedCRS',
  name: 'WGS 84 / Pseudo-Mercator',
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
    id: { authority: 'EPSG', code: 4326 },
  },
  conversion: {
    name: 'Popular Visualisation Pseudo-Mercator',
    method: { name: 'Popular Visualisation Pseudo Mercator', id: { authority: 'EPSG', code: 1024 } },
    parameters: [
      { name: 'Latitude of natural origin', value: 0, unit: 'degree', id: { authority: 'EPSG', code: 8801 } },
      { name: 'Longitude of natural origin', value: 0, unit: 'degree', id: { authority: 'EPSG', code: 8802 } },
      { name: 'False easting', value: 0, unit: 'metre', id: { authority: 'EPSG', code: 8806 } },
      { name: 'False northing', value: 0, unit: 'metre', id: { authority: 'EPSG', code: 8807 } },
    ],
  },
  coordinate_system: {
    subtype: 'Cartesian',
    axis: [
      { name: 'Easting', abbreviation: 'X', direction: 'east', unit: 'metre' },
      { name: 'Northing', abbreviation: 'Y', direction: 'north', unit: 'metre' },
    ],
  },
  id: { authority: 'EPSG', code: 3857 },
}

function geoMetadata({ version, crs, bbox, covering }) {
  /** @type {Record<string, unknown>} */
  const column = { encoding: 'WKB' }
  if (crs !== undefined) column.crs = crs
  column.geometry_types = ['Polygon']
  column.bbox = bbox
  if (covering) column.covering = covering
  return JSON.stringify({
    primary_column: 'geometry',
    columns: { geometry: column },
    version,
    creator: { library: CREATED_BY, version: String(GENERATOR_VERSION) },
  })
}

// ---------------------------------------------------------------------------------------------
// Arrow columns → Parquet (parquet-wasm)

const FLOAT_ITEM = () => new Field('element', new Float32(), true)

const col = {
  int64: (values) => makeData({ type: new Int64(), length: values.length, data: BigInt64Array.from(values, BigInt) }),
  float32: (values) => makeData({ type: new Float32(), length: values.length, data: Float32Array.from(values) }),
  float64: (values) => makeData({ type: new Float64(), length: values.length, data: Float64Array.from(values) }),
  /** days since 1970-01-01 */
  date32: (days) => makeData({ type: new DateDay(), length: days.length, data: Int32Array.from(days) }),
  /** microseconds since the epoch, UTC */
  timestampUs: (micros) => makeData({ type: new TimestampMicrosecond('UTC'), length: micros.length, data: BigInt64Array.from(micros, BigInt) }),
  utf8: (strings) => {
    const bytes = strings.map((s) => new TextEncoder().encode(s))
    return variableBinary(new Utf8(), bytes)
  },
  binary: (blobs) => variableBinary(new Binary(), blobs),
  list: (flat, dims) => {
    const rows = flat.length / dims
    return makeData({
      type: new List(FLOAT_ITEM()),
      length: rows,
      valueOffsets: Int32Array.from({ length: rows + 1 }, (_, i) => i * dims),
      child: makeData({ type: new Float32(), length: flat.length, data: flat }),
    })
  },
  fixedList: (flat, dims) =>
    makeData({
      type: new FixedSizeList(dims, FLOAT_ITEM()),
      length: flat.length / dims,
      child: makeData({ type: new Float32(), length: flat.length, data: flat }),
    }),
  struct: (children) =>
    makeData({
      type: new Struct(children.map(([name, data]) => new Field(name, data.type, true))),
      length: children[0]?.[1].length ?? 0,
      children: children.map(([, data]) => data),
    }),
}

function variableBinary(type, blobs) {
  const offsets = new Int32Array(blobs.length + 1)
  for (let i = 0; i < blobs.length; i++) offsets[i + 1] = offsets[i] + blobs[i].length
  const data = new Uint8Array(offsets[blobs.length])
  for (let i = 0; i < blobs.length; i++) data.set(blobs[i], offsets[i])
  return makeData({ type, length: blobs.length, valueOffsets: offsets, data })
}

/**
 * @param {[string, import('apache-arrow').Data][]} columns
 * @param {{ codec: keyof typeof pw.Compression, kv: Record<string, string>, noDictionary?: string[] }} o noDictionary: top-level columns written without a dictionary
 * @returns {Uint8Array}
 */
function writeArrowParquet(columns, { codec, kv, noDictionary = [] }) {
  const schema = new Schema(columns.map(([name, data]) => new Field(name, data.type, true)))
  const length = columns[0]?.[1].length ?? 0
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, children: columns.map(([, data]) => data) }))
  const table = pw.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream'))
  // Per-column settings take one path element, so they can't reach a list's leaf column: turn
  // dictionaries off for all, then back on for the flat columns.
  let props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression[codec])
    .setCreatedBy(CREATED_BY)
    .setKeyValueMetadata(new Map(Object.entries(kv)))
    .setDictionaryEnabled(false)
  for (const [name] of columns) if (!noDictionary.includes(name)) props = props.setColumnDictionaryEnabled(name, true)
  return pw.writeParquet(table, props.build())
}

// Parquet through hyparquet-writer: data page v2, key/value metadata kept in the order given.
// (parquet-wasm takes key/value metadata as a Map that becomes a Rust HashMap: with more than one
// entry their order, and so the bytes, change from run to run. Files with several entries are
// written here instead.)

const pq = {
  string: (name) => [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' }],
  float: (name) => [{ name, type: 'FLOAT', repetition_type: 'OPTIONAL' }],
  binary: (name) => [{ name, type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }],
  timestampMillis: (name) => [
    { name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }, repetition_type: 'OPTIONAL' },
  ],
  /** A 3-level LIST of optional floats, as pyarrow writes list<float>. */
  floatList: (name) => [
    { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' },
  ],
}

const HYPARQUET_COMPRESSORS = {
  GZIP: (bytes) => gzipSync(bytes),
  // Quality 5: the default (11) takes seconds and saves nothing on floats.
  BROTLI: (bytes) => brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } }),
}

/** Rows of a flat float32 array, as the plain arrays hyparquet-writer takes. */
function rowsOfFlat(flat, dims) {
  return Array.from({ length: flat.length / dims }, (_, i) => Array.from(flat.subarray(i * dims, (i + 1) * dims)))
}

/**
 * @param {[object[], unknown[]][]} columns schema elements (pq.*) and the column's values
 * @param {{ codec: 'SNAPPY' | 'GZIP' | 'BROTLI', kv: [string, string][] }} o
 * @returns {Uint8Array}
 */
function writeHyparquet(columns, { codec, kv }) {
  const schema = [{ name: 'schema', num_children: columns.length }, ...columns.flatMap(([elements]) => elements)]
  const buffer = parquetWriteBuffer({
    schema,
    columnData: columns.map(([elements, data]) => ({ name: elements[0].name, data })),
    codec,
    compressors: HYPARQUET_COMPRESSORS,
    kvMetadata: kv.map(([key, value]) => ({ key, value })),
    createdBy: CREATED_BY,
  })
  return new Uint8Array(buffer)
}

/**
 * The ARROW:schema entry arrow-rs (and pyarrow) write for these Arrow columns: it tells an Arrow
 * reader the types Parquet can't say, such as fixed_size_list. Taken from a one-row parquet-wasm
 * file with no other metadata, so it is exactly what arrow-rs expects.
 * @param {[string, import('apache-arrow').Data][]} columns
 */
function arrowSchemaEntry(columns) {
  const bytes = writeArrowParquet(columns.map(([name, data]) => [name, data.slice(0, 1)]), { codec: 'UNCOMPRESSED', kv: {} })
  const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), { geoparquet: false })
  const entry = meta.key_value_metadata?.find((e) => e.key === 'ARROW:schema')?.value
  if (!entry) throw new Error('parquet-wasm wrote no ARROW:schema')
  return entry
}

// ---------------------------------------------------------------------------------------------
// Land cover: a smooth random field per tile picks each chip's class

/** @param {Record<string, number>} priors */
function classField(name, priors) {
  const rand = rng(`field:${name}`)
  const classes = Object.keys(priors)
  const waves = classes.map(() =>
    Array.from({ length: 3 }, () => ({ a: (rand() - 0.5) * 1.2, b: (rand() - 0.5) * 1.2, phase: rand() * 2 * Math.PI })),
  )
  return (col, row) => {
    let best = classes[0]
    let bestScore = -Infinity
    classes.forEach((c, i) => {
      let f = 0
      for (const w of waves[i]) f += Math.sin(w.a * col + w.b * row + w.phase)
      const score = Math.log(priors[c]) + 0.8 * f
      if (score > bestScore) {
        bestScore = score
        best = c
      }
    })
    return best
  }
}

const day = (iso) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000
const compact = (iso) => iso.replaceAll('-', '')

// ---------------------------------------------------------------------------------------------
// The sets

const CLAY_V0_REGIONS = [
  {
    id: 'alaska',
    tiles: ['03WVN', '03WWN', '03WVP', '03WWP', '03WVM', '03WWM'],
    date: '2022-07-14',
    classes: { tundra: 0.5, shrub: 0.25, water: 0.15, snow: 0.1 },
  },
  {
    id: 'kenya',
    tiles: ['37MBU', '37MCU', '37MBV', '37MCV', '37MBT', '37MCT'],
    date: '2022-02-08',
    classes: { savanna: 0.45, cropland: 0.3, urban: 0.1, forest: 0.15 },
  },
  {
    id: 'europe',
    tiles: ['31UET', '31UFT', '31UEU', '31UFU', '31UES', '31UFS'],
    date: '2022-06-18',
    classes: { cropland: 0.5, urban: 0.2, forest: 0.2, water: 0.1 },
  },
  {
    id: 'brazil',
    tiles: ['21MTS', '21MUS', '21MTR', '21MUR', '21MTT', '21MUT'],
    date: '2022-08-05',
    classes: { forest: 0.7, pasture: 0.2, water: 0.1 },
  },
]
/** Tiles with a second date: in the same file (spanning) or in a second file. */
const SECOND_DATES = {
  '03WWN': { date: '2022-08-09', spanning: true },
  '37MBU': { date: '2022-03-01', spanning: true },
  '31UFT': { date: '2022-09-03', spanning: false },
  '21MTS': { date: '2022-09-20', spanning: false },
}
/** Planted chip locations per tile: how many chips of each signature. */
const CLAY_V0_PLANTS = {
  lake: { '03WVN': 2, '03WWP': 1, '03WVM': 1, '37MBV': 2, '37MCT': 1, '31UFT': 1, '31UEU': 1, '21MTS': 1, '21MUR': 2 },
  quarry: { '31UES': 2, '31UFS': 1, '31UFU': 1, '37MCU': 2, '21MUS': 2 },
}
const PLANT_NOTES = {
  lake: 'a shared "lake" signature planted in chips of several tiles and regions; any member ranks the others first',
  quarry: 'a shared "quarry" signature planted in chips of several tiles and regions',
  cloud: 'a shared "cloud" signature, with a very low loss',
  unusual: 'each an independent unusual direction, with a high loss',
}

function newPlanted() {
  return {}
}
function plant(planted, set, name, kind, member) {
  planted[set] ??= {}
  planted[set][name] ??= { kind, note: PLANT_NOTES[name], ids: [], members: [] }
  planted[set][name].ids.push(member.id)
  planted[set][name].members.push(member)
}

function clayV0(ctx) {
  const set = 'clay-v0-global'
  const dims = 768
  // Heavy tails like the real v0 vectors (a few dimensions carry most of the mean and variance).
  const space = makeSpace(set, dims, { meanNorm: 1.8, devLen: 0.34, tail: 1.2 })
  // Planted locations: tile → chip → signature.
  const plants = new Map()
  const prand = rng('clay-v0:plants')
  for (const [name, perTile] of Object.entries(CLAY_V0_PLANTS)) {
    for (const [tile, count] of Object.entries(perTile)) {
      const chips = plants.get(tile) ?? new Map()
      plants.set(tile, chips)
      for (let i = 0; i < count; i++) {
        let chip
        do chip = 1 + prand.int(441)
        while (chips.has(chip) || (tile === '03WVN' && chip === 1))
        chips.set(chip, name)
      }
    }
  }
  for (const region of CLAY_V0_REGIONS) {
    for (const tile of region.tiles) {
      const frame = tileFrame(tile)
      const field = classField(`${set}:${tile}`, region.classes)
      const tilePlants = plants.get(tile) ?? new Map()
      const second = SECOND_DATES[tile]
      const dates = second ? [region.date, second.date] : [region.date]
      const files = second && !second.spanning ? dates.map((d) => [d]) : [dates]
      // Footprints and classes are per location; kept chips per date (clouds differ by date).
      const rings = Array.from({ length: 441 }, (_, i) => ringLonLat(frame.proj, chipSquare(frame, i % 21, Math.floor(i / 21), 5120)))
      const kept = new Map(dates.map((d) => [d, keptChips(`${tile}:${d}`, tilePlants, tile === '03WVN')]))
      for (const fileDates of files) {
        const rows = fileDates.flatMap((d) => (kept.get(d) ?? []).map((chip) => ({ date: d, chip })))
        const key = `${set}/v02/${tile}/${tile}_${compact(fileDates[0])}_${compact(fileDates.at(-1))}_v001.gpq`
        const flat = new Float32Array(rows.length * dims)
        const bbox = emptyBbox()
        const wkb = []
        rows.forEach(({ date, chip }, r) => {
          const ring = rings[chip - 1]
          growBbox(bbox, ring)
          wkb.push(polygonWkb(ring))
          const signature = tilePlants.get(chip)
          const id = `${tile}_${compact(date)}_${String(chip).padStart(4, '0')}`
          if (signature) {
            plant(ctx.planted, set, signature, 'cluster', { key, row: r, id })
            embed(space, [[0.88, space.direction(`sig:${signature}`)], [0.2, space.direction(`region:${region.id}`)]], { noise: 0.42, lengthScale: 1.3, jitter: 0.1 }, flat, r * dims)
          } else {
            const cls = field((chip - 1) % 21, Math.floor((chip - 1) / 21))
            embed(
              space,
              [
                [0.7, space.direction(`class:${cls}`)],
                [0.3, space.direction(`region:${region.id}`)],
                [0.25, space.direction(`tile:${tile}`)],
              ],
              {},
              flat,
              r * dims,
            )
          }
        })
        const bytes = writeArrowParquet(
          [
            ['index', col.int64(rows.map((_, i) => i))],
            ['source_url', col.utf8(rows.map(({ date, chip }) => `s3://clay-tiles-02/02/${tile}/${date}/claytile_${tile}_${compact(date)}_v02_${String(chip).padStart(4, '0')}.tif`))],
            ['date', col.date32(rows.map(({ date }) => day(date)))],
            ['embeddings', col.list(flat, dims)],
            ['geometry', col.binary(wkb)],
          ],
          {
            codec: 'ZSTD',
            kv: { geo: geoMetadata({ version: '1.0.0', crs: CRS84, bbox }) },
            noDictionary: ['embeddings'],
          },
        )
        ctx.add({ key, bytes, set, mgrs: tile, dates: fileDates, bbox, rows: rows.length, dims, codec: 'ZSTD' })
      }
    }
  }
  return { id: set, dims, embeddingColumn: 'embeddings', idColumn: 'source_url', crs: 'CRS84', layout: 'clay-v0' }
}

/** Chip numbers (1-based, ascending) that survive the clouds of one tile and date. */
function keptChips(name, keep, keepFirst) {
  const rand = rng(`clouds:${name}`)
  const dropped = new Set()
  for (let chip = 1; chip <= 441; chip++) if (rand() < 0.03) dropped.add(chip)
  if (rand() < 0.6) {
    // A cloud: a blob of chips around a random centre.
    const cc = rand() * 21
    const cr = rand() * 21
    const radius = 1 + rand() * 1.5
    for (let chip = 1; chip <= 441; chip++) {
      const c = (chip - 1) % 21
      const r = Math.floor((chip - 1) / 21)
      if (Math.hypot(c + 0.5 - cc, r + 0.5 - cr) < radius) dropped.add(chip)
    }
  }
  for (const chip of keep.keys()) dropped.delete(chip)
  if (keepFirst) dropped.delete(1)
  return Array.from({ length: 441 }, (_, i) => i + 1).filter((chip) => !dropped.has(chip))
}

/** Chips of a window of a tile's 2.56 km grid (42×42), as { col, row, ring } in lon/lat. */
function windowChips(tile, size, c0, r0, cols, rows) {
  const frame = tileFrame(tile)
  const out = []
  for (let r = r0; r < r0 + rows; r++) for (let c = c0; c < c0 + cols; c++) out.push({ col: c, row: r, ring: ringLonLat(frame.proj, chipSquare(frame, c, r, size)) })
  return out
}

function clayV15(ctx) {
  const set = 'clay-v1-5-s2'
  const dims = 1024
  const space = makeSpace(set, dims, { meanNorm: 1.2, devLen: 0.4 })
  const scenes = [
    { tile: '37MBU', date: '2024-01-15', sat: 'S2B', region: 'kenya' },
    { tile: '37MBU', date: '2024-02-04', sat: 'S2A', region: 'kenya' },
    { tile: '31UFT', date: '2024-06-20', sat: 'S2A', region: 'europe' },
    { tile: '31UET', date: '2024-06-20', sat: 'S2A', region: 'europe' },
  ]
  // Planted rows per scene index: row → name.
  const plantRows = [
    new Map([[17, 'lake'], [50, 'cloud'], [51, 'cloud'], [90, 'unusual']]),
    new Map([[17, 'lake'], [120, 'cloud'], [33, 'unusual']]),
    new Map([[60, 'lake'], [61, 'lake'], [100, 'cloud'], [8, 'unusual']]),
    new Map([[77, 'lake'], [140, 'cloud'], [101, 'unusual']]),
  ]
  const oversized = { scene: 3, row: 42 }
  const rand = rng(`${set}:loss`)
  scenes.forEach((scene, s) => {
    const region = CLAY_V0_REGIONS.find((r) => r.id === scene.region)
    const field = classField(`${set}:${scene.tile}`, region.classes)
    const chips = windowChips(scene.tile, 2560, 14, 14, 12, 12)
    const name = `${scene.sat}_${scene.tile}_${compact(scene.date)}_0_L2A`
    const key = `${set}/${scene.tile}/${scene.date.slice(0, 4)}/${name}.parquet`
    const flat = new Float32Array(chips.length * dims)
    const bbox = emptyBbox()
    const wkb = []
    const loss = []
    const classIds = []
    chips.forEach(({ col: c, row, ring }, r) => {
      let geometry = ring
      if (s === oversized.scene && r === oversized.row) {
        // The producer's bug: a footprint ten times too large, centred on the chip.
        const frame = tileFrame(scene.tile)
        const [x0, y0, x1, y1] = chipSquare(frame, c, row, 2560)
        const cx = (x0 + x1) / 2
        const cy = (y0 + y1) / 2
        geometry = ringLonLat(frame.proj, [cx - 12800, cy - 12800, cx + 12800, cy + 12800])
        ctx.anomalies.push({ set, kind: 'oversized-footprint', key, row: r, id: `${key}#${r}`, note: 'a 25.6 km footprint on a 2.56 km chip, as the producer\'s bug makes' })
      }
      growBbox(bbox, geometry)
      wkb.push(polygonWkb(geometry))
      const planted = plantRows[s]?.get(r)
      const id = `${key}#${r}`
      if (planted === 'lake' || planted === 'cloud') {
        plant(ctx.planted, set, planted, 'cluster', { key, row: r, id })
        embed(space, [[0.9, space.direction(`sig:${planted}`)]], { noise: 0.4, lengthScale: 1.3, jitter: 0.1 }, flat, r * dims)
        loss.push(planted === 'cloud' ? 0.005 + 0.015 * rand() : 0.15 + 0.1 * rand())
        classIds.push(planted === 'cloud' ? 'cloud' : 'water')
      } else if (planted === 'unusual') {
        plant(ctx.planted, set, planted, 'outliers', { key, row: r, id })
        embed(space, [[0.95, space.direction(`unusual:${s}:${r}`)]], { noise: 0.3, lengthScale: 2 }, flat, r * dims)
        loss.push(1.6 + 1.4 * rand())
        classIds.push('unknown')
      } else {
        const cls = field(c, row)
        embed(space, [[0.7, space.direction(`class:${cls}`)], [0.3, space.direction(`region:${scene.region}`)], [0.25, space.direction(`tile:${scene.tile}`)]], {}, flat, r * dims)
        loss.push(0.2 + 0.2 * rand())
        classIds.push(cls)
      }
    })
    const bytes = writeHyparquet(
      [
        [pq.floatList('embeddings'), rowsOfFlat(flat, dims)],
        [pq.binary('geometry'), wkb],
        [pq.string('source_model'), chips.map(() => 'clay-v1.5')],
        [pq.string('source_creator'), chips.map(() => 'chipfinder synthetic')],
        [pq.float('loss'), loss.map(Math.fround)],
        [pq.string('loss_metric'), chips.map(() => 'mse')],
        [pq.string('class_id'), classIds],
      ],
      {
        codec: 'SNAPPY',
        kv: [
          ['geo', geoMetadata({ version: '1.0.0', crs: null, bbox })],
          ['date', scene.date],
          ['gsd', '10.0'],
          ['uri', `s3://sentinel-cogs/sentinel-s2-l2a-cogs/${Number(scene.tile.slice(0, 2))}/${scene.tile[2]}/${scene.tile.slice(3)}/${scene.date.slice(0, 4)}/${Number(scene.date.slice(5, 7))}/${name}/`],
        ],
      },
    )
    ctx.add({ key, bytes, set, mgrs: scene.tile, dates: [scene.date], bbox, rows: chips.length, dims, codec: 'SNAPPY' })
  })
  return { id: set, dims, embeddingColumn: 'embeddings', idColumn: null, crs: 'CRS84', layout: 'parquet-prefix' }
}

function lgnd(ctx) {
  const set = 'lgnd'
  const dims = 1024
  const space = makeSpace(set, dims, { meanNorm: 1.0, devLen: 0.45 })
  const parts = [
    { tile: '37MBU', datetime: '2024-01-15T07:57:12Z', region: 'kenya', lakes: [23, 24] },
    { tile: '37MBU', datetime: '2024-02-04T07:57:09Z', region: 'kenya', lakes: [] },
    { tile: '31UFT', datetime: '2024-06-20T10:56:21Z', region: 'europe', lakes: [55, 56] },
    { tile: '21MTS', datetime: '2024-08-02T14:27:31Z', region: 'brazil', lakes: [70, 81] },
  ]
  for (const part of parts) {
    const region = CLAY_V0_REGIONS.find((r) => r.id === part.region)
    const field = classField(`${set}:${part.tile}`, region.classes)
    const chips = windowChips(part.tile, 2560, 20, 6, 10, 10)
    const date = part.datetime.slice(0, 10)
    const key = `${set}/gzd=${part.tile.slice(0, 3)}/year=${date.slice(0, 4)}/month=${date.slice(5, 7)}/part-0.parquet`
    const flat = new Float32Array(chips.length * dims)
    const bbox = emptyBbox()
    const ids = chips.map(({ col: c, row }) => `${part.tile}_${compact(date)}_${String(row).padStart(2, '0')}_${String(c).padStart(2, '0')}`)
    const boxes = []
    chips.forEach(({ col: c, row, ring }, r) => {
      growBbox(bbox, ring)
      boxes.push(growBbox(emptyBbox(), ring))
      if (part.lakes.includes(r)) {
        plant(ctx.planted, set, 'lake', 'cluster', { key, row: r, id: ids[r] })
        embed(space, [[0.9, space.direction('sig:lake')]], { noise: 0.4, lengthScale: 1.3, jitter: 0.1 }, flat, r * dims)
      } else {
        embed(space, [[0.7, space.direction(`class:${field(c, row)}`)], [0.3, space.direction(`region:${part.region}`)]], {}, flat, r * dims)
      }
    })
    const micros = BigInt(Date.parse(part.datetime)) * 1000n
    const bytes = writeArrowParquet(
      [
        ['chips_id', col.utf8(ids)],
        ['datetime', col.timestampUs(chips.map(() => micros))],
        ['embedding', col.list(flat, dims)],
        ['geometry', col.binary(chips.map(({ ring }) => polygonWkb(ring)))],
        [
          'bbox',
          col.struct([
            ['xmin', col.float64(boxes.map((b) => b[0]))],
            ['ymin', col.float64(boxes.map((b) => b[1]))],
            ['xmax', col.float64(boxes.map((b) => b[2]))],
            ['ymax', col.float64(boxes.map((b) => b[3]))],
          ]),
        ],
      ],
      {
        codec: 'ZSTD',
        kv: {
          geo: geoMetadata({
            version: '1.1.0',
            bbox,
            covering: { bbox: { xmin: ['bbox', 'xmin'], ymin: ['bbox', 'ymin'], xmax: ['bbox', 'xmax'], ymax: ['bbox', 'ymax'] } },
          }),
        },
        noDictionary: ['embedding'],
      },
    )
    ctx.add({ key, bytes, set, mgrs: part.tile, dates: [date], bbox, rows: chips.length, dims, codec: 'ZSTD' })
  }
  return { id: set, dims, embeddingColumn: 'embedding', idColumn: 'chips_id', crs: 'CRS84', layout: 'parquet-prefix' }
}

const EMB_METADATA = JSON.stringify({
  model: 'earth-index-synthetic',
  description: 'Synthetic stand-in for Earth Genome\'s Earth Index embeddings (chipfinder tests)',
  dims: 384,
  dtype: 'float32',
  normalized: true,
  input: { collection: 'sentinel-2-l2a', gsd: 10, chip_px: 32 },
})

function earthIndex(ctx) {
  const set = 'earth-index'
  const dims = 384
  const space = makeSpace(set, dims, { meanNorm: 1.0, devLen: 0.6 })
  const tile = '37MBU'
  const frame = tileFrame(tile)
  const field = classField(`${set}:${tile}`, CLAY_V0_REGIONS[1].classes)
  const files = [
    { c0: 150, r0: 150, codec: 'GZIP', lakes: [[3, 4], [3, 5], [4, 4]] },
    { c0: 170, r0: 150, codec: 'BROTLI', lakes: [[10, 7], [11, 7]] },
  ]
  files.forEach((file, f) => {
    const key = `${set}/2024/${tile}/part-${String(f).padStart(3, '0')}.parquet`
    const chips = []
    for (let r = 0; r < 15; r++) for (let c = 0; c < 20; c++) chips.push({ c: file.c0 + c, r: file.r0 + r, lake: file.lakes.some(([lc, lr]) => lc === c && lr === r) })
    const flat = new Float32Array(chips.length * dims)
    const bbox = emptyBbox()
    const wkb = []
    const ids = chips.map(({ c, r }) => `${tile}-${String(c).padStart(3, '0')}-${String(r).padStart(3, '0')}`)
    chips.forEach(({ c, r, lake }, i) => {
      const ring = ringLonLat(frame.proj, chipSquare(frame, c, r, 320))
      growBbox(bbox, ring)
      wkb.push(polygonWkb(ring))
      if (lake) {
        plant(ctx.planted, set, 'lake', 'cluster', { key, row: i, id: ids[i] })
        embed(space, [[0.9, space.direction('sig:lake')]], { noise: 0.4, jitter: 0.1, unit: true }, flat, i * dims)
      } else {
        embed(space, [[0.75, space.direction(`class:${field(c / 16, r / 16)}`)]], { unit: true }, flat, i * dims)
      }
    })
    const arrowSchema = arrowSchemaEntry([
      ['id', col.utf8(ids)],
      ['embedding', col.fixedList(flat, dims)],
      ['geometry', col.binary(wkb)],
    ])
    const bytes = writeHyparquet(
      [
        [pq.string('id'), ids],
        [pq.floatList('embedding'), rowsOfFlat(flat, dims)],
        [pq.binary('geometry'), wkb],
      ],
      { codec: file.codec, kv: [['geo', geoMetadata({ version: '1.0.0', crs: CRS84, bbox })], ['emb', EMB_METADATA], ['ARROW:schema', arrowSchema]] },
    )
    ctx.add({ key, bytes, set, mgrs: tile, dates: [], bbox, rows: chips.length, dims, codec: file.codec })
  })
  return { id: set, dims, embeddingColumn: 'embedding', idColumn: 'id', crs: 'CRS84', layout: 'parquet-prefix' }
}

function planet(ctx) {
  const set = 'planet'
  const dims = 256
  const space = makeSpace(set, dims, { meanNorm: 1.0, devLen: 0.5 })
  const field = classField(`${set}:utrecht`, CLAY_V0_REGIONS[2].classes)
  const rand = rng(`${set}:rows`)
  const files = [
    { quad: 'L15-1047E-1340N', origin: toMercator([5.0, 52.0]), acquired: '2023-05-12T10:31:07Z', lakes: [14, 15, 100] },
    { quad: 'L15-1048E-1340N', origin: toMercator([5.2, 52.0]), acquired: '2023-05-13T10:29:44Z', lakes: [44, 150] },
  ]
  for (const file of files) {
    const key = `${set}/2023/${file.quad}.parquet`
    const n = 15 * 12
    const flat = new Float32Array(n * dims)
    const bbox = emptyBbox()
    const wkb = []
    const ids = []
    const cloud = []
    for (let i = 0; i < n; i++) {
      const c = i % 15
      const r = Math.floor(i / 15)
      const [x0, y0] = [file.origin[0] + c * 1000, file.origin[1] - (r + 1) * 1000]
      const ring = [
        [x0, y0],
        [x0 + 1000, y0],
        [x0 + 1000, y0 + 1000],
        [x0, y0 + 1000],
        [x0, y0],
      ]
      growBbox(bbox, ring)
      wkb.push(polygonWkb(ring))
      ids.push(`${file.quad}-${String(i).padStart(4, '0')}`)
      cloud.push(Math.fround(rand() < 0.15 ? 40 + 60 * rand() : 10 * rand()))
      if (file.lakes.includes(i)) {
        plant(ctx.planted, set, 'lake', 'cluster', { key, row: i, id: ids[i] })
        embed(space, [[0.9, space.direction('sig:lake')]], { noise: 0.4, lengthScale: 1.3, jitter: 0.1 }, flat, i * dims)
      } else {
        embed(space, [[0.7, space.direction(`class:${field(c + file.origin[0] / 1000, r)}`)]], {}, flat, i * dims)
      }
    }
    const acquired = new Date(file.acquired)
    const bytes = writeHyparquet(
      [
        [pq.string('id'), ids],
        [pq.timestampMillis('acquired'), ids.map(() => acquired)],
        [pq.float('cloud_percent'), cloud],
        [pq.floatList('embedding'), rowsOfFlat(flat, dims)],
        [pq.binary('geometry'), wkb],
      ],
      { codec: 'SNAPPY', kv: [['geo', geoMetadata({ version: '1.0.0', crs: EPSG3857, bbox })]] },
    )
    const lonLat = growBbox(emptyBbox(), [fromMercator([bbox[0], bbox[1]]), fromMercator([bbox[2], bbox[3]])])
    ctx.add({ key, bytes, set, mgrs: null, dates: [file.acquired.slice(0, 10)], bbox: lonLat, rows: n, dims, codec: 'SNAPPY' })
  }
  return { id: set, dims, embeddingColumn: 'embedding', idColumn: 'id', crs: 'EPSG:3857', layout: 'parquet-prefix' }
}

const CATALOG_TEXT = {
  'clay-v0-global': {
    title: 'Clay v0 global (synthetic)',
    model: 'Clay v0',
    attribution: 'Synthetic test data shaped like Clay embeddings (Clay / Radiant Earth, ODC-BY)',
  },
  'clay-v1-5-s2': { title: 'Clay v1.5 Sentinel-2 (synthetic)', model: 'Clay v1.5', attribution: 'Synthetic test data shaped like Clay v1.5 embeddings' },
  lgnd: { title: 'LGND Clay v1.5 Sentinel-2 L2A (synthetic)', model: 'Clay v1.5', attribution: 'Synthetic test data shaped like LGND embeddings' },
  'earth-index': { title: 'Earth Index (synthetic)', model: 'Earth Index', attribution: 'Synthetic test data shaped like Earth Genome Earth Index embeddings' },
  planet: { title: 'Planet sample (synthetic)', model: 'Planet', attribution: 'Synthetic test data shaped like a Planet embeddings sample' },
}

// ---------------------------------------------------------------------------------------------

/** The manifest in outDir if it is this version's and every file it lists is there. */
function currentManifest(outDir) {
  const file = path.join(outDir, 'manifest.json')
  if (!existsSync(file)) return null
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8'))
    if (manifest?.version !== GENERATOR_VERSION || manifest?.seed !== SEED || !Array.isArray(manifest.files)) return null
    for (const f of manifest.files) if (statSync(path.join(outDir, f.key), { throwIfNoEntry: false })?.size !== f.size) return null
    if (!existsSync(path.join(outDir, manifest.catalog))) return null
    return manifest
  } catch {
    return null
  }
}

/**
 * Writes the synthetic sets, catalog.json and manifest.json into outDir (or finds them there,
 * already written by this version) and returns the manifest.
 * @param {string} outDir
 * @param {{ force?: boolean }} [options]
 */
export async function writeSyntheticSets(outDir, options = {}) {
  outDir = path.resolve(outDir)
  if (!options.force) {
    const existing = currentManifest(outDir)
    if (existing) return existing
  }
  // Write into a staging folder, then move each owned entry into place, so a concurrent reader
  // (or a second generator) never sees half a file.
  const staging = path.join(outDir, `.staging-${process.pid}-${Date.now().toString(36)}`)
  mkdirSync(staging, { recursive: true })
  try {
    const files = []
    const ctx = {
      planted: newPlanted(),
      anomalies: [],
      add({ key, bytes, ...entry }) {
        const file = path.join(staging, key)
        mkdirSync(path.dirname(file), { recursive: true })
        writeFileSync(file, bytes)
        files.push({ key, size: bytes.length, set: entry.set, mgrs: entry.mgrs, dates: entry.dates, bbox: entry.bbox, rows: entry.rows, dims: entry.dims, codec: entry.codec })
      },
    }
    const sets = [clayV0(ctx), clayV15(ctx), lgnd(ctx), earthIndex(ctx), planet(ctx)].map((s) => {
      const mine = files.filter((f) => f.set === s.id)
      return { id: s.id, title: CATALOG_TEXT[s.id].title, prefix: `${s.id}/`, ...s, files: mine.length, rows: mine.reduce((n, f) => n + f.rows, 0) }
    })
    const catalog = {
      version: 1,
      datasets: sets.map((s) => ({
        id: s.id,
        title: s.title,
        model: { name: CATALOG_TEXT[s.id].model, dims: s.dims },
        href: s.prefix,
        layout: s.layout,
        licence: 'CC0-1.0',
        attribution: CATALOG_TEXT[s.id].attribution,
      })),
    }
    const catalogText = `${JSON.stringify(catalog, null, 2)}\n`
    writeFileSync(path.join(staging, 'catalog.json'), catalogText)
    const manifest = {
      generator: CREATED_BY,
      version: GENERATOR_VERSION,
      seed: SEED,
      catalog: 'catalog.json',
      totalBytes: files.reduce((n, f) => n + f.size, 0) + Buffer.byteLength(catalogText),
      sets,
      files,
      planted: ctx.planted,
      anomalies: ctx.anomalies,
    }
    writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`)
    for (const entry of OWNED) {
      const target = path.join(outDir, entry)
      for (let attempt = 0; ; attempt++) {
        try {
          rmSync(target, { recursive: true, force: true })
          renameSync(path.join(staging, entry), target)
          break
        } catch (error) {
          if (attempt >= 3) throw error
        }
      }
    }
    return manifest
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2)
  const outDir = args.find((a) => !a.startsWith('--'))
  if (!outDir) {
    console.error('usage: node scripts/make-synthetic-sets.mjs <outDir> [--force]')
    process.exit(2)
  }
  const started = performance.now()
  const manifest = await writeSyntheticSets(outDir, { force: args.includes('--force') })
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  for (const s of manifest.sets) console.log(`${s.id.padEnd(16)} ${String(s.files).padStart(3)} files ${String(s.rows).padStart(6)} rows ${s.dims} dims`)
  console.log(`${manifest.files.length} files, ${(manifest.totalBytes / 1e6).toFixed(1)} MB in ${path.resolve(outDir)} (${seconds} s)`)
}
