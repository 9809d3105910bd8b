// A small STAC API over the synthetic encoder set's items (scripts/make-encoder-set.mjs), for
// the tests' data server (e2e/support/data-server.mjs mounts it) and the dev demo. What a client
// of Earth Search v1 relies on, nothing more:
//   GET       <root>                       landing page (conformance classes, links)
//   POST|GET  <root>/search                item search: collections, ids, bbox, intersects (its
//             bbox is compared, good enough for a scene and a drawn area), datetime ("a/b", ".."
//             open ends, or one instant), sortby (POST [{field, direction}] or GET
//             "-properties.eo:cloud_cover"; fields datetime, eo:cloud_cover, id, with or without
//             "properties."), limit (default 10, at most 100). Answers a FeatureCollection with
//             numberReturned and context. A bad body or parameter: 400 {code, description}.
//   GET|HEAD  <root>/assets/<item>/<file>  the item's COGs, range-served (206/416)
// Asset hrefs are made absolute: <origin><root>/assets/<item>/<file>, or, with
// `brokenAssets`, <origin>/status/404/<item>/<file> (a scene whose files were withdrawn).
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { serveFileWithRange } from '../lib/serve-range.mjs'

const MAX_BODY = 1 << 20
const SAFE = /^[\w][\w.-]*$/

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function json(res, status, body, type = 'application/json') {
  res.statusCode = status
  res.setHeader('Content-Type', type)
  res.setHeader('Cache-Control', 'no-store')
  res.end(JSON.stringify(body))
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<string>} */
function readBody(req) {
  return new Promise((done, fail) => {
    let size = 0
    const parts = []
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > MAX_BODY) {
        fail(new Error('body too large'))
        req.destroy()
      } else parts.push(chunk)
    })
    req.on('end', () => done(Buffer.concat(parts).toString('utf8')))
    req.on('error', fail)
  })
}

/** [w, s, e, n] of any GeoJSON geometry's coordinates. */
function geometryBbox(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity]
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0])
      b[1] = Math.min(b[1], c[1])
      b[2] = Math.max(b[2], c[0])
      b[3] = Math.max(b[3], c[1])
    } else for (const x of c) walk(x)
  }
  if (!geometry || !Array.isArray(geometry.coordinates)) return null
  walk(geometry.coordinates)
  return b.every(Number.isFinite) ? b : null
}

const overlaps = (a, b) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]

/** The search's parameters from a POST body or GET query, or an error string. */
function searchParams(body, query) {
  const p = {}
  if (body !== null) {
    if (typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object'
    Object.assign(p, body)
  } else {
    for (const [k, v] of query) {
      if (k === 'collections' || k === 'ids') p[k] = v.split(',')
      else if (k === 'bbox') p.bbox = v.split(',').map(Number)
      else if (k === 'intersects') {
        try {
          p.intersects = JSON.parse(v)
        } catch {
          return 'intersects is not JSON'
        }
      } else if (k === 'limit') p.limit = Number(v)
      else if (k === 'sortby')
        p.sortby = v.split(',').map((s) => ({ field: s.replace(/^[+-]/, ''), direction: s.startsWith('-') ? 'desc' : 'asc' }))
      else p[k] = v
    }
  }
  if (p.limit !== undefined && (!Number.isInteger(p.limit) || p.limit < 1)) return 'limit must be a positive whole number'
  if (p.bbox !== undefined && (!Array.isArray(p.bbox) || p.bbox.length !== 4 || !p.bbox.every(Number.isFinite))) return 'bbox must be four numbers'
  if (p.intersects !== undefined && !geometryBbox(p.intersects)) return 'intersects is not a GeoJSON geometry'
  if (p.datetime !== undefined) {
    if (typeof p.datetime !== 'string') return 'datetime must be a string'
    const [a, b = a] = p.datetime.split('/')
    for (const d of [a, b]) if (d !== '..' && d !== '' && Number.isNaN(Date.parse(d))) return `datetime "${d}" is not a date`
  }
  return p
}

function sortValue(item, field) {
  const f = field.replace(/^properties\./, '')
  if (f === 'id') return item.id
  if (f === 'datetime') return Date.parse(item.properties.datetime)
  return item.properties[f] ?? null
}

/**
 * @param {{ root: string, itemsFile: string, sceneDir: string, brokenAssets?: boolean }} options
 *   root: the URL path the API is mounted at ("/stac"); itemsFile: the set's stac/items.json;
 *   sceneDir: the folder holding <item>/<file> (types: stac-server.d.mts).
 */
export function stacHandler({ root, itemsFile, sceneDir, brokenAssets = false }) {
  let items = null
  const load = () => (items ??= existsSync(itemsFile) ? JSON.parse(readFileSync(itemsFile, 'utf8')).features : [])

  /**
   * Handles req when its path is under `root`; returns false when it isn't.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @param {{ cors: boolean, origin: string }} ctx
   */
  return async function handle(req, res, url, { cors, origin }) {
    if (url.pathname !== root && !url.pathname.startsWith(`${root}/`)) return false
    const rest = url.pathname.slice(root.length).replace(/^\//, '')
    if (rest === '' && req.method === 'GET') {
      json(res, 200, {
        type: 'Catalog',
        stac_version: '1.0.0',
        id: 'chipfinder-test-stac',
        description: 'Synthetic Sentinel-2 L2A items for tests',
        conformsTo: ['https://api.stacspec.org/v1.0.0/core', 'https://api.stacspec.org/v1.0.0/item-search', 'https://api.stacspec.org/v1.0.0/item-search#sort'],
        links: [{ rel: 'search', type: 'application/geo+json', href: `${origin}${root}/search`, method: 'POST' }],
      })
      return true
    }
    if (rest === 'search') {
      if (req.method !== 'GET' && req.method !== 'POST') return json(res, 405, { code: 'MethodNotAllowed', description: 'GET or POST' }), true
      let body = null
      if (req.method === 'POST') {
        try {
          body = JSON.parse(await readBody(req))
        } catch {
          return json(res, 400, { code: 'BadRequest', description: 'The body is not JSON.' }), true
        }
      }
      const p = searchParams(body, url.searchParams)
      if (typeof p === 'string') return json(res, 400, { code: 'BadRequest', description: p }), true
      const area = p.intersects ? geometryBbox(p.intersects) : p.bbox
      let [from, to] = typeof p.datetime === 'string' ? p.datetime.split('/') : []
      to ??= from
      const t0 = from && from !== '..' ? Date.parse(from) : -Infinity
      const t1 = to && to !== '..' ? Date.parse(to) : Infinity
      let found = load().filter((item) => {
        if (Array.isArray(p.collections) && !p.collections.includes(item.collection)) return false
        if (Array.isArray(p.ids) && !p.ids.includes(item.id)) return false
        if (area && !overlaps(area, item.bbox)) return false
        const t = Date.parse(item.properties.datetime)
        return t >= t0 && t <= t1
      })
      const sortby = Array.isArray(p.sortby) && p.sortby.length > 0 ? p.sortby : [{ field: 'properties.datetime', direction: 'desc' }]
      found = [...found].sort((a, b) => {
        for (const { field, direction } of sortby) {
          const va = sortValue(a, String(field))
          const vb = sortValue(b, String(field))
          const c = va === vb ? 0 : va === null ? 1 : vb === null ? -1 : va < vb ? -1 : 1
          if (c !== 0) return direction === 'desc' ? -c : c
        }
        return 0
      })
      const limit = Math.min(100, p.limit ?? 10)
      const features = found.slice(0, limit).map((item) => ({
        ...item,
        assets: Object.fromEntries(
          Object.entries(item.assets).map(([k, a]) => {
            const file = a.href.replace(/^assets\//, '')
            return [k, { ...a, href: brokenAssets ? `${origin}/status/404/${file}` : `${origin}${root}/assets/${file}` }]
          }),
        ),
      }))
      json(res, 200, { type: 'FeatureCollection', features, numberReturned: features.length, context: { returned: features.length, limit, matched: found.length }, links: [] }, 'application/geo+json')
      return true
    }
    const m = /^assets\/([^/]+)\/([^/]+)$/.exec(rest)
    if (m && (req.method === 'GET' || req.method === 'HEAD')) {
      const [, item, file] = m
      if (!SAFE.test(item) || !SAFE.test(file)) return false
      await serveFileWithRange(req, res, path.join(sceneDir, item, file), { cors, contentType: 'image/tiff' })
      return true
    }
    return false
  }
}
