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
//       "model": { "name": "Clay v0", "dims": 768 },  // optional
//       "licence": "ODC-BY-1.0",                   // optional
//       "attribution": "Clay embeddings, Clay / Radiant Earth"  // optional
//     }
//   ]
// }

import { isOpenableUrl } from '../url-state.ts'

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
    const dims = typeof model.dims === 'number' && Number.isInteger(model.dims) && model.dims > 0 && model.dims < 2_000_000 ? model.dims : null
    const layout = r.layout === 'file' ? 'file' : r.layout === 'catalog' ? 'catalog' : r.layout === undefined ? guessLayout(href) : 'prefix'
    entries.push({
      id,
      title,
      description: text(r.description),
      href,
      layout,
      modelName: text(model.name),
      dims,
      licence: text(r.licence ?? r.license),
      attribution: text(r.attribution),
    })
  }
  if (datasets.length > MAX_ENTRIES) problems.push(`Only the first ${MAX_ENTRIES} of ${datasets.length} entries were read.`)
  return { entries, problems }
}
