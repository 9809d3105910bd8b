#!/usr/bin/env node
// Writes a whole synthetic archive in the Clay v0 layout, for the whole-archive search benchmark
// (bench/archive.mjs, docs/archive-bench.md): by default 1.2 M chips × 768, the size of the
// published Clay v0 set, in ~1,400 files under v02/<MGRS>/.
//
//   node scripts/make-archive.mjs [--chips 1200000] [--dims 768] [--seed 1] [--out .cache/large-sets] [--force]
//
// Deterministic and cached by its parameters like make-large-set.mjs (whose helpers it reuses):
// <out>/<name>/ with name = archiveName(), written into a staging folder and renamed into place,
// returned at once when a current manifest lists every file with its size. One file at a time is
// in memory (a few MB), so memory stays bounded whatever the size.
//
// Layout, as the real set: one file per MGRS tile, v02/<MGRS>/<MGRS>_<mindate>_<maxdate>_v001.gpq,
// holding one to three acquisition dates of that tile; per date the 21 × 21 grid of 5.12 km chips
// from the 100 km square's north-west corner, less a few cells (clouds), so 380–1,323 chips a
// file. Columns as the real file: `index`, `source_url` (claytile_<MGRS>_<YYYYMMDD>_v02_<NNNN>.tif,
// so the app's ids are the real ones), `date`, `embeddings` list<float>, WKB `geometry`, `geo`
// 1.0.0; ZSTD, one row group. Tiles lie side by side in UTM zones 28 N and east, 6 squares
// east-west by 12 north-south per zone (about 9–20° N).
//
// Embeddings: x = μ + s · (a·c_class + w·within + t·(tile + date) + n·noise), with
// - μ of length 1.79 and s (SPREAD) set so that the median |x − μ| comes out near 0.37: the
//   real sample's |μ| and median |x − μ| (raw cosine median 0.97 there, and here);
// - every structured part drawn in one random orthonormal basis e₁…e_D with variances
//   λᵢ ∝ i^−ALPHA (class centroids, per-tile and per-date directions: E·Λ^½·g; the within-class
//   variation along e₁…e_WITHIN). The real sample's spectrum (one tile, one date) falls as
//   i^−2.6 with 83 % of the variance in one direction; an archive of many kinds of land has a
//   flatter one, so ALPHA = 1.5 (docs/archive-bench.md says what that choice does).
// - the first ROGUE basis vectors tilted towards single coordinates ("rogue dimensions": in the
//   real sample one coordinate holds 33 % of the centred variance), so the raw coordinates are
//   not an isotropic basis, as a sign code without rotation meets in real embeddings;
// - classes (Zipf priors) from a smooth random field over the ground (waves of 60–600 km), so
//   neighbouring chips mostly share a class; noise isotropic.
// Planted groups (a rare kind of place each: a random direction, nearly orthogonal to everything
// else) sit in blobs of 1–4 adjacent chips across the archive, ~200 members a group at 1.2 M:
// a search from one member has its group as the right answer. The manifest names the
// benchmark's fixed queries and μ (float64 sums of exactly the float32 values written).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import proj4 from 'proj4'
import { Binary, DateDay, Field, Float32, Int64, List, Utf8, makeData } from 'apache-arrow'
import { LARGE_SETS_DIR, WKB_POLYGON_BYTES, asciiColumn, geoMetadata, normalise, randomDirection, rng, writeParquet } from './make-large-set.mjs'

/** Bump whenever the output changes: a cached archive of another version is written again. */
export const ARCHIVE_VERSION = 1
const CREATED_BY = 'chipfinder make-archive'
export const ARCHIVE_DIR = LARGE_SETS_DIR

const GRID = 21
const CELL_M = 5120
const SQUARE_M = 100_000
const FIRST_ZONE = 28
const ZONES = 40
const COLUMNS = 6
const ROWS = 12
const FIRST_NORTH = 2_200_000
const MAX_TILES = ZONES * COLUMNS * ROWS

const MEAN_NORM = 1.79
const SPREAD = 0.43
const ALPHA = 1.5
const CLASSES = 48
const WITHIN = 24
const ROGUE = 8
/** Weights of the parts of a chip's deviation (each part about unit length). */
const W = { cls: 0.75, within: 0.45, tile: 0.3, date: 0.15, noise: 0.35 }
/** A planted chip: its signature, some of the class under it, the same tile and noise. */
const P = { sig: 0.85, cls: 0.4, tile: 0.3, date: 0.15, noise: 0.35 }
const CHIPS_PER_GROUP_MEMBER = 6000
const DAY_MS = 86_400_000
const FIRST_DATE = Date.UTC(2022, 0, 1)

export function archiveName({ chips, dims, seed = 1 }) {
  return `clay-v0-archive-${chips}x${dims}-s${seed}`
}

function checkParams({ chips, dims, seed }) {
  const whole = (v, lo, hi, what) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${what} must be a whole number from ${lo} to ${hi} (got ${v})`)
  }
  // Fewer than ~2,000 chips can't hold the planted groups apart; planFiles says when the tiles run out.
  whole(chips, 2000, 20_000_000, 'chips')
  whole(dims, 32, 4096, 'dims')
  whole(seed, 0, 2 ** 31 - 1, 'seed')
}

// ---------------------------------------------------------------------------------------------
// The embedding space

/** dims orthonormal vectors (modified Gram–Schmidt), the first ROGUE tilted towards one coordinate each. */
function basis(rand, dims) {
  const axes = new Set()
  const out = []
  for (let i = 0; i < dims; i++) {
    const v = randomDirection(rand, dims)
    if (i < ROGUE) {
      let a
      do a = Math.floor(rand() * dims)
      while (axes.has(a))
      axes.add(a)
      for (let j = 0; j < dims; j++) v[j] *= 0.6
      v[a] += 0.8
    }
    for (const u of out) {
      let dot = 0
      for (let j = 0; j < dims; j++) dot += v[j] * u[j]
      for (let j = 0; j < dims; j++) v[j] -= dot * u[j]
    }
    out.push(normalise(v))
  }
  return out
}

/** A unit vector E·Λ^½·g: a random direction with the archive's spectrum. */
function spectral(rand, E, sqrtLambda) {
  const dims = E.length
  const v = new Float64Array(dims)
  for (let i = 0; i < dims; i++) {
    const k = sqrtLambda[i] * rand.gauss()
    const e = E[i]
    for (let j = 0; j < dims; j++) v[j] += k * e[j]
  }
  return normalise(v)
}

function makeSpace(seed, dims) {
  const rand = rng(seed, 'archive-space')
  const mean = normalise(randomDirection(rand, dims), MEAN_NORM)
  const E = basis(rand, dims)
  const lambda = Float64Array.from({ length: dims }, (_, i) => (i + 1) ** -ALPHA)
  const sqrtLambda = lambda.map(Math.sqrt)
  const classes = Array.from({ length: CLASSES }, () => spectral(rand, E, sqrtLambda))
  // Within-class variation along the top WITHIN directions, with their share of the spectrum.
  let within = 0
  for (let i = 0; i < WITHIN; i++) within += lambda[i]
  const withinRows = new Float32Array(WITHIN * dims)
  for (let i = 0; i < WITHIN; i++) {
    const k = Math.sqrt(lambda[i] / within)
    for (let j = 0; j < dims; j++) withinRows[i * dims + j] = k * E[i][j]
  }
  const noise = rng(seed, 'archive-noise')
  const table = Float32Array.from({ length: 65536 }, () => noise.gauss() / Math.sqrt(dims))
  return { dims, mean, E, sqrtLambda, classes, withinRows, table }
}

/** Land cover from a smooth random field over the ground, Zipf priors (km east and north). */
function classField(seed) {
  const rand = rng(seed, 'archive-field')
  const waves = Array.from({ length: CLASSES }, () =>
    Array.from({ length: 3 }, () => {
      const wavelength = 60 + 540 * rand()
      const angle = 2 * Math.PI * rand()
      const k = (2 * Math.PI) / wavelength
      return { a: k * Math.cos(angle), b: k * Math.sin(angle), phase: 2 * Math.PI * rand() }
    }),
  )
  const logPriors = Array.from({ length: CLASSES }, (_, c) => Math.log(1 / (c + 1)))
  return (xKm, yKm) => {
    let best = 0
    let bestScore = -Infinity
    for (let c = 0; c < CLASSES; c++) {
      let f = logPriors[c]
      for (const w of waves[c]) f += 0.9 * Math.sin(w.a * xKm + w.b * yKm + w.phase)
      if (f > bestScore) {
        bestScore = f
        best = c
      }
    }
    return best
  }
}

/**
 * Writes one chip into out[offset…]: μ + s·len·(Σ weight·part + within + noise), float32.
 * The noise comes from a table of 65,536 seeded normals picked by xorshift32 (rank.bench.ts does
 * the same): a billion Box–Muller draws would take minutes.
 */
function embed(space, state, parts, withinWeight, noiseWeight, out, offset) {
  const { dims, mean, withinRows, table } = space
  const v = state.v
  v.fill(0)
  for (const [w, dir] of parts) for (let j = 0; j < dims; j++) v[j] += w * dir[j]
  if (withinWeight > 0) {
    for (let i = 0; i < WITHIN; i++) {
      const z = withinWeight * state.rand.gauss()
      const row = i * dims
      for (let j = 0; j < dims; j++) v[j] += z * withinRows[row + j]
    }
  }
  let s = state.xs
  for (let j = 0; j < dims; j++) {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    v[j] += noiseWeight * table[s & 65535]
  }
  state.xs = s
  const len = SPREAD * Math.exp(0.15 * state.rand.gauss())
  for (let j = 0; j < dims; j++) out[offset + j] = mean[j] + len * v[j]
}

// ---------------------------------------------------------------------------------------------
// Tiles, dates, chips

const utmOf = new Map()
function utm(zone) {
  if (!utmOf.has(zone)) utmOf.set(zone, proj4(`+proj=utm +zone=${zone} +datum=WGS84 +units=m +no_defs`, 'EPSG:4326'))
  return utmOf.get(zone)
}

function tileAt(t) {
  const zone = FIRST_ZONE + Math.floor(t / (COLUMNS * ROWS))
  const within = t % (COLUMNS * ROWS)
  const west = 200_000 + SQUARE_M * (within % COLUMNS)
  const north = FIRST_NORTH - SQUARE_M * Math.floor(within / COLUMNS)
  const [lon, lat] = utm(zone).forward([west + SQUARE_M / 2, north - SQUARE_M / 2])
  const mgrs = proj4.mgrs.forward([lon, lat], 1).slice(0, 5)
  return { zone, west, north, mgrs }
}

/** The files: per tile 1–3 dates, per date the grid less cloudy cells; the last file cut to `chips`. */
function planFiles(seed, chips) {
  const rand = rng(seed, 'archive-files')
  const files = []
  let total = 0
  for (let t = 0; total < chips; t++) {
    if (t >= MAX_TILES) throw new RangeError(`${chips} chips need more than ${MAX_TILES} tiles`)
    const tile = tileAt(t)
    const dates = []
    let day = Math.floor(rand() * 300)
    for (let d = 0, n = 1 + Math.floor(rand() * 3); d < n; d++) {
      const cloud = 0.14 * rand()
      const cells = []
      for (let c = 1; c <= GRID * GRID; c++) if (rand() >= cloud) cells.push(c)
      dates.push({ day, cells })
      day += 5 + Math.floor(rand() * 40)
    }
    let count = dates.reduce((n, d) => n + d.cells.length, 0)
    if (total + count > chips) {
      // Cut the last file: its last dates first, then cells, so every kept date is whole but one.
      let keep = chips - total
      for (const d of dates) {
        d.cells = d.cells.slice(0, Math.max(0, keep))
        keep -= d.cells.length
      }
      count = chips - total
    }
    files.push({ ...tile, dates: dates.filter((d) => d.cells.length > 0), count })
    total += count
  }
  return files
}

const isoDate = (day) => new Date(FIRST_DATE + day * DAY_MS).toISOString().slice(0, 10)

/** Planted members: file index → Map(row → group). Blobs of 1–4 cells of one date, kept apart. */
function plantGroups(seed, files, chips) {
  const rand = rng(seed, 'archive-plants')
  const groups = Math.max(2, Math.min(12, Math.round(chips / 150_000)))
  const perGroup = Math.max(8, Math.round(chips / CHIPS_PER_GROUP_MEMBER))
  const byFile = files.map(() => new Map())
  for (let g = 0; g < groups; g++) {
    for (let members = 0, tries = 0; members < perGroup && tries < perGroup * 100; tries++) {
      const f = Math.floor(rand() * files.length)
      const file = files[f]
      const d = Math.floor(rand() * file.dates.length)
      const present = new Map(file.dates[d].cells.map((c, i) => [c, i]))
      const first = file.dates.slice(0, d).reduce((n, x) => n + x.cells.length, 0)
      const centre = file.dates[d].cells[Math.floor(rand() * file.dates[d].cells.length)]
      const col = (centre - 1) % GRID
      const cells = [centre]
      for (const [dc, dr] of [[1, 0], [0, 1], [-1, 0]]) {
        const c = col + dc
        const cell = centre + dc + dr * GRID
        if (rand() < 0.5 && c >= 0 && c < GRID && present.has(cell)) cells.push(cell)
      }
      const rows = cells.map((c) => first + present.get(c))
      const near = (row) => [0, -1, 1, -GRID, GRID, -GRID - 1, -GRID + 1, GRID - 1, GRID + 1].some((k) => byFile[f].has(row + k))
      if (rows.some(near)) continue
      for (const row of rows) byFile[f].set(row, g)
      members += rows.length
    }
  }
  return { groups, byFile }
}

// ---------------------------------------------------------------------------------------------
// One file

/** WKB polygons of the given chips (grid cells 1…441 of each date), ring SE, NE, NW, SW, SE. */
function chipGeometry(file) {
  const proj = utm(file.zone)
  const cols = GRID + 1
  const lonLat = new Float64Array(cols * cols * 2)
  for (let r = 0; r <= GRID; r++) {
    for (let c = 0; c <= GRID; c++) {
      const [lon, lat] = proj.forward([file.west + c * CELL_M, file.north - r * CELL_M])
      lonLat[2 * (r * cols + c)] = lon
      lonLat[2 * (r * cols + c) + 1] = lat
    }
  }
  const bytes = new Uint8Array(file.count * WKB_POLYGON_BYTES)
  const view = new DataView(bytes.buffer)
  const bbox = [Infinity, Infinity, -Infinity, -Infinity]
  let k = 0
  for (const { cells } of file.dates) {
    for (const cell of cells) {
      const r = Math.floor((cell - 1) / GRID)
      const c = (cell - 1) % GRID
      let at = k++ * WKB_POLYGON_BYTES
      view.setUint8(at, 1)
      view.setUint32(at + 1, 3, true)
      view.setUint32(at + 5, 1, true)
      view.setUint32(at + 9, 5, true)
      at += 13
      for (const v of [(r + 1) * cols + c + 1, r * cols + c + 1, r * cols + c, (r + 1) * cols + c, (r + 1) * cols + c + 1]) {
        const x = lonLat[2 * v]
        const y = lonLat[2 * v + 1]
        view.setFloat64(at, x, true)
        view.setFloat64(at + 8, y, true)
        at += 16
        bbox[0] = Math.min(bbox[0], x)
        bbox[1] = Math.min(bbox[1], y)
        bbox[2] = Math.max(bbox[2], x)
        bbox[3] = Math.max(bbox[3], y)
      }
    }
  }
  return { bytes, bbox, lonLat }
}

function writeFile(dir, space, field, signatures, seed, file, f, planted, sums, onMember) {
  const { dims } = space
  const mgrs = file.mgrs
  const days = file.dates.map((d) => d.day)
  const compact = (day) => isoDate(day).replaceAll('-', '')
  const key = `v02/${mgrs}/${mgrs}_${compact(days[0])}_${compact(days[days.length - 1])}_v001.gpq`
  const { bytes: wkb, bbox, lonLat } = chipGeometry(file)
  const tileRand = rng(seed, `archive-tile:${mgrs}`)
  const tileDir = spectral(tileRand, space.E, space.sqrtLambda)
  const state = { v: new Float64Array(dims), rand: rng(seed, `archive-chips:${mgrs}`), xs: (Math.imul(f + 1, 0x9e3779b1) ^ seed) | 1 }
  const flat = new Float32Array(file.count * dims)
  const rowDays = new Int32Array(file.count)
  const names = new Array(file.count)
  let k = 0
  for (const { day, cells } of file.dates) {
    const dateDir = spectral(rng(seed, `archive-date:${mgrs}:${day}`), space.E, space.sqrtLambda)
    const date = isoDate(day)
    for (const cell of cells) {
      const r = Math.floor((cell - 1) / GRID)
      const c = (cell - 1) % GRID
      // The class under the chip's centre, read in km on a sphere (the field spans zones).
      const v = r * (GRID + 1) + c
      const lon = (lonLat[2 * v] + lonLat[2 * (v + GRID + 2)]) / 2
      const lat = (lonLat[2 * v + 1] + lonLat[2 * (v + GRID + 2) + 1]) / 2
      const cls = space.classes[field(lon * 111.32 * Math.cos((lat * Math.PI) / 180), lat * 110.57)]
      const group = planted.get(k)
      if (group === undefined) {
        embed(space, state, [[W.cls, cls], [W.tile, tileDir], [W.date, dateDir]], W.within, W.noise, flat, k * dims)
      } else {
        embed(space, state, [[P.sig, signatures[group]], [P.cls, cls], [P.tile, tileDir], [P.date, dateDir]], 0, P.noise, flat, k * dims)
      }
      const nnnn = String(cell).padStart(4, '0')
      names[k] = `${mgrs}/${date}/claytile_${mgrs}_${compact(day)}_v02_${nnnn}.tif`
      if (group !== undefined) onMember(group, { key, row: k, id: `${mgrs}_${compact(day)}_${nnnn}` })
      rowDays[k] = Math.round((FIRST_DATE + day * DAY_MS) / DAY_MS)
      k++
    }
  }
  for (let i = 0; i < flat.length; i += dims) for (let j = 0; j < dims; j++) sums[j] += flat[i + j]
  const count = file.count
  const list = makeData({
    type: new List(new Field('element', new Float32(), true)),
    length: count,
    valueOffsets: Int32Array.from({ length: count + 1 }, (_, i) => i * dims),
    child: makeData({ type: new Float32(), length: flat.length, data: flat }),
  })
  const bytes = writeParquet(
    [
      ['index', makeData({ type: new Int64(), length: count, data: BigInt64Array.from({ length: count }, (_, i) => BigInt(i)) })],
      ['source_url', asciiColumn(new Utf8(), count, (i) => `s3://clay-tiles-02/02/${names[i]}`)],
      ['date', makeData({ type: new DateDay(), length: count, data: rowDays })],
      ['embeddings', list],
      ['geometry', makeData({ type: new Binary(), length: count, valueOffsets: Int32Array.from({ length: count + 1 }, (_, i) => i * WKB_POLYGON_BYTES), data: wkb })],
    ],
    { geo: geoMetadata(bbox, { library: CREATED_BY, version: String(ARCHIVE_VERSION) }) },
    CREATED_BY,
  )
  const target = path.join(dir, key)
  mkdirSync(path.dirname(target), { recursive: true })
  writeFileSync(target, bytes)
  return { key, size: bytes.length, mgrs, dates: days.map(isoDate), rows: count, bbox }
}

// ---------------------------------------------------------------------------------------------

/**
 * The benchmark's fixed queries, as examples (file, row, id): a planted chip (its group is the
 * right answer), a background chip, and three neighbouring chips of one date (a drawn area).
 */
function pickQueries(seed, files, planted, groups) {
  const rand = rng(seed, 'archive-queries')
  const idOf = (f, row) => {
    const file = files[f]
    let k = row
    for (const d of file.dates) {
      if (k < d.cells.length) return `${file.mgrs}_${isoDate(d.day).replaceAll('-', '')}_${String(d.cells[k]).padStart(4, '0')}`
      k -= d.cells.length
    }
    throw new Error(`row ${row} is not in ${file.mgrs}`)
  }
  const chip = (f, row) => ({ key: files[f].key, row, id: idOf(f, row) })
  const background = () => {
    for (;;) {
      const f = Math.floor(rand() * files.length)
      const row = Math.floor(rand() * files[f].count)
      if (!planted[f].has(row)) return chip(f, row)
    }
  }
  /** Three cells of one date: c, its east neighbour and the one south of it, none planted. */
  const area = () => {
    for (;;) {
      const f = Math.floor(rand() * files.length)
      let first = 0
      const d = Math.floor(rand() * files[f].dates.length)
      for (let i = 0; i < d; i++) first += files[f].dates[i].cells.length
      const cells = files[f].dates[d].cells
      const at = new Map(cells.map((c, i) => [c, first + i]))
      const c = cells[Math.floor(rand() * cells.length)]
      const rows = [c, c + 1, c + GRID].map((x) => at.get(x))
      if ((c - 1) % GRID < GRID - 1 && rows.every((r) => r !== undefined && !planted[f].has(r))) return rows.map((r) => chip(f, r))
    }
  }
  return [
    { name: 'planted', note: 'one member of planted group 0; its group is the right answer', group: 0, examples: [groups[0].members[0]] },
    { name: 'random', note: 'one background chip, chosen by the seed', examples: [background()] },
    { name: 'mean-of-3', note: 'a chip, its east and its south neighbour (one date of one file): a drawn area', examples: area() },
  ]
}

function writeArchive(dir, name, params, log) {
  const { chips, dims, seed } = params
  const started = performance.now()
  const space = makeSpace(seed, dims)
  const field = classField(seed)
  const plan = planFiles(seed, chips)
  const { groups: groupCount, byFile } = plantGroups(seed, plan, chips)
  const sigRand = rng(seed, 'archive-signatures')
  const signatures = Array.from({ length: groupCount }, () => randomDirection(sigRand, dims))
  const groups = Array.from({ length: groupCount }, (_, g) => ({ group: g, members: [] }))
  const sums = new Float64Array(dims)
  mkdirSync(dir, { recursive: true })
  const files = plan.map((file, f) => {
    const entry = writeFile(dir, space, field, signatures, seed, file, f, byFile[f], sums, (g, m) => groups[g].members.push(m))
    if (log && (f % 100 === 99 || f === plan.length - 1)) log(`${f + 1}/${plan.length} files (${((performance.now() - started) / 1000).toFixed(0)} s)`)
    return entry
  })
  const manifest = {
    generator: CREATED_BY,
    version: ARCHIVE_VERSION,
    name,
    params,
    model: { meanNorm: MEAN_NORM, spread: SPREAD, alpha: ALPHA, classes: CLASSES, within: WITHIN, rogue: ROGUE, weights: W, planted: P },
    chips,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    files,
    groups,
    queries: pickQueries(seed, plan.map((p, f) => ({ ...p, key: files[f].key })), byFile, groups),
    /** μ: the mean of every chip, float64 sums of the float32 values in file and row order. */
    mean: Array.from(sums, (s) => s / chips),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  }
  writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`)
  return manifest
}

function currentManifest(dir, params) {
  const file = path.join(dir, 'manifest.json')
  if (!existsSync(file)) return null
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8'))
    if (manifest?.version !== ARCHIVE_VERSION || !Array.isArray(manifest.files)) return null
    for (const k of ['chips', 'dims', 'seed']) if (manifest.params?.[k] !== params[k]) return null
    for (const f of manifest.files) if (statSync(path.join(dir, f.key), { throwIfNoEntry: false })?.size !== f.size) return null
    return manifest
  } catch {
    return null
  }
}

/**
 * Writes the archive for these parameters under outDir (or finds it there, current) and returns
 * its manifest with `dir`.
 * @param {{ chips?: number, dims?: number, seed?: number, outDir?: string, force?: boolean, log?: (line: string) => void }} options
 */
export async function writeArchiveSet(options = {}) {
  const params = { chips: options.chips ?? 1_200_000, dims: options.dims ?? 768, seed: options.seed ?? 1 }
  checkParams(params)
  const outDir = path.resolve(options.outDir ?? ARCHIVE_DIR)
  const name = archiveName(params)
  const dir = path.join(outDir, name)
  if (!options.force) {
    const existing = currentManifest(dir, params)
    if (existing) return { ...existing, dir }
  }
  const staging = path.join(outDir, `.staging-${name}-${process.pid}-${Math.random().toString(36).slice(2)}`)
  try {
    const manifest = writeArchive(staging, name, params, options.log)
    rmSync(dir, { recursive: true, force: true })
    renameSync(staging, dir)
    return { ...manifest, dir }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      chips: { type: 'string', default: '1200000' },
      dims: { type: 'string', default: '768' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: ARCHIVE_DIR },
      force: { type: 'boolean', default: false },
    },
  })
  try {
    const m = await writeArchiveSet({ chips: Number(values.chips), dims: Number(values.dims), seed: Number(values.seed), outDir: values.out, force: values.force, log: (l) => console.log(l) })
    const planted = m.groups.map((g) => g.members.length).join(', ')
    console.log(`${m.chips} chips in ${m.files.length} files, ${(m.totalBytes / 1e9).toFixed(2)} GB, planted groups of ${planted}, written in ${m.seconds} s: ${m.dir}`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
