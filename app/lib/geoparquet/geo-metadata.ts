// The GeoParquet `geo` key/value entry. It comes from whoever wrote the file, so nothing in it is
// trusted: every field is checked, and garbage reads as "no geo metadata" rather than a crash.

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

function parseColumn(name: string, v: unknown): GeoColumn {
  const c = isRecord(v) ? v : {}
  const types = Array.isArray(c.geometry_types) ? c.geometry_types.filter((t): t is string => typeof t === 'string') : []
  return {
    name,
    encoding: typeof c.encoding === 'string' ? c.encoding : null,
    crs: parseCrs(c),
    bbox: parseBbox(c.bbox),
    geometryTypes: types,
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
