// The GeoParquet `geo` key/value entry. It comes from whoever wrote the file, so nothing in it is
// trusted: every field is checked, and garbage reads as "no geo metadata" rather than a crash.
// Also the CRS side of it: which CRSs are lon/lat already, and how to bring any other one to
// lon/lat with proj4 (resolveCrs).

import proj4 from 'proj4'
import { ringBBox } from '../bbox.ts'
import { errorMessage } from '../errors.ts'

/** A PROJJSON object, a CRS string such as "EPSG:4326", null (explicitly unknown: GeoParquet
 * readers treat it as lon/lat), or undefined when the key is absent (the spec's default, CRS84). */
export type GeoCrs = Record<string, unknown> | string | null | undefined

export interface GeoColumn {
  name: string
  /** e.g. "WKB"; null when missing or not a string. */
  encoding: string | null
  crs: GeoCrs
  /** [west, south, east, north]; null when missing or malformed. */
  bbox: [number, number, number, number] | null
  geometryTypes: string[]
  /** GeoParquet 1.1 `covering.bbox`: the struct column that holds each row's bbox; null if none. */
  covering: BboxCovering | null
}

/** Where each row's bounding box lives: paths (column, field) of its four numbers. */
export interface BboxCovering {
  xmin: string[]
  ymin: string[]
  xmax: string[]
  ymax: string[]
}

export interface GeoMetadata {
  version: string | null
  /** Name of the primary geometry column. */
  primaryColumn: string
  /** The primary column's entry; null when `columns` doesn't describe it. */
  primary: GeoColumn | null
  columns: Map<string, GeoColumn>
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function parseBbox(v: unknown): [number, number, number, number] | null {
  if (!Array.isArray(v)) return null
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) return null
  const n = v as number[]
  // GeoParquet allows [xmin, ymin, xmax, ymax] or with z: [xmin, ymin, zmin, xmax, ymax, zmax].
  if (n.length === 4) return [n[0] as number, n[1] as number, n[2] as number, n[3] as number]
  if (n.length === 6) return [n[0] as number, n[1] as number, n[3] as number, n[4] as number]
  return null
}

function parseCrs(column: Record<string, unknown>): GeoCrs {
  if (!('crs' in column)) return undefined
  const crs = column.crs
  if (crs === null || typeof crs === 'string' || isRecord(crs)) return crs
  // A number or array is invalid; keep it as text so the error can name it, and never as lon/lat.
  return JSON.stringify(crs)
}

function parsePath(v: unknown): string[] | null {
  if (!Array.isArray(v) || v.length === 0 || v.length > 8) return null
  return v.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 256) ? (v as string[]) : null
}

function parseCovering(v: unknown): BboxCovering | null {
  if (!isRecord(v) || !isRecord(v.bbox)) return null
  const b = v.bbox
  const xmin = parsePath(b.xmin)
  const ymin = parsePath(b.ymin)
  const xmax = parsePath(b.xmax)
  const ymax = parsePath(b.ymax)
  return xmin && ymin && xmax && ymax ? { xmin, ymin, xmax, ymax } : null
}

function parseColumn(name: string, v: unknown): GeoColumn {
  const c = isRecord(v) ? v : {}
  const types = Array.isArray(c.geometry_types) ? c.geometry_types.filter((t): t is string => typeof t === 'string') : []
  return {
    name,
    encoding: typeof c.encoding === 'string' ? c.encoding : null,
    crs: parseCrs(c),
    bbox: parseBbox(c.bbox),
    geometryTypes: types,
    covering: parseCovering(c.covering),
  }
}

/** Parses the `geo` metadata value; null when it is missing, not JSON, or names no column. */
export function parseGeoMetadata(json: string | null | undefined): GeoMetadata | null {
  if (typeof json !== 'string' || json === '') return null
  let doc: unknown
  try {
    doc = JSON.parse(json)
  } catch {
    return null
  }
  if (!isRecord(doc)) return null
  const columns = new Map<string, GeoColumn>()
  if (isRecord(doc.columns)) {
    for (const [name, v] of Object.entries(doc.columns)) columns.set(name, parseColumn(name, v))
  }
  let primaryColumn = typeof doc.primary_column === 'string' ? doc.primary_column : null
  // Some writers leave primary_column out; a single described column is unambiguous.
  if (primaryColumn === null && columns.size === 1) primaryColumn = [...columns.keys()][0] ?? null
  if (primaryColumn === null) return null
  return {
    version: typeof doc.version === 'string' ? doc.version : null,
    primaryColumn,
    primary: columns.get(primaryColumn) ?? null,
    columns,
  }
}

function projjsonId(crs: Record<string, unknown>): { authority: string; code: string } | null {
  const id = isRecord(crs.id) ? crs.id : Array.isArray(crs.ids) && isRecord(crs.ids[0]) ? crs.ids[0] : null
  if (!id) return null
  const { authority, code } = id
  if (typeof authority !== 'string') return null
  if (typeof code !== 'string' && typeof code !== 'number') return null
  return { authority: authority.toUpperCase(), code: String(code).toUpperCase() }
}

const LON_LAT_CODES = new Set(['OGC:CRS84', 'EPSG:4326'])
const LON_LAT_URNS = new Set(['URN:OGC:DEF:CRS:OGC:1.3:CRS84', 'URN:OGC:DEF:CRS:OGC::CRS84', 'URN:OGC:DEF:CRS:EPSG::4326'])

/**
 * True when coordinates can be used as lon/lat as they are: a missing or null CRS, OGC:CRS84 or
 * EPSG:4326 (GeoParquet stores x = longitude whatever the CRS's axis order says).
 */
export function isLonLatCrs(crs: GeoCrs): boolean {
  if (crs === undefined || crs === null) return true
  if (typeof crs === 'string') {
    const s = crs.trim().toUpperCase()
    return LON_LAT_CODES.has(s) || LON_LAT_URNS.has(s)
  }
  const id = projjsonId(crs)
  return id !== null && LON_LAT_CODES.has(`${id.authority}:${id.code}`)
}

/** A short name for a CRS, for messages: "EPSG:3857", a PROJJSON name, or the string itself. */
export function crsLabel(crs: GeoCrs): string {
  if (crs === undefined) return 'OGC:CRS84 (default)'
  if (crs === null) return 'unknown (null)'
  if (typeof crs === 'string') return crs.length > 80 ? `${crs.slice(0, 77)}…` : crs
  const id = projjsonId(crs)
  if (id) return `${id.authority}:${id.code}`
  if (typeof crs.name === 'string') return crs.name
  return 'an unnamed PROJJSON CRS'
}

// --- Bringing any CRS to lon/lat -------------------------------------------------------------

/**
 * Definitions proj4 doesn't carry itself, for the projected CRSs embedding producers use. proj4
 * already knows EPSG:4326, 4269, 3857 (and 3785, 900913 through its aliases), 32601–32660,
 * 32701–32760, 5041 and 5042.
 */
const EXTRA_DEFINITIONS: Record<string, string> = {
  'EPSG:3395': '+proj=merc +lon_0=0 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
  'EPSG:3035': '+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  'EPSG:5070': '+proj=aea +lat_0=23 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 +x_0=0 +y_0=0 +datum=NAD83 +units=m +no_defs',
  'EPSG:3413': '+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
  'EPSG:3031': '+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
  'EPSG:6933': '+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
  'EPSG:8857': '+proj=eqearth +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
  'EPSG:4258': '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
  'OGC:CRS83': '+proj=longlat +datum=NAD83 +no_defs',
}
/** Other names of Web Mercator. */
const WEB_MERCATOR_ALIASES = new Set(['EPSG:900913', 'EPSG:3785', 'EPSG:102100', 'EPSG:102113', 'ESRI:102100', 'ESRI:102113'])

/** A proj4 definition for an authority code, or null when this module has none. */
function definitionForCode(code: string): string | null {
  if (WEB_MERCATOR_ALIASES.has(code)) return 'EPSG:3857'
  const extra = EXTRA_DEFINITIONS[code]
  if (extra) return extra
  const m = /^EPSG:(\d+)$/.exec(code)
  if (!m) return null
  const n = Number(m[1])
  // WGS 84 / UTM north and south, and WGS 84 / UPS: proj4 has them by name.
  if ((n >= 32601 && n <= 32660) || (n >= 32701 && n <= 32760) || n === 3857 || n === 4269 || n === 5041 || n === 5042) return code
  // NAD83 / UTM zones 1N–23N and ETRS89 / UTM zones 28N–38N.
  if (n >= 26901 && n <= 26923) return `+proj=utm +zone=${n - 26900} +datum=NAD83 +units=m +no_defs`
  if (n >= 25828 && n <= 25838) return `+proj=utm +zone=${n - 25800} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`
  return null
}

/**
 * "AUTHORITY:CODE" for a CRS given by code: "EPSG:3857", "urn:ogc:def:crs:EPSG::3857",
 * "http://www.opengis.net/def/crs/EPSG/0/3857", or a PROJJSON `id`. Null for anything else.
 */
export function crsCode(crs: GeoCrs): string | null {
  if (crs === undefined || crs === null) return null
  if (typeof crs !== 'string') {
    const id = projjsonId(crs)
    return id ? `${id.authority}:${id.code}` : null
  }
  const s = crs.trim().toUpperCase()
  let m = /^([A-Z]+):(\w+)$/.exec(s)
  if (m) return `${m[1]}:${m[2]}`
  m = /^URN:OGC:DEF:CRS:([A-Z]+):[\w.]*:(\w+)$/.exec(s)
  if (m) return `${m[1]}:${m[2]}`
  m = /^HTTPS?:\/\/WWW\.OPENGIS\.NET\/DEF\/CRS\/([A-Z]+)\/[\w.]+\/(\w+)$/.exec(s)
  if (m) return `${m[1]}:${m[2]}`
  return null
}

/**
 * How a file's coordinates become lon/lat:
 * - `lonlat`: they already are (missing or null CRS, OGC:CRS84, EPSG:4326);
 * - `reproject`: `toLonLat` converts x/y pairs in place with proj4;
 * - `unsupported`: no definition for this CRS is at hand, `reason` says so in plain words.
 */
export type CrsResolution =
  | { kind: 'lonlat'; label: string }
  | {
      kind: 'reproject'
      label: string
      /**
       * Converts [x0, y0, x1, y1, …] to lon/lat in place. Longitudes are made continuous along the
       * array (a ring crossing the antimeridian keeps going past ±180 rather than jumping), so a
       * ring stays drawable. False when any point fails (outside the projection's domain).
       */
      toLonLat: (coords: Float64Array) => boolean
    }
  | { kind: 'unsupported'; label: string; reason: string }

const converterCache = new Map<string, CrsResolution>()
const CONVERTER_CACHE_MAX = 32

function converterFor(definition: string | Record<string, unknown>, label: string): CrsResolution {
  let forward: (xy: [number, number]) => [number, number]
  try {
    // proj4's own types describe PROJJSON narrowly; it takes any PROJJSON object (wkt-parser reads it).
    const converter = proj4(definition as Parameters<typeof proj4>[0], 'EPSG:4326')
    forward = (xy) => converter.forward(xy)
  } catch (err) {
    const why = errorMessage(err)
    return { kind: 'unsupported', label, reason: `its definition couldn't be read (${why.slice(0, 120)})` }
  }
  const toLonLat = (coords: Float64Array): boolean => {
    let prevLon = NaN
    for (let i = 0; i + 1 < coords.length; i += 2) {
      let lonLat: [number, number]
      try {
        lonLat = forward([coords[i] as number, coords[i + 1] as number])
      } catch {
        return false
      }
      let lon = lonLat[0]
      const lat = lonLat[1]
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90 + 1e-9) return false
      if (prevLon === prevLon) {
        while (lon - prevLon > 180) lon -= 360
        while (prevLon - lon > 180) lon += 360
      }
      prevLon = lon
      coords[i] = lon
      coords[i + 1] = lat
    }
    return true
  }
  return { kind: 'reproject', label, toLonLat }
}

/** Decides how coordinates in `crs` become lon/lat (see CrsResolution). Never throws. */
export function resolveCrs(crs: GeoCrs): CrsResolution {
  const label = crsLabel(crs)
  if (isLonLatCrs(crs)) return { kind: 'lonlat', label }
  const code = crsCode(crs)
  let key: string
  let definition: string | Record<string, unknown> | null = code !== null ? definitionForCode(code) : null
  if (definition !== null) {
    key = `code:${code}`
  } else if (typeof crs === 'object' && crs !== null) {
    // A PROJJSON with no id, or an id this module has no definition for: its own parameters
    // (base CRS, conversion method and parameters) are a full definition proj4 can use.
    const hasDefinition = 'conversion' in crs || 'base_crs' in crs || 'datum' in crs || 'datum_ensemble' in crs
    if (!hasDefinition) {
      return { kind: 'unsupported', label, reason: "it is given only by a code this app has no definition for, and the file doesn't spell out its parameters" }
    }
    definition = crs
    try {
      key = `json:${JSON.stringify(crs)}`
    } catch {
      key = `label:${label}`
    }
  } else if (typeof crs === 'string' && (/^\s*\+proj=/.test(crs) || /^\s*[A-Z_]+\s*\[/i.test(crs))) {
    // A proj string or a WKT definition.
    definition = crs
    key = `text:${crs}`
  } else {
    return { kind: 'unsupported', label, reason: "it is given only by a code this app has no definition for, and the file doesn't spell out its parameters" }
  }
  const cached = converterCache.get(key)
  if (cached) return { ...cached, label }
  const resolved = converterFor(definition, label)
  if (converterCache.size >= CONVERTER_CACHE_MAX) converterCache.clear()
  converterCache.set(key, resolved)
  return resolved
}

/**
 * A bbox [xmin, ymin, xmax, ymax] in the CRS's coordinates as a lon/lat bbox [west, south,
 * east, north]: its edges are sampled, since a projected rectangle isn't one in lon/lat.
 * Null when the conversion fails. (A bbox around a pole in a polar projection is undercounted.)
 */
export function bboxToLonLat(bbox: [number, number, number, number], res: CrsResolution): [number, number, number, number] | null {
  if (res.kind === 'lonlat') return bbox
  if (res.kind === 'unsupported') return null
  const [x0, y0, x1, y1] = bbox
  const steps = 16
  const pts = new Float64Array(8 * steps + 2)
  let k = 0
  const push = (x: number, y: number): void => {
    pts[k++] = x
    pts[k++] = y
  }
  for (let i = 0; i < steps; i++) push(x0 + ((x1 - x0) * i) / steps, y0)
  for (let i = 0; i < steps; i++) push(x1, y0 + ((y1 - y0) * i) / steps)
  for (let i = 0; i < steps; i++) push(x1 - ((x1 - x0) * i) / steps, y1)
  for (let i = 0; i < steps; i++) push(x0, y1 - ((y1 - y0) * i) / steps)
  push(x0, y0)
  if (!res.toLonLat(pts)) return null
  return ringBBox(pts)
}
