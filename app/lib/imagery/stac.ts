// Finding a Sentinel-2 scene for a drawn area through a STAC API's item search (Earth Search v1:
// https://earth-search.aws.element84.com/v1, collection sentinel-2-l2a). The response is
// untrusted: every item is checked, links must be http(s), and items that can't be used are
// skipped with a reason.
import { pointInRing } from '../geometry/polygon.ts'
import { ImageryError } from './errors.ts'

/** A lon/lat position. */
export type LonLat = [lon: number, lat: number]

/** A drawn area, as GeoJSON geometry in lon/lat: a polygon (outer ring only is used) or a point. */
export type AreaGeometry = { type: 'Polygon'; coordinates: LonLat[][] } | { type: 'Point'; coordinates: LonLat }

/** One scene (a STAC item) the app can read. */
export interface Scene {
  id: string
  /** ISO datetime of the acquisition. */
  datetime: string
  /** eo:cloud_cover in percent, or null when the item doesn't say. */
  cloudCover: number | null
  /** The EPSG code of the item's rasters (a UTM zone for Sentinel-2). */
  epsg: number
  /** [west, south, east, north] lon/lat, or null. */
  bbox: [number, number, number, number] | null
  /** The item's footprint (lon/lat GeoJSON Polygon or MultiPolygon), or null. */
  geometry: { type: 'Polygon'; coordinates: LonLat[][] } | { type: 'MultiPolygon'; coordinates: LonLat[][][] } | null
  /** Asset key → absolute http(s) link. */
  assets: Record<string, string>
}

export interface SearchParams {
  collection: string
  area: AreaGeometry
  /** Inclusive dates, "YYYY-MM-DD" (whole UTC days) or full ISO datetimes. */
  dates: { from: string; to: string }
  /** Pin one item id (a shared link names the scene it was made from). */
  ids?: string[]
  /** At most this many items (default 50). Sorted by cloud cover, so these are the clearest. */
  limit?: number
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const MAX_ITEMS = 500
const MAX_ID = 300

/** An RFC 3339 interval "from/to" for STAC's `datetime`; whole days when only dates are given. */
export function datetimeInterval(dates: { from: string; to: string }): string {
  const from = DATE_ONLY.test(dates.from) ? `${dates.from}T00:00:00Z` : dates.from
  const to = DATE_ONLY.test(dates.to) ? `${dates.to}T23:59:59Z` : dates.to
  for (const d of [from, to]) if (Number.isNaN(Date.parse(d))) throw new ImageryError('no-scenes', `"${d.slice(0, 40)}" is not a date. Pick the dates again.`)
  if (Date.parse(from) > Date.parse(to)) throw new ImageryError('no-scenes', 'The first date is after the last one. Swap the dates.')
  return `${from}/${to}`
}

/** The closed GeoJSON geometry of the area, for `intersects`. */
function intersectsOf(area: AreaGeometry): AreaGeometry {
  if (area.type === 'Point') return area
  const ring = area.coordinates[0] ?? []
  const first = ring[0]
  const last = ring[ring.length - 1]
  const closed = first && last && (first[0] !== last[0] || first[1] !== last[1]) ? [...ring, first] : ring
  return { type: 'Polygon', coordinates: [closed] }
}

/**
 * The item search: POST <stac>/search with the collection, the area (`intersects`), the dates,
 * and the clearest first (sort extension: properties.eo:cloud_cover ascending). No cloud filter
 * is sent, so "nothing in these dates" and "all of it cloudy" can be told apart.
 */
export function searchRequest(stacUrl: string, params: SearchParams): { url: string; init: RequestInit } {
  const body: Record<string, unknown> = {
    collections: [params.collection],
    intersects: intersectsOf(params.area),
    datetime: datetimeInterval(params.dates),
    sortby: [{ field: 'properties.eo:cloud_cover', direction: 'asc' }],
    limit: Math.max(1, Math.min(MAX_ITEMS, params.limit ?? 50)),
  }
  if (params.ids) body.ids = params.ids
  return {
    url: `${stacUrl.replace(/\/+$/, '')}/search`,
    init: { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/geo+json, application/json' }, body: JSON.stringify(body) },
  }
}

function isHttp(u: string): boolean {
  return u.startsWith('http://') || u.startsWith('https://')
}

/** "EPSG:32630", 32630 or "32630" → 32630; anything else null. */
function epsgOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v
  if (typeof v === 'string') {
    const m = /^(?:EPSG:)?(\d{4,6})$/i.exec(v.trim())
    if (m) return Number(m[1])
  }
  return null
}

function isPosition(p: unknown): p is LonLat {
  return Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[0]) && Number.isFinite(p[1])
}

function ringsOf(v: unknown): LonLat[][] | null {
  if (!Array.isArray(v) || v.length === 0) return null
  const rings: LonLat[][] = []
  for (const r of v) {
    if (!Array.isArray(r) || r.length < 4 || !r.every(isPosition)) return null
    rings.push(r.map((p) => [p[0], p[1]] as LonLat))
  }
  return rings
}

function geometryOf(v: unknown): Scene['geometry'] {
  if (v === null || typeof v !== 'object') return null
  const g = v as { type?: unknown; coordinates?: unknown }
  if (g.type === 'Polygon') {
    const rings = ringsOf(g.coordinates)
    return rings ? { type: 'Polygon', coordinates: rings } : null
  }
  if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) {
    const polys = g.coordinates.map(ringsOf)
    return polys.every((p) => p !== null) ? { type: 'MultiPolygon', coordinates: polys as LonLat[][][] } : null
  }
  return null
}

/**
 * The usable scenes of a search response (a GeoJSON FeatureCollection of STAC items), and why
 * others were skipped. Asset links resolve against `baseUrl` (the search URL) and must be http(s).
 */
export function parseSearchResponse(json: unknown, baseUrl: string): { scenes: Scene[]; problems: string[] } {
  const problems: string[] = []
  const features = json !== null && typeof json === 'object' ? (json as { features?: unknown }).features : undefined
  if (!Array.isArray(features)) return { scenes: [], problems: ['The imagery search answered something that is not a list of scenes.'] }
  const scenes: Scene[] = []
  for (const [i, raw] of features.slice(0, MAX_ITEMS).entries()) {
    if (raw === null || typeof raw !== 'object') continue
    const f = raw as Record<string, unknown>
    const props = f.properties !== null && typeof f.properties === 'object' ? (f.properties as Record<string, unknown>) : {}
    const id = typeof f.id === 'string' && f.id.length > 0 && f.id.length <= MAX_ID ? f.id : null
    const datetime = typeof props.datetime === 'string' && !Number.isNaN(Date.parse(props.datetime)) ? props.datetime : null
    if (!id || !datetime) {
      problems.push(`Scene ${i + 1} was skipped: it has no id or date.`)
      continue
    }
    const cc = props['eo:cloud_cover']
    const cloudCover = typeof cc === 'number' && Number.isFinite(cc) && cc >= 0 && cc <= 100 ? cc : null
    const assets: Record<string, string> = {}
    let assetEpsg: number | null = null
    const rawAssets = f.assets !== null && typeof f.assets === 'object' ? (f.assets as Record<string, unknown>) : {}
    for (const [key, a] of Object.entries(rawAssets)) {
      if (a === null || typeof a !== 'object') continue
      const asset = a as Record<string, unknown>
      if (typeof asset.href !== 'string') continue
      let href: string
      try {
        href = new URL(asset.href, baseUrl).href
      } catch {
        continue
      }
      if (!isHttp(href)) continue
      assets[key] = href
      assetEpsg ??= epsgOf(asset['proj:epsg']) ?? epsgOf(asset['proj:code'])
    }
    const epsg = epsgOf(props['proj:epsg']) ?? epsgOf(props['proj:code']) ?? assetEpsg
    if (epsg === null) {
      problems.push(`Scene ${id.slice(0, 80)} was skipped: it doesn't say its projection (proj:epsg or proj:code).`)
      continue
    }
    const b = f.bbox
    const bbox = Array.isArray(b) && b.length === 4 && b.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (b as [number, number, number, number]) : null
    scenes.push({ id, datetime, cloudCover, epsg, bbox, geometry: geometryOf(f.geometry), assets })
  }
  return { scenes, problems }
}


function inPolygon(p: LonLat, rings: readonly LonLat[][]): boolean {
  const [outer, ...holes] = rings
  // Lon/lat treated as planar: fine at a tile's size.
  return !!outer && pointInRing(p, outer) && !holes.some((h) => pointInRing(p, h))
}

/** The area's vertices (or its point). */
export function areaVertices(area: AreaGeometry): LonLat[] {
  return area.type === 'Point' ? [area.coordinates] : (area.coordinates[0] ?? [])
}

/** Whether every vertex of the area lies within the scene's footprint (its bbox when it has none). */
export function sceneCovers(scene: Scene, area: AreaGeometry): boolean {
  const pts = areaVertices(area)
  if (pts.length === 0) return false
  const g = scene.geometry
  if (g) {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
    return pts.every((p) => polys.some((poly) => inPolygon(p, poly)))
  }
  if (scene.bbox) {
    const [w, s, e, n] = scene.bbox
    return pts.every(([x, y]) => x >= w && x <= e && y >= s && y <= n)
  }
  return false
}

function percent(v: number): string {
  return `${Math.round(v)} %`
}

/**
 * The least cloudy scene that covers the whole area and is at most `maxCloud` % cloudy (ties:
 * the newest, then by id, so the same search always picks the same scene). Scenes without a
 * cloud cover count as cloudier than any that have one.
 */
export function pickScene(scenes: readonly Scene[], area: AreaGeometry, opts: { maxCloud: number; dates: { from: string; to: string } }): Scene {
  const window = `${opts.dates.from} to ${opts.dates.to}`
  if (scenes.length === 0) throw new ImageryError('no-scenes', `No Sentinel-2 scene covers this area from ${window}. Widen the dates and try again.`)
  const covering = scenes.filter((s) => sceneCovers(s, area))
  if (covering.length === 0)
    throw new ImageryError(
      'not-covered',
      `No single Sentinel-2 scene from ${window} covers the whole area (it crosses the edge of a scene's tile). Draw a smaller area, or one a little to the side.`,
    )
  const sorted = [...covering].sort(
    (a, b) => (a.cloudCover ?? Infinity) - (b.cloudCover ?? Infinity) || Date.parse(b.datetime) - Date.parse(a.datetime) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  const best = sorted[0]!
  if (best.cloudCover === null || best.cloudCover > opts.maxCloud) {
    const least = best.cloudCover === null ? 'of unknown cloud cover' : `at least ${percent(best.cloudCover)} cloudy`
    throw new ImageryError(
      'all-cloudy',
      `Every Sentinel-2 scene of this area from ${window} is ${least} (the limit is ${percent(opts.maxCloud)}). Widen the dates to find a clearer day.`,
    )
  }
  return best
}

/** Runs the search and parses the answer; network and HTTP failures become ImageryError 'http'. */
export async function searchScenes(
  stacUrl: string,
  params: SearchParams,
  opts: { signal?: AbortSignal; fetch?: typeof fetch } = {},
): Promise<{ scenes: Scene[]; problems: string[] }> {
  const { url, init } = searchRequest(stacUrl, params)
  const doFetch = opts.fetch ?? fetch
  let response: Response
  try {
    response = await doFetch(url, { ...init, signal: opts.signal })
  } catch (error) {
    if (opts.signal?.aborted || (error instanceof Error && error.name === 'AbortError')) throw new ImageryError('aborted', 'Stopped before the imagery search answered.')
    throw new ImageryError('http', `The imagery search (${new URL(url).host}) could not be reached. Check the connection and try again.`, { cause: error })
  }
  if (!response.ok)
    throw new ImageryError('http', `The imagery search (${new URL(url).host}) answered ${response.status} ${response.statusText}. Try again later.`.replace(/ \./, '.'))
  let json: unknown
  try {
    json = await response.json()
  } catch (error) {
    if (opts.signal?.aborted) throw new ImageryError('aborted', 'Stopped before the imagery search answered.')
    throw new ImageryError('http', 'The imagery search answered something that is not JSON. Try again later.', { cause: error })
  }
  return parseSearchResponse(json, url)
}
