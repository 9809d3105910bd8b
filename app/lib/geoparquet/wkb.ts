// Just enough WKB to draw a chip footprint: the outer ring of a Polygon or MultiPolygon.
// Embedding files store one footprint per row as WKB; decoding it ourselves (instead of
// letting hyparquet build GeoJSON objects) keeps the read free of a nested object per vertex.
//
// Accepted: either byte order; ISO type codes (1000s = Z, 2000s = M, 3000s = ZM) and EWKB flag
// bits (0x80000000 Z, 0x40000000 M, 0x20000000 SRID follows). Extra ordinates are skipped; only
// x/y come back. Anything malformed or not polygonal gives null rather than an exception, because
// one bad row must not sink a whole file.

const WKB_POLYGON = 3
const WKB_MULTIPOLYGON = 6

const EWKB_Z = 0x80000000
const EWKB_M = 0x40000000
const EWKB_SRID = 0x20000000

interface Cursor {
  view: DataView
  offset: number
}

interface Header {
  littleEndian: boolean
  baseType: number
  /** Numbers per vertex: 2, 3 or 4. */
  ordinates: number
}

function readHeader(c: Cursor): Header | null {
  if (c.offset + 5 > c.view.byteLength) return null
  const order = c.view.getUint8(c.offset)
  if (order !== 0 && order !== 1) return null
  const littleEndian = order === 1
  const raw = c.view.getUint32(c.offset + 1, littleEndian)
  c.offset += 5
  let hasZ = (raw & EWKB_Z) !== 0
  let hasM = (raw & EWKB_M) !== 0
  if ((raw & EWKB_SRID) !== 0) {
    if (c.offset + 4 > c.view.byteLength) return null
    c.offset += 4
  }
  const code = raw & 0x0fffffff
  const baseType = code % 1000
  const iso = Math.floor(code / 1000)
  if (iso === 1 || iso === 3) hasZ = true
  if (iso === 2 || iso === 3) hasM = true
  if (iso > 3) return null
  return { littleEndian, baseType, ordinates: 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0) }
}

function readCount(c: Cursor, littleEndian: boolean): number | null {
  if (c.offset + 4 > c.view.byteLength) return null
  const n = c.view.getUint32(c.offset, littleEndian)
  c.offset += 4
  return n
}

/** Reads one ring as closed x/y pairs; null when truncated, under 3 vertices, or not finite. */
function readRing(c: Cursor, h: Header): Float64Array | null {
  const n = readCount(c, h.littleEndian)
  if (n === null) return null
  const stride = 8 * h.ordinates
  // Checking against the bytes left stops a corrupt count from allocating gigabytes.
  if (n > (c.view.byteLength - c.offset) / stride) return null
  if (n < 3) {
    c.offset += n * stride
    return null
  }
  const { view } = c
  const x0 = view.getFloat64(c.offset, h.littleEndian)
  const y0 = view.getFloat64(c.offset + 8, h.littleEndian)
  const lastAt = c.offset + (n - 1) * stride
  const closed = view.getFloat64(lastAt, h.littleEndian) === x0 && view.getFloat64(lastAt + 8, h.littleEndian) === y0
  const vertices = closed ? n : n + 1
  const out = new Float64Array(vertices * 2)
  let at = c.offset
  let finite = true
  for (let i = 0; i < n; i++) {
    const x = view.getFloat64(at, h.littleEndian)
    const y = view.getFloat64(at + 8, h.littleEndian)
    // NaN or infinite vertices (WKB's "empty point" is NaN) can't be drawn or bounded.
    if (!Number.isFinite(x) || !Number.isFinite(y)) finite = false
    out[2 * i] = x
    out[2 * i + 1] = y
    at += stride
  }
  if (!closed) {
    out[2 * n] = x0
    out[2 * n + 1] = y0
  }
  c.offset = at
  return finite ? out : null
}

function skipRing(c: Cursor, h: Header): boolean {
  const n = readCount(c, h.littleEndian)
  if (n === null) return false
  const bytes = n * 8 * h.ordinates
  if (c.offset + bytes > c.view.byteLength) return false
  c.offset += bytes
  return true
}

/** Outer ring of the polygon body that follows a Polygon header; holes are skipped. */
function readPolygonBody(c: Cursor, h: Header): Float64Array | null {
  const rings = readCount(c, h.littleEndian)
  if (rings === null || rings === 0) return null
  const outer = readRing(c, h)
  for (let r = 1; r < rings; r++) {
    if (!skipRing(c, h)) return null
  }
  return outer
}

/** Planar shoelace area in coordinate units (degrees² for lon/lat): only used to compare parts. */
export function ringArea(ring: Float64Array): number {
  let sum = 0
  for (let i = 0; i + 3 < ring.length; i += 2) {
    sum += (ring[i] as number) * (ring[i + 3] as number) - (ring[i + 2] as number) * (ring[i + 1] as number)
  }
  return Math.abs(sum) / 2
}

/**
 * Outer ring of a WKB Polygon, or of the LARGEST-AREA polygon of a MultiPolygon (a footprint split
 * by the antimeridian or by a producer's clipping is best drawn by its main part), as closed lon/lat
 * pairs [x0, y0, x1, y1, …, x0, y0]. Null for other geometry types, empty or malformed input.
 */
export function decodeOuterRing(bytes: Uint8Array): Float64Array | null {
  const c: Cursor = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }
  const h = readHeader(c)
  if (!h) return null
  if (h.baseType === WKB_POLYGON) return readPolygonBody(c, h)
  if (h.baseType !== WKB_MULTIPOLYGON) return null
  const parts = readCount(c, h.littleEndian)
  if (parts === null) return null
  let best: Float64Array | null = null
  let bestArea = -1
  for (let p = 0; p < parts; p++) {
    // Each part carries its own byte order and type code.
    const ph = readHeader(c)
    if (!ph || ph.baseType !== WKB_POLYGON) return null
    const ring = readPolygonBody(c, ph)
    if (!ring) continue
    const area = ringArea(ring)
    if (area > bestArea) {
      best = ring
      bestArea = area
    }
  }
  return best
}
