#!/usr/bin/env node
// The synthetic encoder set: a Sentinel-2-like scene, its chips embedded with the committed test
// encoder, and the STAC items that point at the scene, so that draw → imagery → encode → rank
// runs end to end on local data (e2e/support/data-server.mjs serves it; docs: the top of
// scripts/imagery/make-scene.py for the scene).
//
//   node scripts/make-encoder-set.mjs [--force]      prints the manifest
//
// 1. The scene: scripts/imagery/make-scene.py, run with /usr/bin/python3 (Debian's numpy and
//    tifffile), into .cache/encoder-scene/<hash of the script>/ (two items of one tile, ten
//    band GeoTIFFs each, about 4 MB in all).
// 2. The set, in .cache/encoder-set/<hash of every input>/:
//      chipfinder-test-s2.parquet   one row per chip of the clear item's 6 × 6 grid: `id`
//          (<tile>_<YYYYMMDD>_r<row>_c<col>), `date` (DATE), `embeddings` list<float>[64],
//          `geometry` WKB lon/lat polygon of the chip, `source_model` "chipfinder-test-encoder-v1";
//          GeoParquet `geo` 1.0.0 (CRS84) with the bbox. SNAPPY, written with hyparquet-writer.
//      stac/items.json              a FeatureCollection of the two STAC items, asset hrefs
//          relative to the STAC root ("assets/<item>/<band>.tif"), which the data server makes
//          absolute; proj:code on the clear item, proj:epsg on the cloudy one (both spellings
//          occur in Earth Search's history).
//      manifest.json                what is where, the planted chips' ids and the timings.
//    The pixels are read back from the GeoTIFFs with geotiff.js (whole bands, then cut, and 20 m
//    bands repeated ×2), normalised and fed by app/lib/encoder/preprocess.ts (loaded through
//    Vite's module runner), and run through models/test-encoder/encoder.onnx with
//    onnxruntime-web's WASM backend in Node: the app's own preprocessing, on a read path
//    independent of app/lib/imagery/read-window.ts, so a query drawn inside one chip must give
//    back that chip's stored vector.
// Deterministic and cached: each folder is written into a staging folder and renamed into place,
// so concurrent callers never see half of one. Nothing here is committed (.cache/ is ignored).
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import proj4 from 'proj4'
import { fromFile } from 'geotiff'
import { geojsonToWkb, parquetWriteBuffer } from 'hyparquet-writer'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SCENE_SCRIPT = path.join(repoRoot, 'scripts', 'imagery', 'make-scene.py')
const MODEL_DIR = path.join(repoRoot, 'models', 'test-encoder')
export const SCENE_CACHE = path.join(repoRoot, '.cache', 'encoder-scene')
export const SET_CACHE = path.join(repoRoot, '.cache', 'encoder-set')
export const PARQUET_KEY = 'chipfinder-test-s2.parquet'
export const SOURCE_MODEL = 'chipfinder-test-encoder-v1'
const PYTHON = process.env.CHIPFINDER_PYTHON ?? '/usr/bin/python3'
const CREATED_BY = 'chipfinder make-encoder-set'

const sha = (...parts) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest('hex').slice(0, 16)
}

/** Renames `staging` to `target` unless another writer got there first. */
function publish(staging, target) {
  try {
    renameSync(staging, target)
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    if (!existsSync(target)) throw error
  }
}

/** The scene folder (make-scene.py's output), generated when this version of the script hasn't been. */
export function ensureScene({ log = () => {} } = {}) {
  const dir = path.join(SCENE_CACHE, sha(readFileSync(SCENE_SCRIPT)))
  if (existsSync(path.join(dir, 'scene.json'))) return { dir, seconds: 0 }
  mkdirSync(SCENE_CACHE, { recursive: true })
  const staging = `${dir}.staging-${process.pid}-${Date.now().toString(36)}`
  const started = performance.now()
  try {
    execFileSync(PYTHON, [SCENE_SCRIPT, staging], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    const stderr = error?.stderr?.toString() ?? ''
    throw new Error(
      `${SCENE_SCRIPT} failed (${PYTHON}${/No module named/.test(stderr) ? ': install python3-numpy and python3-tifffile from Debian' : ''}): ${stderr.slice(-400) || error}`,
      { cause: error },
    )
  }
  publish(staging, dir)
  const seconds = (performance.now() - started) / 1000
  log(`[encoder-set] scene written to ${dir} in ${seconds.toFixed(1)} s`)
  return { dir, seconds }
}

/** A 10 m raster of `band`, read back with geotiff.js, 20 m bands repeated ×2. */
async function readBand(file, size) {
  const tiff = await fromFile(file)
  const image = await tiff.getImage()
  const [data] = await image.readRasters({ samples: [0], interleave: false })
  const w = image.getWidth()
  const factor = size / w
  if (factor === 1) return data
  const out = new Uint16Array(size * size)
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[y * size + x] = data[Math.floor(y / factor) * w + Math.floor(x / factor)]
  return out
}

async function loadTs(file) {
  const { runnerImport } = await import('vite')
  const { module } = await runnerImport(path.join(repoRoot, file), { configFile: false, logLevel: 'silent', root: repoRoot })
  return module
}

/**
 * Writes (or finds) the set; returns its manifest with `dir` (absolute), `sceneDir` and the
 * seconds spent on the scene and on embedding (0 when cached).
 */
export async function writeEncoderSet({ force = false, log = () => {} } = {}) {
  const scene = ensureScene({ log })
  const inputs = ['scripts/make-encoder-set.mjs', 'scripts/imagery/make-scene.py', 'app/lib/encoder/preprocess.ts', 'app/lib/encoder/manifest.ts', 'models/test-encoder/manifest.json']
  const key = sha(...inputs.map((f) => readFileSync(path.join(repoRoot, f))))
  const dir = path.join(SET_CACHE, key)
  const manifestFile = path.join(dir, 'manifest.json')
  if (!force && existsSync(manifestFile)) return { ...JSON.parse(readFileSync(manifestFile, 'utf8')), dir, sceneDir: scene.dir, sceneSeconds: scene.seconds, embedSeconds: 0 }

  const started = performance.now()
  const { parseManifest } = await loadTs('app/lib/encoder/manifest.ts')
  const { buildFeeds } = await loadTs('app/lib/encoder/preprocess.ts')
  const manifest = parseManifest(JSON.parse(readFileSync(path.join(MODEL_DIR, 'manifest.json'), 'utf8')))
  const info = JSON.parse(readFileSync(path.join(scene.dir, 'scene.json'), 'utf8'))
  const clear = info.items.reduce((a, b) => (a.cloud_cover <= b.cloud_cover ? a : b))
  const size = info.size_10m
  const chipPx = manifest.chipSizePx
  const gsd = info.gsd_m
  const [x0, y0] = info.origin
  const n = size / chipPx
  const epsg = `EPSG:${info.epsg}`
  const toLonLat = proj4(epsg, 'EPSG:4326')
  const tile = clear.id.split('_')[1]
  const ymd = clear.datetime.slice(0, 10).replaceAll('-', '')

  // Whole bands, by band name.
  const full = {}
  for (const band of manifest.bands) {
    const asset = clear.assets[band.asset]
    if (!asset) throw new Error(`make-scene.py wrote no ${band.asset} asset`)
    full[band.name] = await readBand(path.join(scene.dir, asset.href), size)
  }

  const ort = await import('onnxruntime-web')
  ort.env.wasm.numThreads = 1
  ort.env.logLevel = 'error'
  const session = await ort.InferenceSession.create(readFileSync(path.join(MODEL_DIR, manifest.url)), { executionProviders: ['wasm'] })

  const chips = []
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const bands = {}
      for (const band of manifest.bands) {
        const src = full[band.name]
        const a = new Uint16Array(chipPx * chipPx)
        for (let y = 0; y < chipPx; y++) a.set(src.subarray((row * chipPx + y) * size + col * chipPx, (row * chipPx + y) * size + (col + 1) * chipPx), y * chipPx)
        bands[band.name] = a
      }
      const cx0 = x0 + col * chipPx * gsd
      const cy1 = y0 - row * chipPx * gsd
      const cx1 = cx0 + chipPx * gsd
      const cy0 = cy1 - chipPx * gsd
      const [lon, lat] = toLonLat.forward([(cx0 + cx1) / 2, (cy0 + cy1) / 2])
      // Counter-clockwise from the south-west, closed.
      const ring = [
        [cx0, cy0],
        [cx1, cy0],
        [cx1, cy1],
        [cx0, cy1],
        [cx0, cy0],
      ].map((p) => toLonLat.forward(p))
      chips.push({ id: `${tile}_${ymd}_r${row}_c${col}`, row, col, bands, lon, lat, ring })
    }
  }

  const dims = manifest.output.dims
  const vectors = new Float32Array(chips.length * dims)
  const BATCH = 4
  for (let start = 0; start < chips.length; start += BATCH) {
    const batch = chips.slice(start, start + BATCH)
    const feeds = buildFeeds(
      manifest,
      batch.map((c) => ({ bands: c.bands, datetime: clear.datetime, lon: c.lon, lat: c.lat })),
    )
    const tensors = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.dims)]))
    const out = await session.run(tensors)
    vectors.set(out[manifest.output.name].data, start * dims)
  }
  await session.release()

  const lons = chips.flatMap((c) => c.ring.map((p) => p[0]))
  const lats = chips.flatMap((c) => c.ring.map((p) => p[1]))
  const bbox = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)]
  const geo = JSON.stringify({
    primary_column: 'geometry',
    columns: { geometry: { encoding: 'WKB', geometry_types: ['Polygon'], bbox } },
    version: '1.0.0',
    creator: { library: CREATED_BY, version: '1' },
  })
  const day = Date.parse(clear.datetime.slice(0, 10)) / 86_400_000
  const parquet = parquetWriteBuffer({
    schema: [
      { name: 'schema', num_children: 5 },
      { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' },
      { name: 'date', type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' }, repetition_type: 'OPTIONAL' },
      { name: 'embeddings', repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' },
      { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'source_model', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' },
    ],
    columnData: [
      { name: 'id', data: chips.map((c) => c.id) },
      { name: 'date', data: chips.map(() => day) },
      { name: 'embeddings', data: chips.map((_, i) => Array.from(vectors.subarray(i * dims, (i + 1) * dims))) },
      { name: 'geometry', data: chips.map((c) => geojsonToWkb({ type: 'Polygon', coordinates: [c.ring] })) },
      { name: 'source_model', data: chips.map(() => SOURCE_MODEL) },
    ],
    codec: 'SNAPPY',
    kvMetadata: [{ key: 'geo', value: geo }],
    createdBy: CREATED_BY,
  })

  // STAC items of both acquisitions: footprint = the scene's square in lon/lat.
  const corners = [
    [x0, y0 - size * gsd],
    [x0 + size * gsd, y0 - size * gsd],
    [x0 + size * gsd, y0],
    [x0, y0],
    [x0, y0 - size * gsd],
  ].map((p) => toLonLat.forward(p))
  const footprint = { type: 'Polygon', coordinates: [corners] }
  const fbbox = [Math.min(...corners.map((p) => p[0])), Math.min(...corners.map((p) => p[1])), Math.max(...corners.map((p) => p[0])), Math.max(...corners.map((p) => p[1]))]
  const items = info.items.map((item, i) => ({
    type: 'Feature',
    stac_version: '1.0.0',
    stac_extensions: ['https://stac-extensions.github.io/eo/v1.1.0/schema.json', 'https://stac-extensions.github.io/projection/v1.1.0/schema.json'],
    id: item.id,
    collection: 'sentinel-2-l2a',
    bbox: fbbox,
    geometry: footprint,
    properties: {
      datetime: item.datetime,
      platform: item.id.startsWith('S2A') ? 'sentinel-2a' : 'sentinel-2b',
      'eo:cloud_cover': item.cloud_cover,
      'grid:code': `MGRS-${tile}`,
      ...(i === 0 ? { 'proj:code': epsg } : { 'proj:epsg': info.epsg }),
    },
    assets: Object.fromEntries(
      Object.entries(item.assets).map(([assetKey, a]) => [
        assetKey,
        { href: `assets/${a.href}`, type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data', 'reflectance'], gsd: a.gsd, title: a.band },
      ]),
    ),
    links: [],
  }))

  const planted = info.planted.lake.map(([r, c]) => `${tile}_${ymd}_r${r}_c${c}`)
  const embedSeconds = (performance.now() - started) / 1000
  const out = {
    generator: CREATED_BY,
    key,
    parquet: PARQUET_KEY,
    rows: chips.length,
    dims,
    sourceModel: SOURCE_MODEL,
    bbox,
    scene: { epsg: info.epsg, origin: info.origin, size: size, chipPx, gsd, clear: clear.id, items: info.items.map((it) => ({ id: it.id, datetime: it.datetime, cloudCover: it.cloud_cover })) },
    stacItems: 'stac/items.json',
    planted: { lake: planted },
    chips: chips.map((c) => ({ id: c.id, row: c.row, col: c.col, centre: [c.lon, c.lat] })),
  }
  mkdirSync(SET_CACHE, { recursive: true })
  const staging = `${dir}.staging-${process.pid}-${Date.now().toString(36)}`
  mkdirSync(path.join(staging, 'stac'), { recursive: true })
  writeFileSync(path.join(staging, PARQUET_KEY), new Uint8Array(parquet))
  writeFileSync(path.join(staging, 'stac', 'items.json'), `${JSON.stringify({ type: 'FeatureCollection', features: items }, null, 1)}\n`)
  writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(out, null, 1)}\n`)
  if (force) rmSync(dir, { recursive: true, force: true })
  publish(staging, dir)
  log(`[encoder-set] ${chips.length} chips embedded into ${dir} in ${embedSeconds.toFixed(1)} s`)
  return { ...out, dir, sceneDir: scene.dir, sceneSeconds: scene.seconds, embedSeconds }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const force = process.argv.includes('--force')
  writeEncoderSet({ force, log: (l) => console.error(l) })
    .then((m) => console.log(JSON.stringify({ ...m, chips: `${m.chips.length} chips` }, null, 1)))
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error)
      process.exit(1)
    })
}
