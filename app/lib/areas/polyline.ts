// Google's encoded polyline format (https://developers.google.com/maps/documentation/utilities/polylinealgorithm),
// at 1e-5 degrees (about 1 m): each coordinate as the zig-zag varint of its difference from the
// previous vertex, in 5-bit groups offset into the printable ASCII range 63–126. Latitude comes
// first in each pair, as Google writes it. A rectangle takes about 30 characters.
// Decoding never throws: malformed input gives null.

export const POLYLINE_PRECISION = 1e5

function encodeNumber(n: number): string {
  let v = n < 0 ? ~(n << 1) : n << 1
  let out = ''
  while (v >= 0x20) {
    out += String.fromCharCode((0x20 | (v & 0x1f)) + 63)
    v >>>= 5
  }
  return out + String.fromCharCode(v + 63)
}

/** [lon, lat] vertices, rounded to 1e-5 degrees. */
export function encodePolyline(points: readonly (readonly [number, number])[]): string {
  let out = ''
  let plat = 0
  let plon = 0
  for (const [lon, lat] of points) {
    const ilat = Math.round(lat * POLYLINE_PRECISION)
    const ilon = Math.round(lon * POLYLINE_PRECISION)
    out += encodeNumber(ilat - plat) + encodeNumber(ilon - plon)
    plat = ilat
    plon = ilon
  }
  return out
}

/** [lon, lat] vertices, or null when the text is not a polyline (a character out of range, a number cut short, an odd count). */
export function decodePolyline(text: string, maxPoints = Infinity): [number, number][] | null {
  const values: number[] = []
  let i = 0
  while (i < text.length) {
    let result = 0
    let shift = 0
    let c: number
    do {
      if (i >= text.length) return null
      c = text.charCodeAt(i++) - 63
      if (c < 0 || c > 63) return null
      // 32-bit ints hold the deltas of any real coordinate (±180e5 < 2³¹); longer runs are garbage.
      if (shift > 30) return null
      result |= (c & 0x1f) << shift
      shift += 5
    } while (c >= 0x20)
    values.push(result & 1 ? ~(result >>> 1) : result >>> 1)
    if (values.length > 2 * maxPoints) return null
  }
  if (values.length % 2 !== 0) return null
  const out: [number, number][] = []
  let lat = 0
  let lon = 0
  for (let k = 0; k < values.length; k += 2) {
    lat += values[k]!
    lon += values[k + 1]!
    out.push([lon / POLYLINE_PRECISION, lat / POLYLINE_PRECISION])
  }
  return out
}

/** A coordinate as the polyline will give it back. */
export function roundCoordinate(v: number): number {
  return Math.round(v * POLYLINE_PRECISION) / POLYLINE_PRECISION
}
