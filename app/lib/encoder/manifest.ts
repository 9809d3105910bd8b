// A model's manifest (models/<id>/manifest.json): every fact the app needs to feed an encoder and
// to know what its vectors mean, so that no model fact lives in code (CONVENTIONS.md, rule 7).
// Untrusted input (a deployment may host its own): every field is checked, and a bad manifest is
// refused with one message that names the field.
//
// JSON (snake_case, as committed) → ModelManifest (camelCase):
//   id, name, about?, licence?                       text
//   url                                              the ONNX file, relative to the manifest
//   sha256 | null, bytes | null                      checksum and size (null: not known yet)
//   precision                                        "fp32" | "fp16" | …, for people
//   output { name, dims }                            the output tensor: [batch, dims]
//   embedding_space                                  vectors of two models mix only when equal
//   inputs { cube, time?, latlon?, waves?, gsd? }    each { name, shape?, dtype?, fill?, about? }
//       cube: [batch, bands, chip, chip] float32, (raw − mean) / std in the order of `bands`
//       time.fill "week-hour"; latlon.fill "lon-first" | "lat-first"; waves.fill "wavelengths";
//       gsd.fill "gsd"
//   chip_size_px, gsd_m                              the chip the model sees (256 px at 10 m)
//   imagery { collection, stac, resample_20m? }      where its pixels come from (optional)
//   bands [{ name, asset, mean, std, wavelength_um, gsd_m }]  in the model's band order
//   constants { waves?, gsd? }                       inputs baked into the export: not fed

/** One input band, in the model's order. */
export interface ManifestBand {
  /** The sensor's band name, e.g. "B02". */
  name: string
  /** The STAC asset key that holds the band, e.g. "blue" (Earth Search). */
  asset: string
  /** Normalisation: (raw − mean) / std. */
  mean: number
  std: number
  /** Band centre wavelength in micrometres. */
  wavelengthUm: number
  /** The band's native resolution in metres (20 m bands are upsampled to the chip's gsd). */
  gsdM: number
}

/** An input tensor of the model. */
export interface ManifestInput {
  /** The tensor's name in the ONNX graph. */
  name: string
}

export type TimeFill = 'week-hour'
export type LatLonFill = 'lon-first' | 'lat-first'

export interface ModelManifest {
  id: string
  name: string
  about: string | null
  licence: string | null
  /** Where the ONNX file is, relative to the manifest (resolve it against the manifest's URL). */
  url: string
  /** Lower-case hex SHA-256 of the ONNX file, or null when not known. */
  sha256: string | null
  /** Size of the ONNX file in bytes, or null when not known. */
  bytes: number | null
  precision: string
  output: { name: string; dims: number }
  /** Vectors from two models can be compared only when their spaces are equal. */
  embeddingSpace: string
  inputs: {
    cube: ManifestInput
    time: (ManifestInput & { fill: TimeFill }) | null
    latlon: (ManifestInput & { fill: LatLonFill }) | null
    /** Null when the model has none, or has them baked in (`constants`). */
    waves: ManifestInput | null
    gsd: ManifestInput | null
  }
  /** Chip side in pixels (the cube's height and width). */
  chipSizePx: number
  /** Metres per pixel of the chip. */
  gsdM: number
  /** Where the model's imagery comes from, when it is a STAC collection. */
  imagery: { collection: string; stac: string; resample20m: 'nearest' } | null
  bands: ManifestBand[]
}

/** A manifest that can't be used: its message names the field and what is wrong with it. */
export class ManifestError extends Error {
  override name = 'ManifestError'
}

const MAX_TEXT = 2000
const MAX_BANDS = 64

type Json = Record<string, unknown>

function fail(where: string, what: string): never {
  throw new ManifestError(`The model manifest is not usable: ${where} ${what}.`)
}

function obj(v: unknown, where: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(where, 'must be an object')
  return v as Json
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || !v.trim()) fail(where, 'must be a non-empty string')
  if (v.length > MAX_TEXT) fail(where, `is longer than ${MAX_TEXT} characters`)
  return v.trim()
}

function optStr(v: unknown, where: string): string | null {
  return v === undefined || v === null ? null : str(v, where)
}

function num(v: unknown, where: string, { positive = false, integer = false } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(where, 'must be a number')
  if (integer && !Number.isInteger(v)) fail(where, 'must be a whole number')
  if (positive && v <= 0) fail(where, 'must be greater than 0')
  return v
}

function input(v: unknown, where: string): ManifestInput {
  const o = obj(v, where)
  const name = str(o.name, `${where}.name`)
  if (o.shape !== undefined && !Array.isArray(o.shape)) fail(`${where}.shape`, 'must be a list')
  if (o.dtype !== undefined && o.dtype !== 'float32') fail(`${where}.dtype`, 'must be "float32" (the only type the app feeds)')
  return { name }
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}

/** The manifest, checked; throws ManifestError naming the first bad field. */
export function parseManifest(json: unknown): ModelManifest {
  const m = obj(json, 'the manifest')
  const id = str(m.id, '"id"')
  const url = str(m.url, '"url"')
  // Relative (to the manifest) or http(s); nothing else is ever fetched.
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !isHttpUrl(url)) fail('"url"', 'must be an http(s) link or a path relative to the manifest')
  let sha256: string | null = null
  if (m.sha256 !== null && m.sha256 !== undefined) {
    if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(m.sha256)) fail('"sha256"', 'must be 64 hexadecimal digits or null')
    sha256 = m.sha256.toLowerCase()
  }
  const bytes = m.bytes === null || m.bytes === undefined ? null : num(m.bytes, '"bytes"', { positive: true, integer: true })

  const out = obj(m.output, '"output"')
  const output = { name: str(out.name, '"output.name"'), dims: num(out.dims, '"output.dims"', { positive: true, integer: true }) }
  if (output.dims > 1_000_000) fail('"output.dims"', 'is implausibly large')

  if (!Array.isArray(m.bands) || m.bands.length === 0) fail('"bands"', 'must be a non-empty list')
  if (m.bands.length > MAX_BANDS) fail('"bands"', `has more than ${MAX_BANDS} entries`)
  const bands = m.bands.map((raw, i): ManifestBand => {
    const where = `"bands[${i}]`
    const b = obj(raw, `${where}"`)
    const std = num(b.std, `${where}.std"`)
    if (std <= 0) fail(`${where}.std"`, 'must be greater than 0 (it divides)')
    const wavelengthUm = num(b.wavelength_um, `${where}.wavelength_um"`, { positive: true })
    // Micrometres: Sentinel-2 spans 0.44–2.2, anything beyond 20 is almost surely nanometres.
    if (wavelengthUm > 20) fail(`${where}.wavelength_um"`, `is ${wavelengthUm}: wavelengths are in micrometres, not nanometres`)
    return {
      name: str(b.name, `${where}.name"`),
      asset: str(b.asset, `${where}.asset"`),
      mean: num(b.mean, `${where}.mean"`),
      std,
      wavelengthUm,
      gsdM: num(b.gsd_m, `${where}.gsd_m"`, { positive: true }),
    }
  })
  const names = new Set(bands.map((b) => b.name))
  if (names.size !== bands.length) fail('"bands"', 'names a band twice')

  const constants = m.constants === undefined || m.constants === null ? {} : obj(m.constants, '"constants"')
  const ins = obj(m.inputs, '"inputs"')
  const cube = input(ins.cube, '"inputs.cube"')
  let time: ModelManifest['inputs']['time'] = null
  if (ins.time !== undefined) {
    const t = input(ins.time, '"inputs.time"')
    const fill = obj(ins.time, '"inputs.time"').fill
    if (fill !== 'week-hour') fail('"inputs.time.fill"', 'must be "week-hour"')
    time = { ...t, fill }
  }
  let latlon: ModelManifest['inputs']['latlon'] = null
  if (ins.latlon !== undefined) {
    const l = input(ins.latlon, '"inputs.latlon"')
    const fill = obj(ins.latlon, '"inputs.latlon"').fill
    if (fill !== 'lon-first' && fill !== 'lat-first') fail('"inputs.latlon.fill"', 'must be "lon-first" or "lat-first"')
    latlon = { ...l, fill }
  }
  const waves = ins.waves === undefined ? null : input(ins.waves, '"inputs.waves"')
  const gsd = ins.gsd === undefined ? null : input(ins.gsd, '"inputs.gsd"')
  if (waves && constants.waves !== undefined) fail('"inputs.waves"', 'is both an input and a constant')
  if (gsd && constants.gsd !== undefined) fail('"inputs.gsd"', 'is both an input and a constant')
  const inputNames = [cube, time, latlon, waves, gsd].flatMap((x) => (x ? [x.name] : []))
  if (new Set(inputNames).size !== inputNames.length) fail('"inputs"', 'use one tensor name twice')

  const chipSizePx = num(m.chip_size_px, '"chip_size_px"', { positive: true, integer: true })
  if (chipSizePx > 4096) fail('"chip_size_px"', 'is implausibly large')
  const gsdM = num(m.gsd_m, '"gsd_m"', { positive: true })

  let imagery: ModelManifest['imagery'] = null
  if (m.imagery !== undefined && m.imagery !== null) {
    const im = obj(m.imagery, '"imagery"')
    const stac = str(im.stac, '"imagery.stac"')
    if (!isHttpUrl(stac)) fail('"imagery.stac"', 'must be an http(s) link')
    if (im.resample_20m !== undefined && im.resample_20m !== 'nearest') fail('"imagery.resample_20m"', 'must be "nearest"')
    imagery = { collection: str(im.collection, '"imagery.collection"'), stac: stac.replace(/\/+$/, ''), resample20m: 'nearest' }
  }
  if (imagery) {
    for (const b of bands) {
      const ratio = b.gsdM / gsdM
      if (!Number.isInteger(ratio) || ratio < 1) fail(`"bands" (${b.name}).gsd_m`, `must be a whole multiple of the chip's gsd_m (${gsdM})`)
    }
  }

  return {
    id,
    name: str(m.name ?? id, '"name"'),
    about: optStr(m.about, '"about"'),
    licence: optStr(m.licence ?? m.license, '"licence"'),
    url,
    sha256,
    bytes,
    precision: str(m.precision ?? 'fp32', '"precision"'),
    output,
    embeddingSpace: str(m.embedding_space, '"embedding_space"'),
    inputs: { cube, time, latlon, waves, gsd },
    chipSizePx,
    gsdM,
    imagery,
    bands,
  }
}
