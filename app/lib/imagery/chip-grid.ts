// Which chips of a scene a drawn area needs. Chips are cut ON THE SCENE'S OWN GRID: chip (row,
// col) is the pixels [256·col, 256·col + 256) × [256·row, 256·row + 256) of the 10 m band,
// counted from the scene's upper-left corner — the way a scene's embeddings are cut — so an area
// inside one chip gets exactly that chip, and its embedding equals the stored one.
// The area is reprojected from lon/lat into the scene's UTM zone with proj4; overlap weights are
// areas in UTM metres (app/lib/geometry/polygon.ts).
import proj4 from 'proj4'
import { boxRing, openRing, overlapArea, ringBBox, type Point } from '../geometry/polygon.ts'
import { ImageryError } from './errors.ts'
import type { AreaGeometry, LonLat } from './stac.ts'

/** The pixel grid of a scene's reference (chip-resolution) band. */
export interface SceneGrid {
  epsg: number
  /** Upper-left corner of the upper-left pixel, in the CRS's metres. */
  originX: number
  originY: number
  /** Metres per pixel (10 for Sentinel-2's 10 m bands). */
  gsd: number
  /** Size in pixels. */
  width: number
  height: number
}

/** One chip the area needs. */
export interface ChipCell {
  row: number
  col: number
  /** Pixel offsets of the chip in the reference band: [x0, y0] = [256·col, 256·row]. */
  x0: number
  y0: number
  /** [minX, minY, maxX, maxY] in the scene's CRS. */
  boundsUtm: [number, number, number, number]
  /** The chip's corners in lon/lat (NW, NE, SE, SW), as drawn on the map. */
  cornersLonLat: [LonLat, LonLat, LonLat, LonLat]
  /** [west, south, east, north] around the corners. */
  bboxLonLat: [number, number, number, number]
  centreLonLat: LonLat
  /** Overlap of the area with the chip, m² (1 for a point); the pipeline normalises. */
  weight: number
  /** True when part of the chip lies beyond the scene's edge (filled with no-data). */
  partial: boolean
}

/** proj4 knows WGS 84 / UTM (EPSG:326xx north, 327xx south) by name: Sentinel-2 uses nothing else. */
export function utmProjection(epsg: number): proj4.Converter {
  if (!((epsg >= 32601 && epsg <= 32660) || (epsg >= 32701 && epsg <= 32760)))
    throw new ImageryError('not-covered', `The scene is in EPSG:${epsg}, not a WGS 84 / UTM zone, which this app can't read. Pick other dates.`)
  return proj4('EPSG:4326', `EPSG:${epsg}`)
}

/** Default cap on chips per area. */
export const DEFAULT_MAX_CHIPS = 25

/**
 * The chips of `grid` that the area touches, each with its overlap weight. A point gets the one
 * chip holding it (weight 1). Throws ImageryError 'too-large' past `maxChips`, and 'not-covered'
 * when the area reaches beyond the scene.
 */
export function chipsForArea(area: AreaGeometry, grid: SceneGrid, opts: { chipPx?: number; maxChips?: number } = {}): ChipCell[] {
  const chipPx = opts.chipPx ?? 256
  const maxChips = opts.maxChips ?? DEFAULT_MAX_CHIPS
  const proj = utmProjection(grid.epsg)
  const chipM = chipPx * grid.gsd
  const toUtm = (p: LonLat): Point => proj.forward([p[0], p[1]]) as [number, number]
  const cols = Math.ceil(grid.width / chipPx)
  const rows = Math.ceil(grid.height / chipPx)
  const sceneMaxX = grid.originX + grid.width * grid.gsd
  const sceneMinY = grid.originY - grid.height * grid.gsd
  const colOf = (x: number) => Math.floor((x - grid.originX) / chipM)
  const rowOf = (y: number) => Math.floor((grid.originY - y) / chipM)

  const outside = (x: number, y: number) => x < grid.originX || x > sceneMaxX || y > grid.originY || y < sceneMinY
  const notCovered = () =>
    new ImageryError('not-covered', "The area reaches beyond the edge of the scene's tile. Draw a smaller area, or one a little to the side.")

  if (area.type === 'Point') {
    const [x, y] = toUtm(area.coordinates)
    if (outside(x, y)) throw notCovered()
    const col = Math.min(cols - 1, colOf(x))
    const row = Math.min(rows - 1, rowOf(y))
    return [cell(row, col, 1)]
  }

  const ring = openRing((area.coordinates[0] ?? []).map(toUtm))
  if (ring.length < 3) throw new ImageryError('too-large', 'The area has fewer than three corners. Draw it again.')
  const [minX, minY, maxX, maxY] = ringBBox(ring)
  if (outside(minX, minY) || outside(maxX, maxY)) throw notCovered()
  // Chips whose bounds only touch the area's edge get no area and are dropped below.
  const c0 = colOf(minX)
  const c1 = Math.min(cols - 1, colOf(maxX))
  const r0 = rowOf(maxY)
  const r1 = Math.min(rows - 1, rowOf(minY))
  const candidates = (c1 - c0 + 1) * (r1 - r0 + 1)
  const tooLarge = (needed: string) => {
    const side = Math.floor(Math.sqrt(maxChips)) * chipM
    return new ImageryError(
      'too-large',
      `The area is too large to encode here: it needs ${needed} chips of ${chipM / 1000} × ${chipM / 1000} km, and at most ${maxChips} are read at once ` +
        `(an area of about ${side / 1000} × ${side / 1000} km). Draw a smaller area.`,
    )
  }
  // Beyond a few times the cap, counting exact overlaps is pointless: it can only fail.
  if (candidates > maxChips * 4) throw tooLarge(`about ${candidates}`)
  const out: ChipCell[] = []
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) {
      const x = grid.originX + col * chipM
      const y = grid.originY - (row + 1) * chipM
      const weight = overlapArea(ring, boxRing([x, y, x + chipM, y + chipM]))
      // Under a square centimetre: a rounding sliver along a shared edge, not a real overlap.
      if (weight > 1e-4) out.push(cell(row, col, weight))
    }
  }
  if (out.length === 0) throw new ImageryError('too-large', 'The area has no extent (its corners lie on one line). Draw it again.')
  if (out.length > maxChips) throw tooLarge(String(out.length))
  return out

  function cell(row: number, col: number, weight: number): ChipCell {
    const x0 = grid.originX + col * chipM
    const y1 = grid.originY - row * chipM
    const x1 = x0 + chipM
    const y0 = y1 - chipM
    const inv = (x: number, y: number): LonLat => {
      const [lon, lat] = proj.inverse([x, y]) as [number, number]
      return [lon, lat]
    }
    const corners: [LonLat, LonLat, LonLat, LonLat] = [inv(x0, y1), inv(x1, y1), inv(x1, y0), inv(x0, y0)]
    const lons = corners.map((c) => c[0])
    const lats = corners.map((c) => c[1])
    return {
      row,
      col,
      x0: col * chipPx,
      y0: row * chipPx,
      boundsUtm: [x0, y0, x1, y1],
      cornersLonLat: corners,
      bboxLonLat: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
      centreLonLat: inv((x0 + x1) / 2, (y0 + y1) / 2),
      weight,
      partial: (col + 1) * chipPx > grid.width || (row + 1) * chipPx > grid.height,
    }
  }
}
