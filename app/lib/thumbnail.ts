// Where a chip's picture comes from: which XYZ raster tiles (256 px, Web Mercator, the scheme
// of OpenStreetMap, EOX and most tile servers) cover its footprint, at a zoom where the chip is
// about 128 px across, and where each tile goes on a canvas cropped to the footprint's box.
// Pure arithmetic: the fetching and drawing live in app/services/resources/thumbnails.ts.

export const TILE_SIZE = 256
/** Web Mercator stops here; tiles don't go further north or south. */
export const MAX_LATITUDE = 85.0511287798066
/** How many pixels across a chip should be in its picture (the zoom is picked to come closest). */
export const TARGET_PIXELS = 128
/** A footprint needing more tiles than this is drawn at a lower zoom. */
const MAX_TILES = 16

/** Position on the whole-world square at zoom 0, x east and y south, each 0..1. */
export function lonLatToWorld(lon: number, lat: number): [number, number] {
  const phi = (Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * Math.PI) / 180
  const x = (lon + 180) / 360
  const y = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2
  return [x, y]
}

/** The inverse of lonLatToWorld. */
export function worldToLonLat(x: number, y: number): [number, number] {
  const lon = x * 360 - 180
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI
  return [lon, lat]
}

/**
 * A ring's vertices, with longitudes made continuous: a footprint across the antimeridian
 * (179.9 and −179.9) becomes 179.9 and 180.1, so its box is small, not the whole world.
 */
export function continuousRing(ring: readonly (readonly [number, number])[]): [number, number][] {
  let min = Infinity
  let max = -Infinity
  for (const [lon] of ring) {
    min = Math.min(min, lon)
    max = Math.max(max, lon)
  }
  const crosses = max - min > 180
  return ring.map(([lon, lat]) => [crosses && lon < 0 ? lon + 360 : lon, lat])
}

export interface TileDraw {
  z: number
  /** The tile's column, wrapped into 0..2^z−1 (what goes in the URL). */
  x: number
  y: number
  /** Where the tile's top-left corner goes on the canvas, px. */
  dx: number
  dy: number
}

export interface ThumbnailPlan {
  zoom: number
  /** Canvas size in the tiles' own pixels: the footprint's box, rounded outwards. */
  width: number
  height: number
  /** The canvas's top-left corner in world pixels at this zoom (x unwrapped). */
  left: number
  top: number
  tiles: TileDraw[]
}

export interface PlanOptions {
  /** Deepest zoom the imagery has. */
  maxZoom: number
  /** Pixels across the footprint's longer side to aim for; default TARGET_PIXELS. */
  target?: number
}

/** World-unit box [west, north, east, south] of a footprint (x east, y south). */
function worldBox(ring: readonly (readonly [number, number])[]): [number, number, number, number] {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (const [lon, lat] of continuousRing(ring)) {
    const [x, y] = lonLatToWorld(lon, lat)
    x0 = Math.min(x0, x)
    x1 = Math.max(x1, x)
    y0 = Math.min(y0, y)
    y1 = Math.max(y1, y)
  }
  return [x0, y0, x1, y1]
}

/**
 * The zoom at which the footprint's longer side comes closest to `target` pixels (so between
 * about 0.7 and 1.4 times it), within the zooms the imagery has.
 */
export function chooseZoom(ring: readonly (readonly [number, number])[], { maxZoom, target = TARGET_PIXELS }: PlanOptions): number {
  const [x0, y0, x1, y1] = worldBox(ring)
  const side = Math.max(x1 - x0, y1 - y0)
  if (!(side > 0)) return maxZoom
  const ideal = Math.round(Math.log2(target / (side * TILE_SIZE)))
  return Math.max(0, Math.min(maxZoom, ideal))
}

/** The tiles to fetch for a footprint, and where each goes on a canvas cropped to its box. */
export function planThumbnail(ring: readonly (readonly [number, number])[], options: PlanOptions): ThumbnailPlan {
  const [x0, y0, x1, y1] = worldBox(ring)
  for (let zoom = chooseZoom(ring, options); ; zoom--) {
    const scale = TILE_SIZE * 2 ** zoom
    const left = Math.floor(x0 * scale)
    const top = Math.floor(y0 * scale)
    const width = Math.max(1, Math.ceil(x1 * scale) - left)
    const height = Math.max(1, Math.ceil(y1 * scale) - top)
    const n = 2 ** zoom
    const tx0 = Math.floor(left / TILE_SIZE)
    const tx1 = Math.floor((left + width - 1) / TILE_SIZE)
    const ty0 = Math.max(0, Math.floor(top / TILE_SIZE))
    const ty1 = Math.min(n - 1, Math.floor((top + height - 1) / TILE_SIZE))
    if ((tx1 - tx0 + 1) * (ty1 - ty0 + 1) > MAX_TILES && zoom > 0) continue
    const tiles: TileDraw[] = []
    for (let ty = ty0; ty <= ty1; ty++)
      for (let tx = tx0; tx <= tx1; tx++) tiles.push({ z: zoom, x: ((tx % n) + n) % n, y: ty, dx: tx * TILE_SIZE - left, dy: ty * TILE_SIZE - top })
    return { zoom, width, height, left, top, tiles }
  }
}

/** A footprint's vertices in canvas pixels, for drawing its outline. */
export function ringToCanvas(ring: readonly (readonly [number, number])[], plan: ThumbnailPlan): [number, number][] {
  const scale = TILE_SIZE * 2 ** plan.zoom
  return continuousRing(ring).map(([lon, lat]) => {
    const [x, y] = lonLatToWorld(lon, lat)
    return [x * scale - plan.left, y * scale - plan.top]
  })
}

/** A tile's URL from an XYZ template ({z}, {x}, {y}). */
export function tileUrl(template: string, { z, x, y }: { z: number; x: number; y: number }): string {
  return template.replaceAll('{z}', String(z)).replaceAll('{x}', String(x)).replaceAll('{y}', String(y))
}
