// Footprints as WKB (ISO, little-endian): what GeoParquet's `geometry` column holds.

/** A Polygon of one closed ring of [lon, lat] pairs (the last vertex repeats the first). */
export function polygonWkb(ring: readonly (readonly [number, number])[]): Uint8Array {
  const out = new Uint8Array(1 + 4 + 4 + 4 + ring.length * 16)
  const view = new DataView(out.buffer)
  view.setUint8(0, 1) // little-endian
  view.setUint32(1, 3, true) // Polygon
  view.setUint32(5, 1, true) // one ring
  view.setUint32(9, ring.length, true)
  let at = 13
  for (const [x, y] of ring) {
    view.setFloat64(at, x, true)
    view.setFloat64(at + 8, y, true)
    at += 16
  }
  return out
}
