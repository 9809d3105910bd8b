// Plane geometry of small polygons: areas, clipping against a convex polygon, and the check that
// a drawn outline does not cross itself. Coordinates are plain [x, y] pairs in one planar system
// (metres of a UTM zone, or lon/lat scaled for a small area: the caller chooses; nothing here
// projects). Rings are open: the last vertex is not a repeat of the first (`openRing` drops one).

/** A vertex: [x, y]. */
export type Point = readonly [number, number]

/** An open ring of vertices, in either winding. */
export type Ring = readonly Point[]

/** A box: [minX, minY, maxX, maxY]. */
export type Box = [minX: number, minY: number, maxX: number, maxY: number]

/** The ring without a closing vertex that repeats the first one (GeoJSON rings have one). */
export function openRing(ring: Ring): Point[] {
  const out = ring.slice()
  while (out.length > 1 && samePoint(out[0]!, out[out.length - 1]!)) out.pop()
  return out
}

/** Signed area by the shoelace formula: positive for counter-clockwise rings (y up). */
export function signedRingArea(ring: Ring): number {
  const n = ring.length
  if (n < 3) return 0
  // Relative to the first vertex, so large coordinates (UTM metres) lose no precision.
  const [ox, oy] = ring[0]!
  let twice = 0
  for (let i = 1; i + 1 < n; i++) {
    const [ax, ay] = ring[i]!
    const [bx, by] = ring[i + 1]!
    twice += (ax - ox) * (by - oy) - (bx - ox) * (ay - oy)
  }
  return twice / 2
}

/** Area enclosed by the ring (0 for fewer than 3 vertices). */
export function ringArea(ring: Ring): number {
  return Math.abs(signedRingArea(ring))
}

/** The box around the ring's vertices. */
export function ringBBox(ring: Ring): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x, y] of ring) {
    if (x < b[0]) b[0] = x
    if (y < b[1]) b[1] = y
    if (x > b[2]) b[2] = x
    if (y > b[3]) b[3] = y
  }
  return b
}

/** The counter-clockwise ring of a box. */
export function boxRing([minX, minY, maxX, maxY]: Box): Point[] {
  return [
    [minX, minY],
    [maxX, minY],
    [maxX, maxY],
    [minX, maxY],
  ]
}

/**
 * The part of `subject` (any simple polygon, convex or not) inside `convex` (a convex polygon),
 * by Sutherland–Hodgman clipping. A concave subject may come back with zero-width bridges along
 * the clip edges; they enclose no area, so `ringArea` of the result is exact.
 */
export function clipToConvex(subject: Ring, convex: Ring): Point[] {
  const clip = openRing(convex)
  if (clip.length < 3) return []
  // Walk the clip polygon counter-clockwise so that "inside" is always to the left.
  if (signedRingArea(clip) < 0) clip.reverse()
  let output: Point[] = openRing(subject)
  for (let i = 0; i < clip.length && output.length > 0; i++) {
    const a = clip[i]!
    const b = clip[(i + 1) % clip.length]!
    const input = output
    output = []
    for (let j = 0; j < input.length; j++) {
      const p = input[j]!
      const q = input[(j + 1) % input.length]!
      const pIn = side(a, b, p) >= 0
      const qIn = side(a, b, q) >= 0
      if (pIn) output.push(p)
      if (pIn !== qIn) output.push(crossing(a, b, p, q))
    }
  }
  return output
}

/** Area of the part of `subject` inside the convex polygon `convex`. */
export function overlapArea(subject: Ring, convex: Ring): number {
  return ringArea(clipToConvex(subject, convex))
}

/** Whether a point lies inside a ring (even-odd rule; a point on an edge may fall either way). */
export function pointInRing(p: Point, ring: Ring): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Where a ring crosses itself: the indices of two edges (edge i runs from vertex i to i + 1). */
export interface SelfIntersection {
  a: number
  b: number
}

/**
 * The first pair of edges of the ring that cross or touch (other than neighbours sharing their
 * vertex), or null for a simple ring. Quadratic in the vertex count: fine for drawn outlines
 * (hundreds of vertices at most).
 */
export function findSelfIntersection(ring: Ring): SelfIntersection | null {
  const pts = openRing(ring)
  const n = pts.length
  if (n < 4) return null
  for (let i = 0; i < n; i++) {
    const p1 = pts[i]!
    const p2 = pts[(i + 1) % n]!
    for (let j = i + 1; j < n; j++) {
      // Neighbouring edges share a vertex; the first and last edges are neighbours too.
      if (j === i + 1 || (i === 0 && j === n - 1)) continue
      if (segmentsTouch(p1, p2, pts[j]!, pts[(j + 1) % n]!)) return { a: i, b: j }
    }
  }
  // Repeated vertices (a spike back along the same line) also make the outline not simple.
  for (let i = 0; i < n; i++) {
    if (samePoint(pts[i]!, pts[(i + 1) % n]!)) return { a: i, b: (i + 1) % n }
  }
  return null
}

/** > 0 when p is left of the line a → b, < 0 right, 0 on it. */
function side(a: Point, b: Point, p: Point): number {
  return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
}

/** Where segment p → q crosses the line through a and b (the caller knows it does). */
function crossing(a: Point, b: Point, p: Point, q: Point): Point {
  const sp = side(a, b, p)
  const sq = side(a, b, q)
  const t = sp / (sp - sq)
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]
}

function samePoint(a: Point, b: Point): boolean {
  return a[0] === b[0] && a[1] === b[1]
}

function onSegment(a: Point, b: Point, p: Point): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1])
}

function segmentsTouch(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = Math.sign(side(q1, q2, p1))
  const d2 = Math.sign(side(q1, q2, p2))
  const d3 = Math.sign(side(p1, p2, q1))
  const d4 = Math.sign(side(p1, p2, q2))
  if (d1 * d2 < 0 && d3 * d4 < 0) return true
  if (d1 === 0 && onSegment(q1, q2, p1)) return true
  if (d2 === 0 && onSegment(q1, q2, p2)) return true
  if (d3 === 0 && onSegment(p1, p2, q1)) return true
  return d4 === 0 && onSegment(p1, p2, q2)
}
