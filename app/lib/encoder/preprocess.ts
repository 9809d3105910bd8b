// What an encoder is fed, exactly as ../shared/DATA.md ("The encoder") says Clay v1 / v1.5 was
// fed when the published embeddings were made. The model facts (band order, means, stds,
// wavelengths, input names, which inputs exist) come from the manifest; this file only knows
// the formulas.
import type { ModelManifest } from './manifest.ts'

/** One input tensor: row-major data and its shape. */
export interface Feed {
  data: Float32Array
  dims: number[]
}

/** A chip's raw pixels, one array per band name, each chipSizePx² values, row-major from the north-west. */
export type ChipBands = Readonly<Record<string, ArrayLike<number>>>

/**
 * The cube of one chip: C × S × S float32 in the manifest's band order, each value
 * (raw − mean) / std. Raw values are used as they come (Sentinel-2 L2A digital numbers, 0 where
 * the scene has no data): the published embeddings were made from the same numbers.
 * Writes into `out` at `offset` when given (to fill a batch without copying).
 */
export function normaliseChip(bands: ChipBands, manifest: ModelManifest, out?: Float32Array, offset = 0): Float32Array {
  const plane = manifest.chipSizePx * manifest.chipSizePx
  const cube = out ?? new Float32Array(manifest.bands.length * plane)
  if (offset + manifest.bands.length * plane > cube.length) throw new RangeError('normaliseChip: the output is too small for this chip')
  manifest.bands.forEach((band, c) => {
    const raw = bands[band.name]
    if (!raw) throw new Error(`The chip has no ${band.name} band (asset "${band.asset}"), which the model needs.`)
    if (raw.length !== plane) throw new Error(`The ${band.name} band of the chip has ${raw.length} pixels, not ${manifest.chipSizePx}×${manifest.chipSizePx}.`)
    const base = offset + c * plane
    const scale = 1 / band.std
    for (let i = 0; i < plane; i++) cube[base + i] = (raw[i]! - band.mean) * scale
  })
  return cube
}

/**
 * ISO 8601 week number (1–53) of a UTC date: the week that holds the year's first Thursday is
 * week 1. Clay's data pipeline takes `date.isocalendar().week` (Python's ISO week), so the same
 * numbering reproduces its `time` input; week 53 simply wraps a little past a full turn.
 */
export function isoWeek(date: Date): number {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  const weekday = d.getUTCDay() || 7 // Monday 1 … Sunday 7
  d.setUTCDate(d.getUTCDate() + 4 - weekday) // the Thursday of this week decides its year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1)
  return Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7)
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/**
 * The `time` input: [sin(week·2π/52), cos(week·2π/52), sin(hour·2π/24), cos(hour·2π/24)], week
 * the ISO week (see isoWeek), hour the whole UTC hour of the acquisition (Python's `date.hour`,
 * as Clay's pipeline used on STAC datetimes), 12 when only a date is known ("YYYY-MM-DD").
 */
export function timeVector(datetime: string | Date): Float32Array {
  let date: Date
  let hour: number
  if (typeof datetime === 'string' && DATE_ONLY.test(datetime)) {
    date = new Date(`${datetime}T12:00:00Z`)
    hour = 12
  } else {
    date = typeof datetime === 'string' ? new Date(datetime) : datetime
    hour = date.getUTCHours()
  }
  if (Number.isNaN(date.getTime())) throw new Error(`"${String(datetime).slice(0, 40)}" is not a date.`)
  const w = (isoWeek(date) * 2 * Math.PI) / 52
  const h = (hour * 2 * Math.PI) / 24
  return Float32Array.of(Math.sin(w), Math.cos(w), Math.sin(h), Math.cos(h))
}

/**
 * The `latlon` input, in radians: [sin(lon), cos(lon), sin(lat), cos(lat)] — lon first, the order
 * the published embedding runs fed (two swaps in the producer's code cancel out; DATA.md) — or
 * [sin(lat), cos(lat), sin(lon), cos(lon)] for a manifest that says "lat-first".
 */
export function latlonVector(lon: number, lat: number, fill: 'lon-first' | 'lat-first' = 'lon-first'): Float32Array {
  const x = (lon * Math.PI) / 180
  const y = (lat * Math.PI) / 180
  return fill === 'lon-first' ? Float32Array.of(Math.sin(x), Math.cos(x), Math.sin(y), Math.cos(y)) : Float32Array.of(Math.sin(y), Math.cos(y), Math.sin(x), Math.cos(x))
}

/** The `waves` input: band centre wavelengths in micrometres, in the manifest's band order. */
export function wavesVector(manifest: ModelManifest): Float32Array {
  return Float32Array.from(manifest.bands, (b) => b.wavelengthUm)
}

/** One chip to encode. */
export interface EncoderChip {
  /** The chip's pixels, raw, by band name (normalised here), or its cube already normalised. */
  bands?: ChipBands
  cube?: Float32Array
  /** Acquisition time: an ISO datetime, or a date alone (then noon is used). */
  datetime: string
  /** The chip centre, lon/lat degrees. */
  lon: number
  lat: number
}

/**
 * The feeds of one batch, keyed by the model's tensor names: cube [B, C, S, S], time [B, 4] and
 * latlon [B, 4] when the model has them, waves [C] and gsd [1] unless the export baked them in
 * (the manifest then has no such inputs).
 */
export function buildFeeds(manifest: ModelManifest, chips: readonly EncoderChip[]): Record<string, Feed> {
  const batch = chips.length
  if (batch === 0) throw new Error('buildFeeds: no chips')
  const c = manifest.bands.length
  const s = manifest.chipSizePx
  const perChip = c * s * s
  const cube = new Float32Array(batch * perChip)
  chips.forEach((chip, b) => {
    if (chip.cube) {
      if (chip.cube.length !== perChip) throw new Error(`A chip's cube has ${chip.cube.length} values, not ${c}×${s}×${s}.`)
      cube.set(chip.cube, b * perChip)
    } else if (chip.bands) normaliseChip(chip.bands, manifest, cube, b * perChip)
    else throw new Error('buildFeeds: a chip has neither bands nor a cube')
  })
  const feeds: Record<string, Feed> = { [manifest.inputs.cube.name]: { data: cube, dims: [batch, c, s, s] } }
  const { time, latlon, waves, gsd } = manifest.inputs
  if (time) {
    const data = new Float32Array(batch * 4)
    chips.forEach((chip, b) => data.set(timeVector(chip.datetime), b * 4))
    feeds[time.name] = { data, dims: [batch, 4] }
  }
  if (latlon) {
    const data = new Float32Array(batch * 4)
    chips.forEach((chip, b) => data.set(latlonVector(chip.lon, chip.lat, latlon.fill), b * 4))
    feeds[latlon.name] = { data, dims: [batch, 4] }
  }
  if (waves) feeds[waves.name] = { data: wavesVector(manifest), dims: [c] }
  if (gsd) feeds[gsd.name] = { data: Float32Array.of(manifest.gsdM), dims: [1] }
  return feeds
}

/**
 * The weighted mean of `vectors` (B × dims, flat, or one array per vector): Σ wᵢ·vᵢ / Σ wᵢ.
 * Weights must be ≥ 0 with a positive sum (a drawn area's overlap with each chip).
 */
export function weightedMean(vectors: Float32Array | readonly Float32Array[], weights: readonly number[], dims: number): Float32Array {
  const count = Array.isArray(vectors) ? vectors.length : (vectors as Float32Array).length / dims
  if (!Number.isInteger(count) || count !== weights.length) throw new Error(`weightedMean: ${weights.length} weights for ${count} vectors`)
  let total = 0
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error('weightedMean: weights must be finite and ≥ 0')
    total += w
  }
  if (!(total > 0)) throw new Error('weightedMean: the weights sum to 0')
  // Sum in float64: many small weights over long vectors lose little.
  const acc = new Float64Array(dims)
  for (let i = 0; i < count; i++) {
    const w = weights[i]! / total
    if (w === 0) continue
    const v = Array.isArray(vectors) ? (vectors as readonly Float32Array[])[i]! : (vectors as Float32Array).subarray(i * dims, (i + 1) * dims)
    if (v.length !== dims) throw new Error(`weightedMean: vector ${i} has ${v.length} values, not ${dims}`)
    for (let d = 0; d < dims; d++) acc[d]! += w * v[d]!
  }
  return Float32Array.from(acc)
}
