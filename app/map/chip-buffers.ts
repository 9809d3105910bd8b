// The typed arrays the chip layers draw from, and the GPU filter ranges that stand for the
// threshold and the loss filter. Pure: no deck.gl, no DOM, so it runs (and is tested) in Node.
//
// The split is what keeps the map interactive at a million chips:
// - once per segment (file): its chips' centres and size, for the point layers;
// - once per ranking (or colour setting): one RGBA colour and one [score, loss] filter pair per
//   chip, each in one tight loop over typed arrays;
// - per threshold or loss-filter change: nothing but two filter ranges, which DataFilterExtension
//   turns into uniforms. No colour, no ranking, no per-chip JavaScript.

import type { ChipSegment } from '../lib/chip-collection.ts'
import { intersects, type BBox } from '../lib/bbox.ts'
import { viridis } from '../lib/color-ramp.ts'
import type { ScoreDomain } from '../lib/histogram.ts'

/** Alpha of a coloured chip, and of a chip before any ranking (or without a loss, coloured by loss). */
export const RANKED_ALPHA = 185
export const UNRANKED_FILL: readonly [number, number, number, number] = [255, 255, 255, 36]
/** Alpha a chip below the threshold keeps: it fades towards the basemap rather than vanish. */
export const FADED_ALPHA = 18
/** Opacity of the faded layer, which draws the same colours (alpha RANKED_ALPHA) as the other. */
export const FADED_OPACITY = FADED_ALPHA / RANKED_ALPHA

/** Filter bounds that let everything through (finite: some GPUs mishandle infinities). */
export const OPEN = 1e30
/** The score filter value of a chip without a score (loaded after the ranking, or none yet): always "above". */
export const UNRANKED_SCORE = 1e29
/**
 * The loss filter value of a chip whose file has a loss column but no value for this chip. The
 * GPU can't keep a chip inside every possible range, so such a chip is hidden while a loss filter
 * is set (lossKeep in chip-filter.ts keeps it; files with gaps in `loss` are not known to exist).
 */
export const MISSING_LOSS = -1e29

/** Below this many pixels across, chips are drawn as points; at or above, as their footprints. */
export const FOOTPRINT_MIN_PIXELS = 6
/** Smallest side of a chip drawn as a point, so a million tiny chips still show. */
export const POINT_MIN_PIXELS = 2
/** Web Mercator world width in pixels at zoom 0 (MapLibre's 512-pixel tiles). */
const WORLD_PIXELS = 512

// ---------------------------------------------------------------------------------------------
// Float32 edges: the GPU compares float32 scores with float32 bounds; the panels compare the same
// float32 scores, as doubles, with the slider's double. These keep the two in agreement.

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** The next float32 above a float32 value. */
function nextUp(x: number): number {
  f32[0] = x
  if (x === 0) u32[0] = 1
  else if (x > 0) u32[0]! += 1
  else u32[0]! -= 1
  return f32[0]!
}

/** The next float32 below a float32 value. */
function nextDown(x: number): number {
  return -nextUp(-x)
}

/** Smallest float32 ≥ x: a float32 score s passes s ≥ it exactly when s ≥ x. */
export function float32AtOrAbove(x: number): number {
  const f = Math.fround(x)
  return f < x ? nextUp(f) : f
}

/** Largest float32 ≤ x. */
export function float32AtOrBelow(x: number): number {
  const f = Math.fround(x)
  return f > x ? nextDown(f) : f
}

// ---------------------------------------------------------------------------------------------
// Colours

const RAMP_STEPS = 1024
/** Viridis as packed little-endian RGBA words (alpha RANKED_ALPHA), RAMP_STEPS entries. */
const RAMP = (() => {
  const bytes = new Uint8Array(RAMP_STEPS * 4)
  for (let i = 0; i < RAMP_STEPS; i++) {
    const [r, g, b] = viridis(i / (RAMP_STEPS - 1))
    bytes.set([r, g, b, RANKED_ALPHA], i * 4)
  }
  return new Uint32Array(bytes.buffer)
})()
const UNRANKED_WORD = new Uint32Array(new Uint8Array(UNRANKED_FILL).buffer)[0]!

/**
 * One RGBA colour per chip of a segment: viridis over the domain for chips with a value, the
 * neutral fill for chips without. `values` is indexed from `offset` (global rows for scores, 0 for
 * a segment's own loss column); entries past its end, or NaN, have no value.
 */
export function rampColours(values: Float32Array | null, offset: number, count: number, domain: ScoreDomain | null): Uint8Array {
  const out = new Uint8Array(count * 4)
  const words = new Uint32Array(out.buffer)
  if (!values || !domain) {
    words.fill(UNRANKED_WORD)
    return out
  }
  const scale = (RAMP_STEPS - 1) / (domain.max - domain.min)
  const min = domain.min
  const end = Math.min(count, Math.max(0, values.length - offset))
  for (let i = 0; i < end; i++) {
    const v = values[offset + i]!
    if (v !== v) {
      words[i] = UNRANKED_WORD
      continue
    }
    const k = Math.round((v - min) * scale)
    words[i] = RAMP[k < 0 ? 0 : k >= RAMP_STEPS ? RAMP_STEPS - 1 : k]!
  }
  words.fill(UNRANKED_WORD, end)
  return out
}

/**
 * Filter values for DataFilterExtension ({ filterSize: 2 }): [score, loss] per chip. Chips
 * without a score get UNRANKED_SCORE (never below a threshold); without a loss, 0 when the file
 * has no loss column (its layers never filter by loss) or MISSING_LOSS.
 */
export function filterValues(scores: Float32Array | null, offset: number, count: number, loss: Float32Array | undefined): Float32Array {
  const out = new Float32Array(count * 2)
  const end = scores ? Math.min(count, Math.max(0, scores.length - offset)) : 0
  for (let i = 0; i < end; i++) out[2 * i] = scores![offset + i]!
  for (let i = end; i < count; i++) out[2 * i] = UNRANKED_SCORE
  if (loss) {
    for (let i = 0; i < count; i++) {
      const l = loss[i]!
      out[2 * i + 1] = l === l ? l : MISSING_LOSS
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Filter ranges (uniforms)

export type FilterRange = [[number, number], [number, number]]

export interface ChipFilters {
  /** The chips drawn in full colour: at or above the threshold (all, without one). */
  shown: FilterRange
  /** The chips drawn faded (below the threshold); null when none are. */
  faded: FilterRange | null
}

/**
 * The [score, loss] ranges of a segment's two layers. The threshold fades chips only while they
 * are coloured by score; the loss filter hides chips in files with a loss column.
 */
export function chipFilters(threshold: number | null, fading: boolean, lossFilter: [number, number] | null, hasLoss: boolean): ChipFilters {
  const loss: [number, number] = lossFilter && hasLoss ? [float32AtOrAbove(lossFilter[0]), float32AtOrBelow(lossFilter[1])] : [-OPEN, OPEN]
  if (threshold === null || !fading) return { shown: [[-OPEN, OPEN], loss], faded: null }
  const lowest = float32AtOrAbove(threshold)
  return { shown: [[lowest, OPEN], loss], faded: [[-OPEN, nextDown(lowest)], loss] }
}

// ---------------------------------------------------------------------------------------------
// Where and how big: points or footprints

export interface SegmentShape {
  bbox: BBox
  /** A typical chip's north–south extent, degrees (the median of a sample). */
  chipDegrees: number
  /** A typical chip's side in metres: the size of its point. */
  chipMetres: number
  /** Latitude of the segment's middle, for the Mercator scale. */
  latitude: number
}

const shapes = new WeakMap<ChipSegment, SegmentShape>()
const METRES_PER_DEGREE = 111_320

/** A segment's box and typical chip size, computed once. */
export function segmentShape(segment: ChipSegment): SegmentShape {
  let shape = shapes.get(segment)
  if (shape) return shape
  const { ringStarts, ringCoords } = segment.chips
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity]
  for (let i = 0; i < ringCoords.length; i += 2) {
    const x = ringCoords[i]!
    const y = ringCoords[i + 1]!
    if (x < bbox[0]) bbox[0] = x
    if (x > bbox[2]) bbox[2] = x
    if (y < bbox[1]) bbox[1] = y
    if (y > bbox[3]) bbox[3] = y
  }
  // The median of up to 101 chips spread over the segment: one odd footprint changes nothing.
  const sample: number[] = []
  const step = Math.max(1, Math.floor(segment.count / 101))
  for (let i = 0; i < segment.count; i += step) {
    let lo = Infinity
    let hi = -Infinity
    for (let v = ringStarts[i]!; v < ringStarts[i + 1]!; v++) {
      const y = ringCoords[2 * v + 1]!
      if (y < lo) lo = y
      if (y > hi) hi = y
    }
    if (hi > lo) sample.push(hi - lo)
  }
  sample.sort((a, b) => a - b)
  const chipDegrees = sample[sample.length >> 1] ?? 0
  shape = { bbox, chipDegrees, chipMetres: chipDegrees * METRES_PER_DEGREE, latitude: (bbox[1] + bbox[3]) / 2 }
  shapes.set(segment, shape)
  return shape
}

/** What the map shows: its bounds (west may be below −180 and east above 180) and zoom. */
export interface MapViewState {
  bounds: BBox
  zoom: number
}

/** How many pixels a typical chip of the segment spans at this zoom. */
export function chipPixels(shape: SegmentShape, zoom: number): number {
  const pixelsPerDegree = (WORLD_PIXELS * 2 ** zoom) / 360
  const latitude = Math.min(85, Math.abs(shape.latitude))
  return (shape.chipDegrees * pixelsPerDegree) / Math.cos((latitude * Math.PI) / 180)
}

/** Whether any of the segment is in view (any world copy). */
export function inView(shape: SegmentShape, view: MapViewState | null): boolean {
  if (!view) return true
  const [w, s, e, n] = view.bounds
  if (e - w >= 360) return shape.bbox[1] <= n && s <= shape.bbox[3]
  const b = shape.bbox
  return [-360, 0, 360].some((shift) => intersects([b[0] + shift, b[1], b[2] + shift, b[3]], [w, s, e, n]))
}

export type SegmentMode = 'hidden' | 'points' | 'footprints'

/** Points while a chip is a few pixels across, its footprint once it is bigger; hidden out of view. */
export function segmentMode(shape: SegmentShape, view: MapViewState | null): SegmentMode {
  if (!view) return 'points'
  if (!inView(shape, view)) return 'hidden'
  return chipPixels(shape, view.zoom) >= FOOTPRINT_MIN_PIXELS ? 'footprints' : 'points'
}
