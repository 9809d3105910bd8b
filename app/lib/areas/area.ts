// An area a person drew on the map (a rectangle, a polygon, or a point), used as an example
// like a clicked chip. Pure: the shape, its checks and the local plane its geometry is done in.

import { findSelfIntersection, openRing, ringArea, ringBBox, type Point } from '../geometry/polygon.ts'
import type { ExampleLabel } from '../vocabulary.ts'
import { roundCoordinate } from './polyline.ts'

export type AreaShape = 'rectangle' | 'polygon' | 'point'

export interface DrawnArea {
  /** 'a1', 'a2', …: unique in the search, never reused while an undo step may bring it back. */
  id: string
  label: ExampleLabel
  shape: AreaShape
  /** lon/lat, open ring (the last vertex is not a repeat of the first); a point has one vertex. */
  ring: [number, number][]
  /** Imagery date window (encoder mode), ISO dates. */
  dates?: { from: string; to: string }
  /** Imagery scene chosen (encoder mode), so that a link reproduces it. */
  scene?: string
}

export const AREA_LIMITS = {
  /** Most vertices of one outline: plenty for a hand-drawn shape, small in a link. */
  vertices: 200,
  /** Most areas in one search. */
  areas: 20,
} as const

const EARTH_RADIUS_M = 6_371_008.8
const RAD = Math.PI / 180

/**
 * A local plane for an area and the chips under it: metres east and north of the area's centre,
 * x = Δlon · cos(lat₀) · R, y = Δlat · R (an equirectangular projection about the centre, with Δlon
 * wrapped across the antimeridian). Across an area of 100 km the scale varies by under 2 % in
 * x, the same for every chip at a latitude, and overlap weights only count relative to each other;
 * a UTM zone would agree to well under that, but needs a zone per area and proj4 per vertex.
 */
export function localPlane(ring: readonly (readonly [number, number])[]): (p: readonly [number, number]) => Point {
  const [w, s, e, n] = ringBBox(ring)
  const lon0 = (w + e) / 2
  const lat0 = (s + n) / 2
  const kx = Math.cos(lat0 * RAD) * EARTH_RADIUS_M * RAD
  const ky = EARTH_RADIUS_M * RAD
  return ([lon, lat]) => {
    let d = lon - lon0
    if (d > 180) d -= 360
    else if (d < -180) d += 360
    return [d * kx, (lat - lat0) * ky]
  }
}

/** The ring rounded to what a link keeps (1e-5°), without a closing vertex or repeated neighbours. */
export function tidyRing(ring: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = []
  for (const [x, y] of ring) {
    const p: [number, number] = [roundCoordinate(x), roundCoordinate(y)]
    const last = out.at(-1)
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p)
  }
  return openRing(out) as [number, number][]
}

/** Area in square metres (0 for a point). */
export function areaSquareMetres(ring: readonly (readonly [number, number])[]): number {
  const plane = localPlane(ring)
  return ringArea(ring.map(plane))
}

/** Why an outline can't be used, in words for the person who drew or shared it; null when it can. */
export function areaProblem(shape: AreaShape, ring: readonly (readonly [number, number])[]): string | null {
  for (const [lon, lat] of ring) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
      return 'it has a corner outside the map (longitude −180 to 180, latitude −90 to 90)'
  }
  if (shape === 'point') return ring.length === 1 ? null : 'a point needs exactly one position'
  if (ring.length > AREA_LIMITS.vertices) return `it has ${ring.length} corners; at most ${AREA_LIMITS.vertices} are allowed`
  if (ring.length < 3) return 'it needs at least three corners'
  const plane = localPlane(ring)
  const flat = ring.map(plane)
  if (findSelfIntersection(flat)) return 'its outline crosses itself; draw it again without crossing lines'
  if (ringArea(flat) <= 0) return 'it encloses no area'
  return null
}

/** The sentence shown when a drawn polygon crosses itself. */
export const SELF_INTERSECTING_MESSAGE =
  'That polygon’s outline crosses itself, so it has no clear inside. Draw it again without crossing lines; nothing else was changed.'

export function describeArea(area: Pick<DrawnArea, 'shape' | 'ring'>): string {
  if (area.shape === 'point') {
    const [lon, lat] = area.ring[0] ?? [0, 0]
    return `point ${lat.toFixed(4)}, ${lon.toFixed(4)}`
  }
  const m2 = areaSquareMetres(area.ring)
  const size = m2 >= 1e6 ? `${(m2 / 1e6).toFixed(m2 >= 1e8 ? 0 : 1)} km²` : `${(m2 / 1e4).toFixed(1)} ha`
  return `${area.shape === 'rectangle' ? 'rectangle' : `polygon of ${area.ring.length} corners`}, ${size}`
}
