// Stored-vector mode: which loaded chips an area covers, and by how much. The area's vector is then
// the mean of those chips' embeddings weighted by these overlaps (the search worker's meanOfRows).
// Geometry is done in the area's local plane (area.ts: metres about its centre).

import type { ChipCollection } from '../chip-collection.ts'
import { overlapArea, pointInRing, ringArea, ringBBox, type Point } from '../geometry/polygon.ts'
import { localPlane, type DrawnArea } from './area.ts'

export interface Coverage {
  /** Global rows of the chips under the area, ascending. */
  rows: Uint32Array
  /** Each row's overlap with the area, in square metres (1 for the chip under a point). */
  weights: Float64Array
}

/** Overlaps below this fraction of a chip's footprint are rounding error along a shared edge. */
const SLIVER = 1e-6

/**
 * The loaded chips under an area. A polygon or rectangle: every chip whose footprint overlaps it,
 * weighted by the overlap's area (chip footprints are convex: squares in their UTM zone, seen in
 * lon/lat). A point: the chip whose footprint contains it (the one with the nearest centre where
 * footprints overlap).
 */
export function coveredChips(area: Pick<DrawnArea, 'shape' | 'ring'>, chips: ChipCollection): Coverage {
  const ring = area.ring
  const [w, s, e, n] = ringBBox(ring)
  const plane = localPlane(ring)
  const subject = ring.map(plane)
  const rows: number[] = []
  const weights: number[] = []
  let best: { row: number; d: number } | null = null
  for (const seg of chips.segments) {
    const { ringCoords, ringStarts } = seg.chips
    for (let i = 0; i < seg.count; i++) {
      const a = ringStarts[i]!
      const b = ringStarts[i + 1]!
      let cw = Infinity
      let cs = Infinity
      let ce = -Infinity
      let cn = -Infinity
      for (let v = a; v < b; v++) {
        const x = ringCoords[2 * v]!
        const y = ringCoords[2 * v + 1]!
        if (x < cw) cw = x
        if (x > ce) ce = x
        if (y < cs) cs = y
        if (y > cn) cn = y
      }
      if (cw > e || ce < w || cs > n || cn < s) continue
      const footprint: Point[] = []
      for (let v = a; v < b; v++) footprint.push(plane([ringCoords[2 * v]!, ringCoords[2 * v + 1]!]))
      if (area.shape === 'point') {
        if (!pointInRing(subject[0]!, footprint)) continue
        const [cx, cy] = plane([seg.centres[2 * i]!, seg.centres[2 * i + 1]!])
        const d = Math.hypot(cx - subject[0]![0], cy - subject[0]![1])
        if (!best || d < best.d) best = { row: seg.offset + i, d }
        continue
      }
      const overlap = overlapArea(subject, footprint)
      // A shared edge leaves a sliver of rounding error, not an overlap.
      if (overlap > SLIVER * ringArea(footprint)) {
        rows.push(seg.offset + i)
        weights.push(overlap)
      }
    }
  }
  if (area.shape === 'point') return best ? { rows: Uint32Array.of(best.row), weights: Float64Array.of(1) } : { rows: new Uint32Array(0), weights: new Float64Array(0) }
  return { rows: Uint32Array.from(rows), weights: Float64Array.from(weights) }
}
