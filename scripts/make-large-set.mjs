#!/usr/bin/env node
// Writes one large synthetic embedding set in the Clay v0 layout, for the map's scale tests and
// benchmarks (e2e/map-scale.spec.ts on 100k chips, bench/map-frames.mjs on 1M):
//
//   node scripts/make-large-set.mjs --chips 1000000 --dims 32 --files 20 [--seed 1] [--out .cache/large-sets] [--force]
//
// Deterministic (seeded PRNG, fixed created_by) and cached by its parameters: the set goes to
// <out>/<name>/ (name from the parameters, largeSetName()) and a second call with the same
// parameters returns its manifest at once when every file it lists is there with its size. It is
// written into a staging folder and renamed into place, so a concurrent reader (or a second
// generator, say two Playwright workers) never sees half a set. Nothing here is committed
// (.cache/ is git-ignored).
//
// Layout of <out>/<name>/ (a folder the app opens like data.source.coop's Clay v0 product):
//   catalog.json    one entry, href "./" (the folder), in the catalog format (app/lib/catalog/catalog.ts)
//   manifest.json   the parameters, every file, every planted chip (make-large-set.d.mts)
//   v02/<MGRS>/<MGRS>_<YYYYMMDD>_<YYYYMMDD>_v001.gpq
//       One file per MGRS 100 km square, the squares side by side in UTM zone 37 south of the
//       equator (Kenya, Tanzania), row by row from the north-west. The Clay v0 file names let the
//       app place every file on the map from the listing alone. Columns as the real Clay v0 files
//       (`index` int64, `source_url`, `date` date32, `embeddings` list<float>, WKB `geometry`,
//       `geo` 1.0.0 with CRS84 PROJJSON and the file's bbox, ZSTD, written by parquet-wasm like
//       make-synthetic-sets.mjs's Clay v0 set) plus an `id` column: Clay v0's own chip names
//       (`<MGRS>_<date>_<NNNN>`, at most 441 chips a tile) can't number a denser grid, so the
//       source_url names are not claytile_ names and the app takes the ids from `id`
//       (`<MGRS>_<YYYYMMDD>_r<row>_c<col>`, row and col on the tile's grid from the north-west).
//   Chips: small squares on a regular grid over the 100 km square (side = ceil(√(chips per
//   file)) cells; 1M chips in 20 files: 224 × 224 cells of 446 m), the last grid row partly
//   filled, in row-major order from the north-west.
//
// Embeddings: a shared mean vector plus a smaller deviation (a land-cover class from a smooth
// random field, a per-tile direction and noise), as make-synthetic-sets.mjs makes them. Planted
// clusters give a search a right answer: "lake" blobs (a few adjacent chips each, about one chip
// in 3,000 in all: ~330 of 1M) and "quarry" blobs (a third as many) share a signature direction,
// orthogonal to the class directions, so a search from one lake ranks the other lakes first.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import proj4 from 'proj4'
import * as pw from 'parquet-wasm/node'
import { Binary, DateDay, Field, Float32, Int64, List, RecordBatch, Schema, Struct, Table, Utf8, makeData, tableToIPC } from 'apache-arrow'
import { mulberry32 } from './lib/prng.mjs'

/** Bump whenever the output changes: a cached set of another version is written again. */
export const LARGE_SET_VERSION = 1
const CREATED_BY = 'chipfinder make-large-set'
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** Where sets go by default (git-ignored); the e2e data server serves it as the `large` bucket. */
export const LARGE_SETS_DIR = path.join(repoRoot, '.cache', 'large-sets')

const UTM_ZONE = 37
/** Tile centres: 6 squares east-west by 8 north-south, from the equator southwards. */
const TILE_COLUMNS = 6
const TILE_ROWS = 8
export const MAX_FILES = TILE_COLUMNS * TILE_ROWS
const SQUARE_M = 100_000
const CLASSES = ['savanna', 'cropland', 'forest', 'water', 'urban']
const CLASS_PRIORS = [0.4, 0.3, 0.15, 0.1, 0.05]
const FIRST_DATE = Date.UTC(2023, 5, 1)
const DAY_MS = 86_400_000

/** The folder name of a set: its parameters. */
export function largeSetName({ chips, dims, files, seed = 1 }) {
  return `clay-v0-${chips}x${dims}-${files}f-s${seed}`
}

function checkParams({ chips, dims, files, seed }) {
  const whole = (v, lo, hi, what) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${what} must be a whole number from ${lo} to ${hi} (got ${v})`)
  }
  whole(files, 1, MAX_FILES, 'files')
  whole(chips, files * 16, 20_000_000, 'chips')
  whole(dims, 8, 4096, 'dims')
  whole(seed, 0, 2 ** 31 - 1, 'seed')
}

// ---------------------------------------------------------------------------------------------
// Randomness: one PRNG per purpose, seeded from the set's seed and a name. The helpers exported
// here are shared with make-archive.mjs (the whole-archive benchmark's set).

export function rng(seed, name) {
  let h = (seed ^ 0x811c9dc5) >>> 0
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  const rand = mulberry32(h)
  let spare = 0
  let hasSpare = false
  rand.gauss = () => {
    if (hasSpare) {
      hasSpare = false
      return spare
    }
    let u = 0
    while (u === 0) u = rand()
    const r = Math.sqrt(-2 * Math.log(u))
    const a = 2 * Math.PI * rand()
    spare = r * Math.sin(a)
    hasSpare = true
    return r * Math.cos(a)
  }
  return rand
}

export function normalise(v, length = 1) {
  let ss = 0
  for (let i = 0; i < v.length; i++) ss += v[i] * v[i]
  const k = length / Math.sqrt(ss)
  for (let i = 0; i < v.length; i++) v[i] *= k
  return v
}

export function randomDirection(rand, dims) {
  const v = new Float64Array(dims)
  for (let i = 0; i < dims; i++) v[i] = rand.gauss()
  return normalise(v)
}

/** v minus its projections on the (unit, mutually orthogonal) directions, renormalised. */
function orthogonalise(v, against) {
  for (const d of against) {
    let dot = 0
    for (let i = 0; i < v.length; i++) dot += v[i] * d[i]
    for (let i = 0; i < v.length; i++) v[i] -= dot * d[i]
  }
  return normalise(v)
}

/**
 * The embedding space: the shared mean, class and tile directions, and the planted signatures,
 * which are orthogonal to the classes and to each other (Gram–Schmidt), so nothing but a planted
 * chip looks like one.
 */
function makeSpace(seed, dims, tiles) {
  const rand = rng(seed, 'space')
  const mean = normalise(randomDirection(rand, dims), 1.8)
  const basis = []
  const classes = CLASSES.map(() => {
    const d = orthogonalise(randomDirection(rand, dims), basis.length < dims - 2 ? basis : [])
    basis.push(d)
    return d
  })
  const signatures = {}
  for (const name of ['lake', 'quarry']) {
    const d = orthogonalise(randomDirection(rand, dims), basis.slice(0, dims - 1))
    basis.push(d)
    signatures[name] = d
  }
  const tileDirs = new Map(tiles.map((t) => [t, randomDirection(rng(seed, `tile:${t}`), dims)]))
  return { dims, mean, classes, signatures, tileDirs, rand: rng(seed, 'chips') }
}

/** Land cover from a smooth random field over the whole region (km from the first tile's corner). */
function classField(seed) {
  const rand = rng(seed, 'field')
  const waves = CLASSES.map(() => Array.from({ length: 3 }, () => ({ a: (rand() - 0.5) * 0.12, b: (rand() - 0.5) * 0.12, phase: rand() * 2 * Math.PI })))
  const logPriors = CLASS_PRIORS.map(Math.log)
  return (xKm, yKm) => {
    let best = 0
    let bestScore = -Infinity
    for (let c = 0; c < CLASSES.length; c++) {
      let f = logPriors[c]
      for (const w of waves[c]) f += 0.8 * Math.sin(w.a * xKm + w.b * yKm + w.phase)
      if (f > bestScore) {
        bestScore = f
        best = c
      }
    }
    return best
  }
}

/** One vector into out[offset…]: mean + length · (Σ weight · direction + noise), float32. */
function embed(space, parts, noise, lengthScale, jitter, out, offset) {
  const { dims, mean, rand } = space
  const len = 0.4 * lengthScale * Math.exp(jitter * rand.gauss())
  const k = noise / Math.sqrt(dims)
  for (let i = 0; i < dims; i++) {
    let v = k * rand.gauss()
    for (const [w, dir] of parts) v += w * dir[i]
    out[offset + i] = mean[i] + len * v
  }
}

// ---------------------------------------------------------------------------------------------
// Geometry

const UTM = proj4(`+proj=utm +zone=${UTM_ZONE} +south +datum=WGS84 +units=m +no_defs`, 'EPSG:4326')
/** UTM of the first square's north-west corner: MGRS squares sit on the 100 km lines. */
const FIRST_WEST = 200_000
const FIRST_NORTH = 9_900_000

/**
 * The MGRS squares of the set, row by row from the north-west: their names and north-west
 * corners in UTM zone 37 south. Chips lie inside the 100 km square, so inside the Sentinel-2 tile
 * (109.8 km from the same corner) that the app draws from the file name.
 */
function pickTiles(count) {
  const tiles = []
  for (let j = 0; j < TILE_ROWS && tiles.length < count; j++) {
    for (let i = 0; i < TILE_COLUMNS && tiles.length < count; i++) {
      const west = FIRST_WEST + SQUARE_M * i
      const north = FIRST_NORTH - SQUARE_M * j
      const mgrs = proj4.mgrs.forward(UTM.forward([west + SQUARE_M / 2, north - SQUARE_M / 2]), 1).slice(0, 5)
      tiles.push({ mgrs, west, north })
    }
  }
  return tiles
}

export const WKB_POLYGON_BYTES = 1 + 4 + 4 + 4 + 5 * 16

/**
 * WKB polygons of the grid's cells, as one Arrow binary column's bytes: ring in shapely box()
 * order (SE, NE, NW, SW, SE) like the real files. Grid vertices are reprojected once each, not
 * once per chip corner.
 */
function gridGeometry({ west, north }, side, rows, count) {
  const size = SQUARE_M / side
  const cols = side + 1
  const lonLat = new Float64Array(cols * (rows + 1) * 2)
  for (let r = 0; r <= rows; r++) {
    for (let c = 0; c <= side; c++) {
      const [lon, lat] = UTM.forward([west + c * size, north - r * size])
      lonLat[2 * (r * cols + c)] = lon
      lonLat[2 * (r * cols + c) + 1] = lat
    }
  }
  const bytes = new Uint8Array(count * WKB_POLYGON_BYTES)
  const view = new DataView(bytes.buffer)
  const bbox = [Infinity, Infinity, -Infinity, -Infinity]
  for (let k = 0; k < count; k++) {
    const r = Math.floor(k / side)
    const c = k % side
    let at = k * WKB_POLYGON_BYTES
    view.setUint8(at, 1)
    view.setUint32(at + 1, 3, true)
    view.setUint32(at + 5, 1, true)
    view.setUint32(at + 9, 5, true)
    at += 13
    // SE, NE, NW, SW, SE as vertex indices (row r is the cell's north edge).
    for (const v of [(r + 1) * cols + c + 1, r * cols + c + 1, r * cols + c, (r + 1) * cols + c, (r + 1) * cols + c + 1]) {
      const x = lonLat[2 * v]
      const y = lonLat[2 * v + 1]
      view.setFloat64(at, x, true)
      view.setFloat64(at + 8, y, true)
      at += 16
      if (x < bbox[0]) bbox[0] = x
      if (y < bbox[1]) bbox[1] = y
      if (x > bbox[2]) bbox[2] = x
      if (y > bbox[3]) bbox[3] = y
    }
  }
  return { bytes, bbox, size }
}

/** Exactly the CRS84 PROJJSON of the real Clay v0 file (geopandas 0.14), as the synthetic sets write it. */
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

export function geoMetadata(bbox, creator = { library: CREATED_BY, version: String(LARGE_SET_VERSION) }) {
  return JSON.stringify({
    primary_column: 'geometry',
    columns: { geometry: { encoding: 'WKB', crs: CRS84, geometry_types: ['Polygon'], bbox } },
    version: '1.0.0',
    creator,
  })
}

// ---------------------------------------------------------------------------------------------
// Arrow columns → Parquet (parquet-wasm, like the Clay v0 synthetic set)

/** ASCII strings as an Arrow Utf8 or Binary column, in one buffer. */
export function asciiColumn(type, count, stringAt) {
  const offsets = new Int32Array(count + 1)
  const parts = new Array(count)
  let total = 0
  for (let i = 0; i < count; i++) {
    const s = stringAt(i)
    parts[i] = s
    total += s.length
    offsets[i + 1] = total
  }
  const data = new Uint8Array(total)
  for (let i = 0, at = 0; i < count; i++) {
    const s = parts[i]
    for (let j = 0; j < s.length; j++) data[at++] = s.charCodeAt(j)
  }
  return makeData({ type, length: count, valueOffsets: offsets, data })
}

export function writeParquet(columns, kv, createdBy = CREATED_BY) {
  const schema = new Schema(columns.map(([name, data]) => new Field(name, data.type, true)))
  const length = columns[0][1].length
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, children: columns.map(([, data]) => data) }))
  const table = pw.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream'))
  // Dictionaries only where they pay: a dictionary page of random floats or unique strings is
  // thrown away after the fact, costing time and bytes.
  let props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setCreatedBy(createdBy)
    .setKeyValueMetadata(new Map(Object.entries(kv)))
    .setDictionaryEnabled(false)
    .setColumnDictionaryEnabled('date', true)
  props = props.setMaxRowGroupSize(64 * 1024)
  return pw.writeParquet(table, props.build())
}

// ---------------------------------------------------------------------------------------------
// Planting

const PLANT_NOTES = {
  lake: 'blobs of a few adjacent chips sharing a "lake" signature, in every part of the set; any member ranks the others first',
  quarry: 'blobs sharing a "quarry" signature, unlike the lakes and the land around',
}

/** file index → (row → 'lake' | 'quarry'), blobs of up to five adjacent cells. */
function plantBlobs(seed, layout, chips) {
  const rand = rng(seed, 'plants')
  const byFile = layout.map(() => new Map())
  const lakeBlobs = Math.max(2, Math.round(chips / 3000 / 3.4))
  const quarryBlobs = Math.max(1, Math.round(lakeBlobs / 3))
  const place = (name, blobs) => {
    for (let b = 0, tries = 0; b < blobs && tries < blobs * 50; tries++) {
      const f = Math.floor(rand() * layout.length)
      const { side, count } = layout[f]
      const centre = Math.floor(rand() * count)
      const r = Math.floor(centre / side)
      const c = centre % side
      const cells = [[r, c]]
      for (const [dr, dc] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) if (rand() < 0.6) cells.push([r + dr, c + dc])
      const rows = cells.filter(([rr, cc]) => rr >= 0 && cc >= 0 && cc < side && rr * side + cc < count).map(([rr, cc]) => rr * side + cc)
      // Blobs keep apart: no cell of another blob in or next to this one.
      const near = (row) => [0, -1, 1, -side, side].some((d) => byFile[f].has(row + d))
      if (rows.some(near)) continue
      for (const row of rows) byFile[f].set(row, name)
      b++
    }
  }
  place('lake', lakeBlobs)
  place('quarry', quarryBlobs)
  return byFile
}

// ---------------------------------------------------------------------------------------------

/** The manifest in dir if it is this version's, for these parameters, and every file is there. */
function currentManifest(dir, params) {
  const file = path.join(dir, 'manifest.json')
  if (!existsSync(file)) return null
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8'))
    if (manifest?.version !== LARGE_SET_VERSION || !Array.isArray(manifest.files)) return null
    for (const k of ['chips', 'dims', 'files', 'seed']) if (manifest.params?.[k] !== params[k]) return null
    for (const f of manifest.files) if (statSync(path.join(dir, f.key), { throwIfNoEntry: false })?.size !== f.size) return null
    if (!existsSync(path.join(dir, manifest.catalog))) return null
    return manifest
  } catch {
    return null
  }
}

/** Writes the set named `name` into dir (a staging folder); returns its manifest. */
function writeSet(dir, name, params, log) {
  const { chips, dims, files, seed } = params
  const tiles = pickTiles(files)
  const layout = tiles.map((t, f) => {
    const count = Math.floor(chips / files) + (f < chips % files ? 1 : 0)
    const side = Math.ceil(Math.sqrt(count))
    return { ...t, count, side, rows: Math.ceil(count / side) }
  })
  const space = makeSpace(seed, dims, tiles.map((t) => t.mgrs))
  const field = classField(seed)
  const planted = plantBlobs(seed, layout, chips)
  const groups = {}
  const out = []
  const bbox = [Infinity, Infinity, -Infinity, -Infinity]
  mkdirSync(dir, { recursive: true })
  layout.forEach((tile, f) => {
    const { mgrs, count, side, rows } = tile
    const started = performance.now()
    const date = new Date(FIRST_DATE + f * DAY_MS).toISOString().slice(0, 10)
    const compact = date.replaceAll('-', '')
    const key = `v02/${mgrs}/${mgrs}_${compact}_${compact}_v001.gpq`
    const { bytes: wkb, bbox: fileBbox, size } = gridGeometry(tile, side, rows, count)
    const ids = (k) => `${mgrs}_${compact}_r${String(Math.floor(k / side)).padStart(3, '0')}_c${String(k % side).padStart(3, '0')}`
    const flat = new Float32Array(count * dims)
    const tileDir = space.tileDirs.get(mgrs)
    // Land cover continues across tiles: the field is read in km from the first tile's corner.
    const dxKm = (tile.west - FIRST_WEST) / 1000
    const dyKm = (FIRST_NORTH - tile.north) / 1000
    for (let k = 0; k < count; k++) {
      const name = planted[f].get(k)
      if (name) {
        const group = (groups[name] ??= { kind: 'cluster', note: PLANT_NOTES[name], ids: [], members: [] })
        group.ids.push(ids(k))
        group.members.push({ key, row: k, id: ids(k) })
        embed(space, [[0.9, space.signatures[name]], [0.15, tileDir]], 0.35, 1.3, 0.1, flat, k * dims)
      } else {
        const cls = field(dxKm + ((k % side) + 0.5) * (size / 1000), dyKm + (Math.floor(k / side) + 0.5) * (size / 1000))
        embed(space, [[0.7, space.classes[cls]], [0.25, tileDir]], 0.55, 1, 0.35, flat, k * dims)
      }
    }
    const list = makeData({
      type: new List(new Field('element', new Float32(), true)),
      length: count,
      valueOffsets: Int32Array.from({ length: count + 1 }, (_, i) => i * dims),
      child: makeData({ type: new Float32(), length: flat.length, data: flat }),
    })
    const wkbOffsets = Int32Array.from({ length: count + 1 }, (_, i) => i * WKB_POLYGON_BYTES)
    const bytes = writeParquet(
      [
        ['index', makeData({ type: new Int64(), length: count, data: BigInt64Array.from({ length: count }, (_, i) => BigInt(i)) })],
        ['id', asciiColumn(new Utf8(), count, ids)],
        ['source_url', asciiColumn(new Utf8(), count, (k) => `s3://chipfinder-large-sets/${mgrs}/${date}/chip_${ids(k)}.tif`)],
        ['date', makeData({ type: new DateDay(), length: count, data: new Int32Array(count).fill((FIRST_DATE + f * DAY_MS) / DAY_MS) })],
        ['embeddings', list],
        ['geometry', makeData({ type: new Binary(), length: count, valueOffsets: wkbOffsets, data: wkb })],
      ],
      { geo: geoMetadata(fileBbox) },
    )
    const target = path.join(dir, key)
    mkdirSync(path.dirname(target), { recursive: true })
    writeFileSync(target, bytes)
    for (let i = 0; i < 2; i++) bbox[i] = Math.min(bbox[i], fileBbox[i])
    for (let i = 2; i < 4; i++) bbox[i] = Math.max(bbox[i], fileBbox[i])
    out.push({ key, size: bytes.length, mgrs, dates: [date], bbox: fileBbox, rows: count, dims, codec: 'ZSTD', grid: { side, rows, cellMetres: size } })
    log?.(`${key}: ${count} chips, ${(bytes.length / 1e6).toFixed(1)} MB (${Math.round(performance.now() - started)} ms)`)
  })
  const title = `Large synthetic set: ${chips.toLocaleString('en-US')} chips, ${dims}-d`
  const catalog = {
    version: 1,
    datasets: [{ id: name, title, model: { name: 'synthetic', dims }, href: './', layout: 'prefix', licence: 'CC0-1.0', attribution: 'Synthetic test data (chipfinder)' }],
  }
  const catalogText = `${JSON.stringify(catalog, null, 2)}\n`
  writeFileSync(path.join(dir, 'catalog.json'), catalogText)
  const manifest = {
    generator: CREATED_BY,
    version: LARGE_SET_VERSION,
    name,
    params: { chips, dims, files, seed },
    catalog: 'catalog.json',
    title,
    totalBytes: out.reduce((n, f) => n + f.size, 0) + Buffer.byteLength(catalogText),
    bbox,
    files: out,
    planted: groups,
  }
  writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`)
  return manifest
}

/**
 * Writes the set for these parameters under outDir (or finds it there, already written by this
 * version) and returns its manifest, with `dir`: the set's folder.
 * @param {{ chips: number, dims: number, files: number, seed?: number, outDir?: string, force?: boolean, log?: (line: string) => void }} options
 */
export async function writeLargeSet(options) {
  const params = { chips: options.chips, dims: options.dims, files: options.files, seed: options.seed ?? 1 }
  checkParams(params)
  const outDir = path.resolve(options.outDir ?? LARGE_SETS_DIR)
  const name = largeSetName(params)
  const dir = path.join(outDir, name)
  if (!options.force) {
    const existing = currentManifest(dir, params)
    if (existing) return { ...existing, dir }
  }
  const staging = path.join(outDir, `.staging-${name}-${process.pid}-${Math.random().toString(36).slice(2)}`)
  try {
    const manifest = writeSet(staging, name, params, options.log)
    for (let attempt = 0; ; attempt++) {
      try {
        rmSync(dir, { recursive: true, force: true })
        renameSync(staging, dir)
        break
      } catch (error) {
        // Another generator got there first: its set is as good as this one.
        const theirs = currentManifest(dir, params)
        if (theirs && !options.force) return { ...theirs, dir }
        if (attempt >= 3) throw error
      }
    }
    return { ...manifest, dir }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        chips: { type: 'string', default: '100000' },
        dims: { type: 'string', default: '128' },
        files: { type: 'string', default: '20' },
        seed: { type: 'string', default: '1' },
        out: { type: 'string', default: LARGE_SETS_DIR },
        force: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    }))
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\nusage: node scripts/make-large-set.mjs --chips 1000000 --dims 32 --files 20 [--seed 1] [--out <dir>] [--force]`)
    process.exit(2)
  }
  const started = performance.now()
  try {
    const manifest = await writeLargeSet({
      chips: Number(values.chips),
      dims: Number(values.dims),
      files: Number(values.files),
      seed: Number(values.seed),
      outDir: values.out,
      force: values.force,
      log: values.quiet ? undefined : (line) => console.log(line),
    })
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const planted = Object.entries(manifest.planted).map(([n, g]) => `${g.ids.length} ${n}`).join(', ')
    console.log(`${manifest.params.chips} chips (${planted}) in ${manifest.files.length} files, ${(manifest.totalBytes / 1e6).toFixed(1)} MB in ${manifest.dir} (${seconds} s)`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
