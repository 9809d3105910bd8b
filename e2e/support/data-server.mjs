// The end-to-end tests' data server: object-storage-like file serving, an S3-compatible endpoint
// and fault routes, on loopback only. Playwright starts it (see playwright.config.ts); it can also
// run by hand, or in-process through startDataServer() (scripts/data-server.test.ts does):
//   node e2e/support/data-server.mjs [--port 4180] [--no-cors-port 4181] [--dir e2e/.fixtures]
//
// At start it writes the small fixtures (scripts/make-fixtures.mjs) into <dir> and the synthetic
// embedding sets (scripts/make-synthetic-sets.mjs, skipped when already there) into <dir>/sets.
//
// Routes (the same on both ports; the CORS port adds CORS headers, the other never does, so a
// browser page on another origin cannot read anything from it):
//   GET  /health                     a tiny HTML page (Playwright's readiness check; tests can load it)
//   GET  /embed-host.html?src=…      a host site framing the app; /embed-component.html?script=…
//                                    the same with the <chipfinder-search> web component (see
//                                    EMBED_HOST_PAGE below; e2e/embed.spec.ts)
//   GET  /files/<name>               <dir>/<name>, written at start by scripts/make-fixtures.mjs
//   GET  /clay-v0/<name>             the shared real sample ($CHIPFINDER_FIXTURES/clay-v0/<name>)
//   GET  /status/<code>/<anything>   answers <code> (200-599) with a short text body
//   GET  /truncate/<name>            a clay-v0 file; each GET sends half the requested bytes, then
//                                    closes the socket (HEAD answers normally)
//   GET  /slow/<route>?ms=<n>        any route above after n ms (default 1000, at most 5000);
//                                    a bare /slow/<name> means /slow/clay-v0/<name>
// File routes honour single byte ranges (206/416) through scripts/lib/serve-range.mjs.
//
// S3-compatible endpoint (what data.source.coop and S3 answer, as far as a reader can tell):
//   buckets: `synthetic` = <dir>/sets (the generated sets, catalog.json, manifest.json),
//            `clay-v0-sample` = the shared real sample folder,
//            `large` = .cache/large-sets (scripts/make-large-set.mjs writes sets there when a
//            test or benchmark asks for one: s3Urls.folder('large', <set name>)).
//   GET  /s3/<bucket>[/<folder>…]?list-type=2&prefix=…&delimiter=…&max-keys=…&continuation-token=…&start-after=…
//        ListObjectsV2 XML: ListBucketResult with Name, Prefix, (StartAfter, ContinuationToken,
//        NextContinuationToken), KeyCount, MaxKeys, (Delimiter, EncodingType), IsTruncated,
//        Contents{Key, LastModified, ETag, Size, StorageClass}, CommonPrefixes{Prefix}. max-keys
//        defaults to 1000 and is capped there; keys and common prefixes count together, in byte
//        order. A folder after the bucket lists relative to it, the way data.source.coop lists a
//        product: /s3/synthetic/clay-v0-global?list-type=2 gives keys like `v02/03WVN/…`.
//        encoding-type=url percent-encodes keys and prefixes. A bad max-keys or token: 400.
//   GET|HEAD /s3/<bucket>/<key>      the object, range-served (206/416), with ETag (the same as
//        the listing's), Last-Modified; application/json for .json, octet-stream otherwise.
//   Errors are S3 XML (<Error><Code>NoSuchKey|NoSuchBucket|AccessDenied|InternalError…</Code>…).
//
// Faults on demand: /s3-fault/<spec>/<bucket>/<key or folder>[?list query] is /s3/… with the
// faults of <spec>, a comma-separated list of:
//   <code>          every request answers <code> (400-599) with S3 error XML
//   <code>x<n>      the first n requests answer <code>, later ones pass (e.g. 500x2, to test
//                   retries); counted per (spec, path) for objects and per (spec, path, query)
//                   for listings, so another spec (add a tag) or another key starts from zero
//   slow-<ms>       answer after ms milliseconds (at most 5000); a client that gives up frees it
//   truncate        object GETs send half the requested bytes, then close the socket
//   list-<code>     listings answer <code> (list-403: listing refused); objects are served
//   200-for-range   ignore Range: 200 with the whole body
//   tag-<word>      no effect; makes the counters of this spec distinct from other tests'
// e.g. /s3-fault/500x2,tag-retry/synthetic/clay-v0-global/v02/03WVN/…, /s3-fault/list-403/synthetic?list-type=2
//   POST /__reset[?spec=<spec>]      forget the fault counters (all, or those of one spec) and
//                                    the request counts; 204
//   GET  /__counts                   JSON { faults: { "<spec> <path>[?query]": n },
//                                    requests: { "<METHOD> <path>": n } } for /s3 and /s3-fault
//
// Imagery, for the result pictures (deterministic, so a test can tell which tile a pixel came from):
//   GET  /tiles/<z>/<x>/<y>.png      a 256 px XYZ tile of one flat colour, tileColour(z, x, y)
//                                    (z 0–23, x and y within the zoom's grid; else 404)
//   GET  /imagery/catalog.json[?tiles=<template>]
//                                    the synthetic sets' catalog.json with absolute hrefs and an
//                                    `imagery` template on every entry: <this server>/tiles/{z}/{x}/{y}.png,
//                                    or <template> (e.g. a /status/404/… one, for imagery that fails)
//
// The synthetic encoder set (scripts/make-encoder-set.mjs: a Sentinel-2-like scene as COGs, its
// chips embedded by the test encoder; skipped with a log line when /usr/bin/python3 lacks numpy
// or tifffile):
//   GET  /encoder/catalog.json       one entry: the set's GeoParquet, model
//                                    "chipfinder-test-encoder-v1", stac <this server>/stac, the test tiles
//   GET  /encoder/<name>             the set's files: chipfinder-test-s2.parquet, manifest.json
//                                    (planted chip ids, scene facts), range-served
//   /stac, /stac/search, /stac/assets/<item>/<band>.tif
//                                    a STAC API over the scene's two items (scripts/imagery/stac-server.mjs)
//   /stac-missing-assets/…           the same, but every asset href answers 404 (withdrawn files)
import { createServer } from 'node:http'
import { crc32, deflateSync } from 'node:zlib'
import { createReadStream, promises as fs } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { CORS_HEADERS, parseRange, serveFileWithRange } from '../../scripts/lib/serve-range.mjs'
import { stacHandler } from '../../scripts/imagery/stac-server.mjs'

const HOST = '127.0.0.1'
const MAX_SLOW_MS = 5000
const DEFAULT_SLOW_MS = 1000
const MAX_CONNECTIONS = 64
const MAX_KEYS = 1000
/** Bounds the request and fault counters, however long a run. */
const MAX_COUNTERS = 20_000

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(here, '..', '..')
const defaultFixturesDir = join(repoRoot, 'e2e', '.fixtures')
const sharedFixtures = resolve(process.env.CHIPFINDER_FIXTURES ?? join(repoRoot, '..', 'shared', 'fixtures'))
const defaultClayDir = join(sharedFixtures, 'clay-v0')
const defaultLargeDir = join(repoRoot, '.cache', 'large-sets')

/** Only plain file names: no separators, no `..`, nothing that could leave the directory. */
const SAFE_NAME = /^[\w][\w.-]*$/

/** @param {string} segment */
function safeName(segment) {
  let name
  try {
    name = decodeURIComponent(segment)
  } catch {
    return null
  }
  return SAFE_NAME.test(name) ? name : null
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} body
 * @param {string} [type]
 */
function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.statusCode = status
  res.setHeader('Content-Type', type)
  res.setHeader('Cache-Control', 'no-store')
  res.end(body)
}

/**
 * A host site that embeds the app (e2e/embed.spec.ts), free of any app code:
 *   /embed-host.html?src=<embed link>[&width=…&height=…]   an <iframe> of the link; every message
 *       from that frame lands in window.received ({ origin, data }); window.send(message, targetOrigin)
 *       posts to the frame.
 *   /embed-component.html?script=<chipfinder-embed.js URL>&<attribute>=<value>…   the web component
 *       with those attributes; its chipfinder-* DOM events land in window.events ({ type, detail }).
 * Values from the query are set as DOM properties and attributes, never as HTML.
 */
const EMBED_HOST_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>embed host</title>
<style>body{margin:0}iframe{border:0;display:block}</style></head><body><script>
const q = new URLSearchParams(location.search)
const src = new URL(q.get('src'))
if (src.protocol !== 'http:') throw new Error('src must be http')
window.received = []
const frame = document.createElement('iframe')
frame.width = q.get('width') || '760'
frame.height = q.get('height') || '460'
frame.title = 'Chipfinder'
window.addEventListener('message', (e) => { if (e.source === frame.contentWindow) window.received.push({ origin: e.origin, data: e.data }) })
window.send = (message, targetOrigin) => frame.contentWindow.postMessage(message, targetOrigin)
frame.src = src.href
document.body.append(frame)
</script></body></html>`

const EMBED_COMPONENT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>component host</title>
<style>body{margin:0}</style></head><body><script type="module">
const q = new URLSearchParams(location.search)
const script = new URL(q.get('script'))
if (script.protocol !== 'http:') throw new Error('script must be http')
window.events = []
const el = document.createElement('chipfinder-search')
for (const [k, v] of q) if (k !== 'script') el.setAttribute(k, v)
for (const type of ['ready', 'results', 'selection']) el.addEventListener('chipfinder-' + type, (e) => window.events.push({ type: e.type, detail: e.detail }))
document.body.append(el)
await import(script.href)
</script></body></html>`

const HEALTH_PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>data server</title></head><body><p id="health">ok</p></body></html>'

/**
 * Sends half of the requested bytes of a file under the promised Content-Length, then closes the
 * socket: the client sees a body cut short (Chromium: net::ERR_CONTENT_LENGTH_MISMATCH).
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} filePath
 * @param {boolean} cors
 */
async function serveTruncated(req, res, filePath, cors) {
  if (req.method !== 'GET') return serveFileWithRange(req, res, filePath, { cors })
  let size
  try {
    size = (await fs.stat(filePath)).size
  } catch {
    return serveFileWithRange(req, res, filePath, { cors }) // its 404
  }
  const range = parseRange(req.headers.range, size)
  if (range === 'unsatisfiable' || size === 0) return serveFileWithRange(req, res, filePath, { cors })
  const start = range ? range.start : 0
  const end = range ? range.end : size - 1
  const length = end - start + 1
  const half = Math.floor(length / 2)
  res.statusCode = range ? 206 : 200
  res.setHeader('Accept-Ranges', 'bytes')
  res.setHeader('Content-Type', 'application/octet-stream')
  res.setHeader('Cache-Control', 'no-store')
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`)
  res.setHeader('Content-Length', String(length))
  res.flushHeaders()
  const cut = () => res.socket?.destroySoon()
  if (half === 0) return cut()
  const stream = createReadStream(filePath, { start, end: start + half - 1 })
  stream.on('data', (chunk) => res.write(chunk))
  stream.on('end', cut)
  stream.on('error', () => res.destroy())
}

// ---------------------------------------------------------------------------------------------
// Imagery tiles

const TILE_PIXELS = 256
const MAX_TILE_ZOOM = 23

/**
 * The flat colour of the test tile z/x/y. Neighbouring tiles differ by 67 in red (columns) or
 * 89 in green (rows), and blue says the zoom, so a pixel tells which tile it came from.
 * @param {number} z @param {number} x @param {number} y
 * @returns {{ r: number, g: number, b: number }}
 */
export function tileColour(z, x, y) {
  return { r: (x * 67) % 256, g: (y * 89) % 256, b: 20 + 10 * z }
}

/** @param {string} type @param {Buffer} data */
function pngChunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body) >>> 0)
  return Buffer.concat([length, body, crc])
}

/**
 * A width × height PNG of one colour (8-bit RGB, no filter), encoded with node:zlib alone.
 * @param {number} width @param {number} height @param {{ r: number, g: number, b: number }} colour
 */
export function solidPng(width, height, { r, g, b }) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // colour type: RGB
  const row = Buffer.alloc(1 + width * 3) // filter byte 0, then the pixels
  for (let i = 0; i < width; i++) row.set([r, g, b], 1 + i * 3)
  const raw = Buffer.concat(Array.from({ length: height }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/** @param {string[]} parts the path after /tiles/ @returns {Buffer | null} */
function tilePng(parts) {
  if (parts.length !== 3) return null
  const [zs = '', xs = '', last = ''] = parts
  const m = /^(\d{1,8})\.png$/.exec(last)
  if (!/^\d{1,2}$/.test(zs) || !/^\d{1,8}$/.test(xs) || !m) return null
  const z = Number(zs)
  const x = Number(xs)
  const y = Number(m[1])
  if (z > MAX_TILE_ZOOM || x >= 2 ** z || y >= 2 ** z) return null
  return solidPng(TILE_PIXELS, TILE_PIXELS, tileColour(z, x, y))
}

// ---------------------------------------------------------------------------------------------
// S3

/** @param {string} s */
function xmlEscape(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
}

const S3_ERROR_CODES = /** @type {Record<number, [string, string]>} */ ({
  400: ['InvalidArgument', 'Invalid Argument'],
  403: ['AccessDenied', 'Access Denied'],
  404: ['NoSuchKey', 'The specified key does not exist.'],
  409: ['Conflict', 'Conflict'],
  429: ['SlowDown', 'Please reduce your request rate.'],
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  502: ['BadGateway', 'Bad Gateway'],
  503: ['SlowDown', 'Please reduce your request rate.'],
  504: ['GatewayTimeout', 'Gateway Timeout'],
})

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {{ code?: string, message?: string, key?: string, bucket?: string }} [detail]
 */
function sendS3Error(res, status, detail = {}) {
  const [code, message] = S3_ERROR_CODES[status] ?? [`Error${status}`, `Error ${status}`]
  const extra = (detail.key !== undefined ? `<Key>${xmlEscape(detail.key)}</Key>` : '') + (detail.bucket !== undefined ? `<BucketName>${xmlEscape(detail.bucket)}</BucketName>` : '')
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(detail.code ?? code)}</Code><Message>${xmlEscape(detail.message ?? message)}</Message>${extra}<RequestId>chipfinder-data-server</RequestId></Error>`
  send(res, status, body, 'application/xml')
}

/** The ETag serveFileWithRange gives a file, so listings and objects agree. */
function etagOf(/** @type {import('node:fs').Stats} */ stat) {
  return `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`
}

/**
 * Every regular file under root, as keys relative to it, in byte order. Dot-names (the
 * generator's staging folders) are left out.
 * @param {string} root
 * @returns {Promise<{ key: string, stat: import('node:fs').Stats }[]>}
 */
async function walk(root) {
  /** @type {{ key: string, stat: import('node:fs').Stats }[]} */
  const out = []
  /** @param {string} dir @param {string} prefix @param {number} depth */
  async function visit(dir, prefix, depth) {
    if (depth > 32) return
    let entries
    try {
      entries = await fs.readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const full = join(dir, entry.name)
      if (entry.isDirectory()) await visit(full, `${prefix}${entry.name}/`, depth + 1)
      else if (entry.isFile()) {
        const stat = await fs.stat(full).catch(() => null)
        if (stat) out.push({ key: `${prefix}${entry.name}`, stat })
      }
    }
  }
  await visit(root, '', 0)
  return out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
}

const TOKEN_PREFIX = 'chipfinder:v1:'
/** @param {string} after */
const encodeToken = (after) => Buffer.from(TOKEN_PREFIX + after, 'utf8').toString('base64')
/** @param {string} token @returns {string | null} */
function decodeToken(token) {
  const text = Buffer.from(token, 'base64').toString('utf8')
  return text.startsWith(TOKEN_PREFIX) ? text.slice(TOKEN_PREFIX.length) : null
}

/**
 * ListObjectsV2 over the files under `root`.
 * @param {import('node:http').ServerResponse} res
 * @param {string} name the bucket (and folder) as the client addressed it
 * @param {string} root
 * @param {URLSearchParams} q
 */
async function listObjects(res, name, root, q) {
  if (q.get('list-type') !== '2') return sendS3Error(res, 400, { message: 'Only ListObjectsV2 (list-type=2) is supported.' })
  const prefix = q.get('prefix') ?? ''
  const delimiter = q.get('delimiter') ?? ''
  const urlEncode = q.get('encoding-type') === 'url'
  if (q.has('encoding-type') && !urlEncode) return sendS3Error(res, 400, { message: 'Invalid Encoding Method specified in Request' })
  let maxKeys = MAX_KEYS
  if (q.has('max-keys')) {
    const text = q.get('max-keys') ?? ''
    if (!/^\d{1,9}$/.test(text)) return sendS3Error(res, 400, { message: 'Provided max-keys not an integer or within integer range' })
    maxKeys = Math.min(MAX_KEYS, Number(text))
  }
  const token = q.get('continuation-token')
  const startAfter = q.get('start-after')
  let after = startAfter ?? ''
  if (token !== null) {
    const decoded = decodeToken(token)
    if (decoded === null) return sendS3Error(res, 400, { message: 'The continuation token provided is incorrect' })
    after = decoded
  }
  const afterBytes = Buffer.from(after)

  /** @type {({ key: string, stat: import('node:fs').Stats } | { commonPrefix: string })[]} */
  const entries = []
  let lastPrefix = null
  for (const file of await walk(root)) {
    if (!file.key.startsWith(prefix)) continue
    const cut = delimiter ? file.key.indexOf(delimiter, prefix.length) : -1
    if (cut >= 0) {
      const commonPrefix = file.key.slice(0, cut + delimiter.length)
      if (commonPrefix !== lastPrefix) entries.push({ commonPrefix })
      lastPrefix = commonPrefix
    } else entries.push(file)
  }
  const label = (/** @type {(typeof entries)[number]} */ e) => ('commonPrefix' in e ? e.commonPrefix : e.key)
  const remaining = after ? entries.filter((e) => Buffer.compare(Buffer.from(label(e)), afterBytes) > 0) : entries
  const page = remaining.slice(0, maxKeys)
  const truncated = remaining.length > page.length && maxKeys > 0
  const last = page.at(-1)
  const enc = (/** @type {string} */ s) => xmlEscape(urlEncode ? encodeURIComponent(s).replace(/%2F/g, '/') : s)

  const xml = ['<?xml version="1.0" encoding="UTF-8"?>', '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">']
  xml.push(`<Name>${xmlEscape(name)}</Name>`, `<Prefix>${enc(prefix)}</Prefix>`)
  if (startAfter !== null) xml.push(`<StartAfter>${enc(startAfter)}</StartAfter>`)
  if (token !== null) xml.push(`<ContinuationToken>${xmlEscape(token)}</ContinuationToken>`)
  if (truncated && last) xml.push(`<NextContinuationToken>${xmlEscape(encodeToken(label(last)))}</NextContinuationToken>`)
  xml.push(`<KeyCount>${page.length}</KeyCount>`, `<MaxKeys>${maxKeys}</MaxKeys>`)
  if (delimiter) xml.push(`<Delimiter>${enc(delimiter)}</Delimiter>`)
  if (urlEncode) xml.push('<EncodingType>url</EncodingType>')
  xml.push(`<IsTruncated>${truncated}</IsTruncated>`)
  for (const e of page) {
    if ('commonPrefix' in e) continue
    const modified = new Date(Math.floor(e.stat.mtimeMs / 1000) * 1000).toISOString()
    xml.push(
      `<Contents><Key>${enc(e.key)}</Key><LastModified>${modified}</LastModified><ETag>${xmlEscape(etagOf(e.stat))}</ETag><Size>${e.stat.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
  }
  for (const e of page) if ('commonPrefix' in e) xml.push(`<CommonPrefixes><Prefix>${enc(e.commonPrefix)}</Prefix></CommonPrefixes>`)
  xml.push('</ListBucketResult>')
  send(res, 200, `${xml.join('\n')}\n`, 'application/xml')
}

/**
 * @typedef {{ status: number | null, failFirst: number | null, slowMs: number, truncate: boolean,
 *   listStatus: number | null, ignoreRange: boolean }} FaultSpec
 */

/** @param {string} spec @returns {FaultSpec | string} the faults, or why the spec is wrong */
export function parseFaultSpec(spec) {
  /** @type {FaultSpec} */
  const f = { status: null, failFirst: null, slowMs: 0, truncate: false, listStatus: null, ignoreRange: false }
  if (!spec) return 'empty fault spec'
  for (const item of spec.split(',')) {
    let m
    if ((m = /^([45]\d\d)(?:x(\d{1,4}))?$/.exec(item))) {
      f.status = Number(m[1])
      f.failFirst = m[2] === undefined ? null : Number(m[2])
    } else if ((m = /^slow-(\d{1,6})$/.exec(item))) f.slowMs = Math.min(MAX_SLOW_MS, Number(m[1]))
    else if (item === 'truncate') f.truncate = true
    else if ((m = /^list-([45]\d\d)$/.exec(item))) f.listStatus = Number(m[1])
    else if (item === '200-for-range') f.ignoreRange = true
    else if (/^tag-[\w-]{1,40}$/.test(item)) continue
    else return `unknown fault "${item.slice(0, 40)}"`
  }
  return f
}

/** @param {string} name @param {string} type */
function contentTypeOf(name, type = 'application/octet-stream') {
  return name.endsWith('.json') ? 'application/json' : type
}

// ---------------------------------------------------------------------------------------------

/**
 * @typedef {object} DataServerOptions
 * @property {number} [port] the CORS port (0: any free one); default 4180
 * @property {number} [noCorsPort] the port without CORS headers (0: any free one); default 4181
 * @property {string} [dir] where the generated fixtures go; default e2e/.fixtures
 * @property {string} [setsDir] where the synthetic sets go; default <dir>/sets
 * @property {string} [clayDir] the real sample folder; default $CHIPFINDER_FIXTURES/clay-v0
 * @property {string} [largeDir] the large generated sets (the `large` bucket); default .cache/large-sets
 * @property {(line: string) => void} [log]
 */

/**
 * Writes the fixtures and synthetic sets, then listens on both ports of 127.0.0.1.
 * @param {DataServerOptions} [options]
 */
export async function startDataServer(options = {}) {
  const {
    port = 4180,
    noCorsPort = 4181,
    dir = defaultFixturesDir,
    clayDir = defaultClayDir,
    largeDir = defaultLargeDir,
    log = (line) => console.log(line),
  } = options
  const fixturesDir = resolve(dir)
  const setsDir = resolve(options.setsDir ?? join(fixturesDir, 'sets'))
  await prepareFixtures(fixturesDir, log)
  const manifest = await prepareSets(setsDir, log)
  const encoderSet = await prepareEncoderSet(log)
  const stacRoutes = encoderSet
    ? ['/stac', '/stac-missing-assets'].map((root) =>
        stacHandler({ root, itemsFile: join(encoderSet.dir, 'stac', 'items.json'), sceneDir: encoderSet.sceneDir, brokenAssets: root !== '/stac' }),
      )
    : []
  try {
    await fs.access(clayDir)
  } catch {
    log(`[data-server] ${clayDir} not found; /clay-v0/* and the clay-v0-sample bucket will answer 404 (set CHIPFINDER_FIXTURES)`)
  }

  /** @type {Record<string, string>} */
  const buckets = Object.assign(Object.create(null), { synthetic: setsDir, 'clay-v0-sample': resolve(clayDir), large: resolve(largeDir) })
  /** Timers of slow requests still waiting, so shutdown does not wait on them. */
  const pendingTimers = new Set()
  /** @type {Map<string, number>} */
  const faultCounts = new Map()
  /** @type {Map<string, number>} */
  const requestCounts = new Map()

  /** @param {Map<string, number>} map @param {string} key */
  const bump = (map, key) => {
    const n = (map.get(key) ?? 0) + 1
    if (map.size < MAX_COUNTERS || map.has(key)) map.set(key, n)
    return n
  }

  /** @param {import('node:http').ServerResponse} res @param {number} ms */
  function delay(res, ms) {
    return new Promise((done) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer)
        done(undefined)
      }, ms)
      pendingTimers.add(timer)
      // A client that gives up (an aborted fetch) frees the request at once.
      res.on('close', () => {
        clearTimeout(timer)
        pendingTimers.delete(timer)
        done(undefined)
      })
    })
  }

  /**
   * /s3/… and /s3-fault/<spec>/…
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @param {string[]} segments raw path segments after /s3 (or after the spec)
   * @param {boolean} cors
   * @param {string | null} spec
   */
  async function s3(req, res, url, segments, cors, spec) {
    const [bucketSegment = '', ...rawKey] = segments
    const bucket = safeName(bucketSegment)
    const isList = url.searchParams.has('list-type')
    bump(requestCounts, `${req.method} ${url.pathname}`)
    /** @type {FaultSpec | null} */
    let faults = null
    if (spec !== null) {
      const parsed = parseFaultSpec(spec)
      if (typeof parsed === 'string') return sendS3Error(res, 400, { message: parsed })
      faults = parsed
      const scope = `${spec} ${segments.join('/')}${isList ? url.search : ''}`
      const count = bump(faultCounts, scope)
      if (faults.slowMs > 0) {
        await delay(res, faults.slowMs)
        if (res.destroyed || res.writableEnded) return
      }
      if (faults.status !== null && (faults.failFirst === null || count <= faults.failFirst)) return sendS3Error(res, faults.status)
      if (isList && faults.listStatus !== null) return sendS3Error(res, faults.listStatus)
    }
    const bucketDir = bucket ? buckets[bucket] : undefined
    if (!bucket || !bucketDir) return sendS3Error(res, 404, { code: 'NoSuchBucket', message: 'The specified bucket does not exist', bucket: bucket ?? '' })
    // Decode the key; a trailing slash (a folder) is allowed for listings only.
    if (rawKey.at(-1) === '' && isList) rawKey.pop()
    /** @type {string[]} */
    const parts = []
    for (const raw of rawKey) {
      let part
      try {
        part = decodeURIComponent(raw)
      } catch {
        part = null
      }
      if (!part || part.startsWith('.') || /[/\\\0]/.test(part)) return sendS3Error(res, 404, { key: rawKey.join('/') })
      parts.push(part)
    }
    const target = resolve(bucketDir, ...parts)
    if (target !== bucketDir && !target.startsWith(bucketDir + sep)) return sendS3Error(res, 404, { key: parts.join('/') })
    if (isList) return listObjects(res, [bucket, ...parts].join('/'), target, url.searchParams)
    if (parts.length === 0) return sendS3Error(res, 400, { message: 'Only ListObjectsV2 (list-type=2) is supported.' })
    const key = parts.join('/')
    const stat = await fs.stat(target).catch(() => null)
    if (!stat?.isFile()) return sendS3Error(res, 404, { key })
    res.setHeader('Last-Modified', stat.mtime.toUTCString())
    if (faults?.ignoreRange) delete req.headers.range
    if (faults?.truncate) return serveTruncated(req, res, target, cors)
    return serveFileWithRange(req, res, target, { cors, contentType: contentTypeOf(key) })
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @param {string[]} parts path segments after the leading slash
   * @param {boolean} cors
   * @returns {Promise<void>}
   */
  async function route(req, res, url, parts, cors) {
    const [head, ...rest] = parts
    switch (head) {
      case 'favicon.ico':
        // Browsers ask for it on their own; a 404 would be a console error in every test.
        return send(res, 204, '')
      case 'health':
        if (rest.length === 0) return send(res, 200, HEALTH_PAGE, 'text/html; charset=utf-8')
        break
      case 'embed-host.html':
        if (rest.length === 0) return send(res, 200, EMBED_HOST_PAGE, 'text/html; charset=utf-8')
        break
      case 'embed-component.html':
        if (rest.length === 0) return send(res, 200, EMBED_COMPONENT_PAGE, 'text/html; charset=utf-8')
        break
      case 'files':
      case 'clay-v0':
      case 'truncate': {
        const name = rest.length === 1 && rest[0] ? safeName(rest[0]) : null
        if (!name) break
        const dir = head === 'files' ? fixturesDir : clayDir
        if (head === 'truncate') return serveTruncated(req, res, join(dir, name), cors)
        return serveFileWithRange(req, res, join(dir, name), { cors })
      }
      case 'status': {
        const code = Number(rest[0])
        if (!Number.isInteger(code) || code < 200 || code > 599) break
        return send(res, code, `status ${code}\n`)
      }
      case 'slow': {
        const asked = Number(url.searchParams.get('ms') ?? DEFAULT_SLOW_MS)
        const ms = Number.isFinite(asked) ? Math.min(MAX_SLOW_MS, Math.max(0, asked)) : DEFAULT_SLOW_MS
        const inner = rest.length === 1 ? ['clay-v0', ...rest] : rest
        if (inner[0] === 'slow' || inner.length === 0) break
        await delay(res, ms)
        if (res.destroyed || res.writableEnded) return
        return route(req, res, url, inner, cors)
      }
      case 's3':
        return s3(req, res, url, rest, cors, null)
      case 's3-fault': {
        const [specSegment = '', ...inner] = rest
        let spec
        try {
          spec = decodeURIComponent(specSegment)
        } catch {
          spec = ''
        }
        return s3(req, res, url, inner, cors, spec)
      }
      case 'tiles': {
        const png = tilePng(rest)
        if (!png) break
        res.statusCode = 200
        res.setHeader('Content-Type', 'image/png')
        res.setHeader('Cache-Control', 'public, max-age=3600')
        res.setHeader('Content-Length', String(png.length))
        return res.end(req.method === 'HEAD' ? undefined : png)
      }
      case 'imagery': {
        if (rest.length !== 1 || rest[0] !== 'catalog.json') break
        const origin = `http://${req.headers.host ?? `${HOST}:${cors ? port : noCorsPort}`}`
        const catalogUrl = `${origin}/s3/synthetic/catalog.json`
        const catalog = JSON.parse(await fs.readFile(join(setsDir, 'catalog.json'), 'utf8'))
        const tiles = url.searchParams.get('tiles') ?? `${origin}/tiles/{z}/{x}/{y}.png`
        for (const entry of catalog.datasets) {
          entry.href = new URL(entry.href, catalogUrl).href
          entry.imagery = { tiles, attribution: 'Test tiles: one flat colour per tile' }
        }
        return send(res, 200, `${JSON.stringify(catalog, null, 2)}\n`, 'application/json')
      }
      case 'encoder': {
        const name = rest.length === 1 && rest[0] ? safeName(rest[0]) : null
        if (!name || !encoderSet) break
        if (name === 'catalog.json') {
          const origin = `http://${req.headers.host ?? `${HOST}:${cors ? port : noCorsPort}`}`
          const entry = {
            id: 'chipfinder-test-s2',
            title: 'Synthetic Sentinel-2 scene (test encoder)',
            description: 'Chips of one synthetic scene embedded with the test encoder; four planted lakes.',
            href: `${origin}/encoder/${encoderSet.parquet}`,
            layout: 'file',
            model: encoderSet.sourceModel,
            stac: `${origin}/stac`,
            licence: 'CC0-1.0',
            attribution: 'Synthetic data',
            imagery: { tiles: `${origin}/tiles/{z}/{x}/{y}.png`, attribution: 'Test tiles: one flat colour per tile' },
          }
          return send(res, 200, `${JSON.stringify({ version: 1, datasets: [entry] }, null, 2)}\n`, 'application/json')
        }
        return serveFileWithRange(req, res, join(encoderSet.dir, name), { cors, contentType: contentTypeOf(name) })
      }
      case '__counts':
        if (rest.length === 0)
          return send(res, 200, JSON.stringify({ faults: Object.fromEntries(faultCounts), requests: Object.fromEntries(requestCounts) }), 'application/json')
        break
    }
    send(res, 404, 'Not found\n')
  }

  /** @param {URL} url */
  function reset(url) {
    const spec = url.searchParams.get('spec')
    if (spec === null) {
      faultCounts.clear()
      requestCounts.clear()
      return
    }
    for (const key of [...faultCounts.keys()]) if (key.startsWith(`${spec} `)) faultCounts.delete(key)
    const marker = `/s3-fault/${encodeURIComponent(spec)}/`
    for (const key of [...requestCounts.keys()]) if (key.includes(marker) || key.includes(`/s3-fault/${spec}/`)) requestCounts.delete(key)
  }

  /** @param {boolean} cors */
  function makeServer(cors) {
    const server = createServer((req, res) => {
      // Every answer on the CORS port carries the headers, errors included, as object storage
      // configured for browsers does; a preflight gets 204 on both ports (without the headers on
      // the no-CORS port, so the browser still refuses).
      if (cors) for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v)
      // The STAC search is a POST of JSON: the browser's preflight must see Content-Type allowed.
      if (cors && /^\/stac/.test(req.url ?? '')) res.setHeader('Access-Control-Allow-Headers', `${CORS_HEADERS['Access-Control-Allow-Headers']}, Content-Type`)
      if (req.method === 'OPTIONS') return send(res, 204, '')
      const url = new URL(req.url ?? '/', `http://${HOST}`)
      if (req.method === 'POST' && url.pathname === '/__reset') {
        reset(url)
        return send(res, 204, '')
      }
      if (/^\/stac(-missing-assets)?(\/|$)/.test(url.pathname)) {
        const origin = `http://${req.headers.host ?? `${HOST}:${cors ? port : noCorsPort}`}`
        ;(async () => {
          for (const handle of stacRoutes) if (await handle(req, res, url, { cors, origin })) return
          send(res, 404, 'Not found\n')
        })().catch((error) => {
          console.error('[data-server]', error)
          if (!res.headersSent) send(res, 500, 'Internal error\n')
          else res.destroy()
        })
        return
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD, OPTIONS')
        return send(res, 405, 'Method not allowed\n')
      }
      const parts = url.pathname.split('/').slice(1)
      route(req, res, url, parts, cors).catch((error) => {
        console.error('[data-server]', error)
        if (!res.headersSent) send(res, 500, 'Internal error\n')
        else res.destroy()
      })
    })
    server.maxConnections = MAX_CONNECTIONS
    server.requestTimeout = 30_000
    server.headersTimeout = 10_000
    return server
  }

  const servers = [makeServer(true), makeServer(false)]
  const [withCors, withoutCors] = servers
  if (!withCors || !withoutCors) throw new Error('unreachable')
  await listen(withCors, port)
  try {
    await listen(withoutCors, noCorsPort)
  } catch (error) {
    withCors.close()
    throw error
  }
  const actualPort = /** @type {import('node:net').AddressInfo} */ (withCors.address()).port
  const actualNoCorsPort = /** @type {import('node:net').AddressInfo} */ (withoutCors.address()).port
  log(`[data-server] http://${HOST}:${actualPort} (CORS), http://${HOST}:${actualNoCorsPort} (no CORS)`)

  let closing = null
  return {
    port: actualPort,
    noCorsPort: actualNoCorsPort,
    url: `http://${HOST}:${actualPort}`,
    noCorsUrl: `http://${HOST}:${actualNoCorsPort}`,
    fixturesDir,
    setsDir,
    manifest,
    encoderSet,
    /** Stops both servers, cutting open connections and pending slow answers. */
    close() {
      closing ??= Promise.all(
        servers.map(
          (server) =>
            new Promise((done) => {
              for (const timer of pendingTimers) clearTimeout(timer)
              pendingTimers.clear()
              server.close(() => done(undefined))
              server.closeAllConnections()
            }),
        ),
      ).then(() => undefined)
      return closing
    },
  }
}

/** @param {import('node:http').Server} server @param {number} port */
function listen(server, port) {
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(port, HOST, () => {
      server.off('error', fail)
      done(undefined)
    })
  })
}

/** @param {string} fixturesDir @param {(line: string) => void} log */
async function prepareFixtures(fixturesDir, log) {
  await fs.mkdir(fixturesDir, { recursive: true })
  const modulePath = join(repoRoot, 'scripts', 'make-fixtures.mjs')
  try {
    await fs.access(modulePath)
  } catch {
    log(`[data-server] ${modulePath} not found; /files/* serves only what ${fixturesDir} holds`)
    return
  }
  /** @type {{ writeFixtures?: (dir: string) => Promise<string[]> }} */
  const mod = await import(pathToFileURL(modulePath).href)
  if (typeof mod.writeFixtures !== 'function') {
    log('[data-server] scripts/make-fixtures.mjs has no writeFixtures export; skipping fixtures')
    return
  }
  const written = await mod.writeFixtures(fixturesDir)
  log(`[data-server] wrote ${written.length} fixtures to ${fixturesDir}`)
}

/** @param {string} setsDir @param {(line: string) => void} log */
async function prepareSets(setsDir, log) {
  const modulePath = join(repoRoot, 'scripts', 'make-synthetic-sets.mjs')
  /** @type {{ writeSyntheticSets?: (dir: string) => Promise<{ files: unknown[], totalBytes: number }> }} */
  const mod = await import(pathToFileURL(modulePath).href)
  if (typeof mod.writeSyntheticSets !== 'function') throw new Error('scripts/make-synthetic-sets.mjs has no writeSyntheticSets export')
  const started = performance.now()
  const manifest = await mod.writeSyntheticSets(setsDir)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  log(`[data-server] synthetic sets in ${setsDir}: ${manifest.files.length} files, ${(manifest.totalBytes / 1e6).toFixed(1)} MB (${seconds} s)`)
  return manifest
}

/** The synthetic encoder set, or null (logged) when it can't be made here. @param {(line: string) => void} log */
async function prepareEncoderSet(log) {
  try {
    const { writeEncoderSet } = await import(pathToFileURL(join(repoRoot, 'scripts', 'make-encoder-set.mjs')).href)
    const set = await writeEncoderSet({ log })
    log(`[data-server] encoder set: ${set.rows} chips in ${set.dir}`)
    return set
  } catch (error) {
    log(`[data-server] no encoder set (/encoder and /stac answer 404): ${error instanceof Error ? error.message : error}`)
    return null
  }
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.E2E_DATA_PORT ?? '4180' },
      'no-cors-port': { type: 'string', default: process.env.E2E_NO_CORS_PORT ?? '4181' },
      dir: { type: 'string', default: defaultFixturesDir },
    },
  })
  const server = await startDataServer({ port: Number(args.port), noCorsPort: Number(args['no-cors-port']), dir: args.dir })
  let stopping = false
  const stop = (/** @type {string} */ signal) => {
    if (stopping) return
    stopping = true
    console.log(`[data-server] ${signal}: stopping`)
    // Never hang a test run on shutdown.
    setTimeout(() => process.exit(0), 2000).unref()
    server.close().then(() => process.exit(0))
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error('[data-server] failed to start:', error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
