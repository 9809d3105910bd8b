// Where a Sentinel-2 MGRS tile is, from its name alone, so a folder of per-tile files (Clay v0:
// `<MGRS>_<mindate>_<maxdate>_v<NNN>.gpq`) can be drawn and pruned before any file is opened.
//
// A Sentinel-2 tile is a 109.8 km square in its UTM zone. Its upper-left corner is the north-west
// corner of the 100 km MGRS square it is named after, and it reaches 9.8 km past the square to
// the east and the south (ESA's tiling: neighbouring tiles overlap by 9.8 km). The real Clay v0
// sample agrees: 03WVN's chips span E 399 955–507 475, N 7 192 505–7 300 025 in UTM 3N, inside
// E 400 000–509 800, N 7 190 200–7 300 000 give or take the 10 m pixel grid's tens of metres.

import proj4 from 'proj4'
import { ringBBox } from '../bbox.ts'

/** Side of a Sentinel-2 tile, in metres. */
export const S2_TILE_SIZE_M = 109_800

const BAND_LETTERS = 'CDEFGHJKLMNPQRSTUVWX'
const COLUMN_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
const ROW_LETTERS = 'ABCDEFGHJKLMNPQRSTUV'

/**
 * Lowest northing (m) of each latitude band, as the MGRS standard tabulates it (southern bands
 * with UTM's 10 000 km false northing). A 100 km row letter repeats every 2 000 km; this picks
 * the repetition that lies in the band.
 */
const MIN_NORTHING: Record<string, number> = {
  C: 1_100_000,
  D: 2_000_000,
  E: 2_800_000,
  F: 3_700_000,
  G: 4_600_000,
  H: 5_500_000,
  J: 6_400_000,
  K: 7_300_000,
  L: 8_200_000,
  M: 9_100_000,
  N: 0,
  P: 800_000,
  Q: 1_700_000,
  R: 2_600_000,
  S: 3_500_000,
  T: 4_400_000,
  U: 5_300_000,
  V: 6_200_000,
  W: 7_000_000,
  X: 7_900_000,
}

export interface MgrsSquare {
  /** The tile id, normalised: zero-padded zone, upper case ("03WVN"). */
  id: string
  zone: number
  band: string
  south: boolean
  /** EPSG code of the UTM zone (326zz north, 327zz south). */
  epsg: number
  /** UTM easting of the 100 km square's west edge (m). */
  west: number
  /** UTM northing of its north edge (m). */
  north: number
}

const TILE_ID = /^(\d{1,2})([C-HJ-NP-X])([A-HJ-NP-Z])([A-HJ-NP-V])$/

/** Decodes a 100 km MGRS square id ("03WVN", "3WVN"); null when it isn't one. */
export function parseMgrsTile(tileId: string): MgrsSquare | null {
  if (typeof tileId !== 'string' || tileId.length > 5) return null
  const m = TILE_ID.exec(tileId.toUpperCase())
  if (!m) return null
  const [, z, band = '', col = '', row = ''] = m
  const zone = Number(z)
  if (!(zone >= 1 && zone <= 60)) return null
  const set = zone % 6 === 0 ? 6 : zone % 6
  // Column letters of a zone start at A, J or S (sets 1/4, 2/5, 3/6) and run for eight squares.
  const colOrigin = [0, 8, 16][(set - 1) % 3] as number
  const colIndex = COLUMN_LETTERS.indexOf(col) - colOrigin
  if (colIndex < 0 || colIndex > 7) return null
  const west = (colIndex + 1) * 100_000
  // Row letters cycle through A–V, from A in odd sets and from F in even ones.
  const rowOrigin = set % 2 === 0 ? 5 : 0
  const rowIndex = (ROW_LETTERS.indexOf(row) - rowOrigin + 20) % 20
  let northSouthEdge = rowIndex * 100_000
  const min = MIN_NORTHING[band] as number
  while (northSouthEdge < min) northSouthEdge += 2_000_000
  const south = BAND_LETTERS.indexOf(band) < BAND_LETTERS.indexOf('N')
  return {
    id: `${String(zone).padStart(2, '0')}${band}${col}${row}`,
    zone,
    band,
    south,
    epsg: (south ? 32700 : 32600) + zone,
    west,
    north: northSouthEdge + 100_000,
  }
}

const toLonLatByZone = new Map<number, (xy: [number, number]) => [number, number]>()

function utmToLonLat(epsg: number): (xy: [number, number]) => [number, number] {
  let f = toLonLatByZone.get(epsg)
  if (!f) {
    const converter = proj4(`EPSG:${epsg}`, 'EPSG:4326')
    f = (xy) => converter.forward(xy)
    toLonLatByZone.set(epsg, f)
  }
  return f
}

/**
 * The footprint of Sentinel-2 tile `tileId` ("03WVN") as a closed lon/lat ring
 * [lon0, lat0, …, lon0, lat0], counter-clockwise from the south-west corner. Each edge is
 * sampled `segments` times (default 8), so the ring follows the square's slight curve in lon/lat.
 * Longitudes are continuous along the ring (a tile over the antimeridian goes past ±180).
 * Null for an id that isn't an MGRS 100 km square.
 */
export function mgrsTileFootprint(tileId: string, opts: { segments?: number } = {}): Float64Array | null {
  const sq = parseMgrsTile(tileId)
  if (!sq) return null
  const segments = Math.max(1, Math.min(64, Math.floor(opts.segments ?? 8)))
  const x0 = sq.west
  const x1 = sq.west + S2_TILE_SIZE_M
  const y1 = sq.north
  const y0 = sq.north - S2_TILE_SIZE_M
  const corners: [number, number][] = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ]
  const toLonLat = utmToLonLat(sq.epsg)
  const ring = new Float64Array((4 * segments + 1) * 2)
  let k = 0
  let prevLon = NaN
  const push = (x: number, y: number): void => {
    const lonLat = toLonLat([x, y])
    let lon = lonLat[0]
    const lat = lonLat[1]
    if (prevLon === prevLon) {
      while (lon - prevLon > 180) lon -= 360
      while (prevLon - lon > 180) lon += 360
    }
    prevLon = lon
    ring[k++] = lon
    ring[k++] = lat
  }
  for (let c = 0; c < 4; c++) {
    const [ax, ay] = corners[c] as [number, number]
    const [bx, by] = corners[(c + 1) % 4] as [number, number]
    for (let i = 0; i < segments; i++) push(ax + ((bx - ax) * i) / segments, ay + ((by - ay) * i) / segments)
  }
  ring[k++] = ring[0] as number
  ring[k++] = ring[1] as number
  return ring
}

/** [west, south, east, north] of a ring of lon/lat pairs. */
/** Bounding box of a Sentinel-2 tile in lon/lat; null for a bad id. */
export function mgrsTileBbox(tileId: string): [number, number, number, number] | null {
  const ring = mgrsTileFootprint(tileId)
  return ring ? ringBBox(ring) : null
}

export interface ClayV0FileInfo {
  /** MGRS tile, e.g. "03WVN". */
  mgrs: string
  /** First and last acquisition date in the file, yyyy-mm-dd. */
  minDate: string
  maxDate: string
  /** The file version (v001 → 1). */
  version: number
}

const CLAY_V0_FILE = /^(\d{2}[C-HJ-NP-X][A-HJ-NP-Z][A-HJ-NP-V])_(\d{4})(\d{2})(\d{2})_(\d{4})(\d{2})(\d{2})_v(\d{3})\.gpq$/

function validDate(y: string, m: string, d: string): string | null {
  const month = Number(m)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1) return null
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate()
  return day <= daysInMonth ? `${y}-${m}-${d}` : null
}

/**
 * Reads a Clay v0 file name `<MGRS>_<mindate>_<maxdate>_v<NNN>.gpq` (a key or URL: only the
 * last path segment counts). Null when the name doesn't follow it or its dates are impossible.
 */
export function clayV0FileInfo(key: string): ClayV0FileInfo | null {
  const name = key.replace(/[?#].*$/, '').split('/').pop() ?? ''
  const m = CLAY_V0_FILE.exec(name)
  if (!m) return null
  const [, mgrs = '', y1 = '', m1 = '', d1 = '', y2 = '', m2 = '', d2 = '', v = ''] = m
  const minDate = validDate(y1, m1, d1)
  const maxDate = validDate(y2, m2, d2)
  if (!minDate || !maxDate || minDate > maxDate) return null
  if (!parseMgrsTile(mgrs)) return null
  return { mgrs, minDate, maxDate, version: Number(v) }
}
