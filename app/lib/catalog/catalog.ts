// Catalogs: a JSON list of embedding sets a person can pick from. The built-in one lists the
// published sets; anyone can host another and open it by URL. Untrusted input: every field is
// validated, links must be http(s), and text is capped.
//
// Format (version 1):
// {
//   "version": 1,
//   "datasets": [
//     {
//       "id": "clay-v0",                          // unique within the catalog
//       "title": "Clay v0 (global, Sentinel-2)",
//       "description": "…",                        // optional
//       "href": "https://data.source.coop/clay/clay-model-v0-embeddings/",  // file, folder or catalog; relative to the catalog
//       "layout": "prefix",                        // "file" | "prefix" (a folder of files); optional, guessed from href
//       "model": { "name": "Clay v0", "dims": 768 },  // optional; or a model id string, see below
//       "licence": "ODC-BY-1.0",                   // optional
//       "attribution": "Clay embeddings, Clay / Radiant Earth",  // optional
//       "imagery": "https://tiles.example.org/{z}/{x}/{y}.jpg",  // optional, see below
//       "stac": "https://earth-search.aws.element84.com/v1"      // optional, see below
//     }
//   ]
// }
//
// `imagery` names the XYZ raster tiles (256 px, Web Mercator) that fit the set's chips, for the
// result pictures; without it the app uses Sentinel-2 cloudless. Either a tile template, or
//   { "tiles": "https://…/{z}/{x}/{y}.png", "maxZoom": 18, "attribution": "…" }
// The template must be http(s) and hold {z}, {x} and {y}; maxZoom is 0–24 (default 18). A bad
// `imagery` is reported and dropped; the entry itself is kept.
//
// `model` may also be a string, or an object with an "id": the id of the model that made the
// embeddings (e.g. "chipfinder-test-encoder-v1", "clay-v1.5-sentinel-2-l2a"), i.e. the `id` of a
// model manifest under models/. It decides whether a drawn area can be encoded on the spot
// (encoder mode) or is answered from the loaded vectors. `stac` is the STAC API (http(s)) that
// the set's imagery is searched in when an area is encoded; without it the model's manifest
// names one (Earth Search). A bad `stac` is reported and dropped.

import { isOpenableUrl } from '../vocabulary.ts'

/** XYZ raster tiles that show what a set's chips saw. */
export interface ImagerySource {
  /** https://…/{z}/{x}/{y}…; {z}, {x} and {y} are each present. */
  tiles: string
  /** Deepest zoom the server has. */
  maxZoom: number
  /** Credit to show with the pictures, as plain text. */
  attribution: string | null
}

export const DEFAULT_IMAGERY_MAX_ZOOM = 18
const MAX_TEMPLATE = 2048

export type SourceLayout = 'file' | 'prefix' | 'catalog'

export interface CatalogEntry {
  id: string
  title: string
  description: string | null
  href: string
  layout: SourceLayout
  modelName: string | null
  dims: number | null
  licence: string | null
  attribution: string | null
  /** Imagery that fits this set's chips, when the catalog names one. */
  imagery: ImagerySource | null
  /** The id of the model that made the embeddings (a manifest id under models/), when given. */
  modelId?: string | null
  /** The STAC API root (http(s), no trailing slash) to search this set's imagery in, when given. */
  stac?: string | null
  /** The set's archive index (an index.json, docs/index-format.md), when the entry names one;
   * else a folder's is looked for beside it (chipfinder-index/index.json). */
  index?: string | null
}

export interface Catalog {
  entries: CatalogEntry[]
  /** Entries that were left out, and why. */
  problems: string[]
}

const MAX_ENTRIES = 500
const MAX_TEXT = 300

/** What a URL most likely points at, from its shape alone. */
export function guessLayout(url: string): SourceLayout {
  const path = (() => {
    try {
      return new URL(url).pathname.toLowerCase()
    } catch {
      return url.toLowerCase()
    }
  })()
  if (path.endsWith('.json')) return 'catalog'
  if (/\.(parquet|gpq|geoparquet|pq)$/.test(path)) return 'file'
  return 'prefix'
}

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null
  const t = v.trim()
  return t ? t.slice(0, MAX_TEXT) : null
}

/**
 * An `imagery` value as a source, or why it can't be used. Relative templates resolve against the
 * catalog, like hrefs. The placeholders are checked before the URL is parsed, because URL parsing
 * would percent-encode their braces.
 */
export function parseImagery(value: unknown, baseUrl: string): ImagerySource | string {
  const raw = typeof value === 'string' ? { tiles: value } : value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null
  if (!raw || typeof raw.tiles !== 'string') return 'it needs a tile template such as https://…/{z}/{x}/{y}.png'
  const template = raw.tiles.trim()
  if (template.length > MAX_TEMPLATE) return 'its tile template is too long'
  if (!['{z}', '{x}', '{y}'].every((p) => template.includes(p))) return 'its tile template must hold {z}, {x} and {y}'
  let tiles: string
  try {
    // Resolve with stand-ins for the placeholders, then put them back.
    const probe = template.replace(/\{([zxy])\}/g, (_, k: string) => `__${k}__`)
    tiles = new URL(probe, baseUrl).href.replace(/__([zxy])__/g, (_, k: string) => `{${k}}`)
  } catch {
    return 'its tile template is not a link'
  }
  if (!isOpenableUrl(tiles.replace(/\{[zxy]\}/g, '0'))) return 'only http:// and https:// tiles can be used'
  let maxZoom = DEFAULT_IMAGERY_MAX_ZOOM
  if (raw.maxZoom !== undefined) {
    if (typeof raw.maxZoom !== 'number' || !Number.isInteger(raw.maxZoom) || raw.maxZoom < 0 || raw.maxZoom > 24) return 'its maxZoom must be a whole number from 0 to 24'
    maxZoom = raw.maxZoom
  }
  return { tiles, maxZoom, attribution: text(raw.attribution) }
}

export function parseCatalog(json: unknown, baseUrl: string): Catalog {
  const problems: string[] = []
  if (json === null || typeof json !== 'object' || !Array.isArray((json as { datasets?: unknown }).datasets))
    return { entries: [], problems: ['This is not a catalog: it has no "datasets" list.'] }
  const { version, datasets } = json as { version?: unknown; datasets: unknown[] }
  if (version !== undefined && version !== 1) problems.push(`Catalog version ${String(version).slice(0, 20)} is newer than this app knows; reading what it can.`)
  const entries: CatalogEntry[] = []
  const ids = new Set<string>()
  for (const [i, raw] of datasets.slice(0, MAX_ENTRIES).entries()) {
    if (raw === null || typeof raw !== 'object') {
      problems.push(`Entry ${i + 1} is not an object.`)
      continue
    }
    const r = raw as Record<string, unknown>
    const hrefText = text(r.href)
    let href: string | null
    try {
      href = hrefText ? new URL(hrefText, baseUrl).href : null
    } catch {
      href = null
    }
    const title = text(r.title) ?? text(r.id)
    if (!href || !isOpenableUrl(href) || !title) {
      problems.push(`Entry ${i + 1} was left out: it needs a title and an http(s) href.`)
      continue
    }
    let id = text(r.id) ?? `entry-${i + 1}`
    while (ids.has(id)) id = `${id}-${i + 1}`
    ids.add(id)
    const model = r.model !== null && typeof r.model === 'object' ? (r.model as Record<string, unknown>) : {}
    const modelId = typeof r.model === 'string' ? text(r.model) : text(model.id)
    let stac: string | null = null
    if (r.stac !== undefined && r.stac !== null) {
      const raw = text(r.stac)
      let resolved: string | null
      try {
        resolved = raw ? new URL(raw, baseUrl).href.replace(/\/+$/, '') : null
      } catch {
        resolved = null
      }
      if (resolved && isOpenableUrl(resolved)) stac = resolved
      else problems.push(`The stac link of entry ${i + 1} (${title}) was ignored: only http:// and https:// links can be used.`)
    }
    let index: string | null = null
    if (r.index !== undefined && r.index !== null) {
      const raw = text(r.index)
      let resolved: string | null
      try {
        resolved = raw ? new URL(raw, baseUrl).href : null
      } catch {
        resolved = null
      }
      if (resolved && isOpenableUrl(resolved)) index = resolved
      else problems.push(`The index link of entry ${i + 1} (${title}) was ignored: only http:// and https:// links can be used.`)
    }
    const dims = typeof model.dims === 'number' && Number.isInteger(model.dims) && model.dims > 0 && model.dims < 2_000_000 ? model.dims : null
    let imagery: ImagerySource | null = null
    if (r.imagery !== undefined && r.imagery !== null) {
      const parsed = parseImagery(r.imagery, baseUrl)
      if (typeof parsed === 'string') problems.push(`The imagery of entry ${i + 1} (${title}) was ignored: ${parsed}.`)
      else imagery = parsed
    }
    const layout = r.layout === 'file' ? 'file' : r.layout === 'catalog' ? 'catalog' : r.layout === undefined ? guessLayout(href) : 'prefix'
    entries.push({
      id,
      title,
      description: text(r.description),
      href,
      layout,
      modelName: text(model.name) ?? (typeof r.model === 'string' ? modelId : null),
      modelId,
      stac,
      index,
      dims,
      licence: text(r.licence ?? r.license),
      attribution: text(r.attribution),
      imagery,
    })
  }
  if (datasets.length > MAX_ENTRIES) problems.push(`Only the first ${MAX_ENTRIES} of ${datasets.length} entries were read.`)
  return { entries, problems }
}
