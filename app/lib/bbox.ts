// Bounding boxes in lon/lat, [west, south, east, north], and the rings they come from.
// (Boxes are not split at the antimeridian; see docs/notes.md.)

export type BBox = [west: number, south: number, east: number, north: number]

/** True when the boxes overlap (touching counts). */
export function intersects(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/** Box around flattened lon/lat pairs. */
export function ringBBox(ring: ArrayLike<number>): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity]
  for (let i = 0; i + 1 < ring.length; i += 2) {
    b[0] = Math.min(b[0], ring[i]!)
    b[2] = Math.max(b[2], ring[i]!)
    b[1] = Math.min(b[1], ring[i + 1]!)
    b[3] = Math.max(b[3], ring[i + 1]!)
  }
  return b
}

/** The closed ring around a box. */
export function bboxRing([w, s, e, n]: BBox): Float64Array {
  return new Float64Array([w, s, e, s, e, n, w, n, w, s])
}

/** The box around several boxes; null for none. */
export function unionBBox(boxes: Iterable<BBox>): BBox | null {
  let out: BBox | null = null
  for (const b of boxes) out = out ? [Math.min(out[0], b[0]), Math.min(out[1], b[1]), Math.max(out[2], b[2]), Math.max(out[3], b[3])] : [...b]
  return out
}
