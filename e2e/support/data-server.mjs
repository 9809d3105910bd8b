// The end-to-end tests' data server: object-storage-like file serving plus fault routes, on
// loopback only. Playwright starts it (see playwright.config.ts); it can also run by hand:
//   node e2e/support/data-server.mjs [--port 4180] [--no-cors-port 4181]
//
// Routes (the same on both ports; the CORS port adds CORS headers, the other never does, so a
// browser page on another origin cannot read anything from it):
//   GET  /health                     a tiny HTML page (Playwright's readiness check; tests can load it)
//   GET  /files/<name>               e2e/.fixtures/<name>, written at start by scripts/make-fixtures.mjs
//   GET  /clay-v0/<name>             the shared real sample ($CHIPFINDER_FIXTURES/clay-v0/<name>)
//   GET  /status/<code>/<anything>   answers <code> (200-599) with a short text body
//   GET  /truncate/<name>            a clay-v0 file; each GET sends half the requested bytes, then
//                                    closes the socket (HEAD answers normally)
//   GET  /slow/<route>?ms=<n>        any route above after n ms (default 1000, at most 5000);
//                                    a bare /slow/<name> means /slow/clay-v0/<name>
// File routes honour single byte ranges (206/416) through scripts/lib/serve-range.mjs.
import { createServer } from 'node:http'
import { createReadStream, promises as fs } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { CORS_HEADERS, parseRange, serveFileWithRange } from '../../scripts/lib/serve-range.mjs'

const HOST = '127.0.0.1'
const MAX_SLOW_MS = 5000
const DEFAULT_SLOW_MS = 1000
const MAX_CONNECTIONS = 64

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(here, '..', '..')
const fixturesDir = join(repoRoot, 'e2e', '.fixtures')
const sharedFixtures = resolve(process.env.CHIPFINDER_FIXTURES ?? join(repoRoot, '..', 'shared', 'fixtures'))
const clayDir = join(sharedFixtures, 'clay-v0')

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.E2E_DATA_PORT ?? '4180' },
    'no-cors-port': { type: 'string', default: process.env.E2E_NO_CORS_PORT ?? '4181' },
  },
})

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

const HEALTH_PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>data server</title></head><body><p id="health">ok</p></body></html>'

/** Timers of /slow requests still waiting, so shutdown does not wait on them. */
const pendingTimers = new Set()

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

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string[]} parts path segments after the leading slash
 * @param {boolean} cors
 * @returns {Promise<void>}
 */
async function route(req, res, parts, cors) {
  const [head, ...rest] = parts
  switch (head) {
    case 'favicon.ico':
      // Browsers ask for it on their own; a 404 would be a console error in every test.
      return send(res, 204, '')
    case 'health':
      if (rest.length === 0) return send(res, 200, HEALTH_PAGE, 'text/html; charset=utf-8')
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
      const url = new URL(req.url ?? '/', `http://${HOST}`)
      const asked = Number(url.searchParams.get('ms') ?? DEFAULT_SLOW_MS)
      const ms = Number.isFinite(asked) ? Math.min(MAX_SLOW_MS, Math.max(0, asked)) : DEFAULT_SLOW_MS
      const inner = rest.length === 1 ? ['clay-v0', ...rest] : rest
      if (inner[0] === 'slow' || inner.length === 0) break
      await new Promise((done) => {
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
      if (res.destroyed || res.writableEnded) return
      return route(req, res, inner, cors)
    }
  }
  send(res, 404, 'Not found\n')
}

/** @param {boolean} cors */
function makeServer(cors) {
  const server = createServer((req, res) => {
    // Every answer on the CORS port carries the headers, errors included, as object storage
    // configured for browsers does; a preflight gets 204 on both ports (without the headers on
    // the no-CORS port, so the browser still refuses).
    if (cors) for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v)
    if (req.method === 'OPTIONS') return send(res, 204, '')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS')
      return send(res, 405, 'Method not allowed\n')
    }
    const path = new URL(req.url ?? '/', `http://${HOST}`).pathname
    const parts = path.split('/').slice(1)
    route(req, res, parts, cors).catch((error) => {
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

async function prepareFixtures() {
  await fs.mkdir(fixturesDir, { recursive: true })
  const modulePath = join(repoRoot, 'scripts', 'make-fixtures.mjs')
  try {
    await fs.access(modulePath)
  } catch {
    console.warn(`[data-server] ${modulePath} not found; /files/* serves only what e2e/.fixtures holds`)
    return
  }
  /** @type {{ writeFixtures?: (dir: string) => Promise<string[]> }} */
  const mod = await import(pathToFileURL(modulePath).href)
  if (typeof mod.writeFixtures !== 'function') {
    console.warn('[data-server] scripts/make-fixtures.mjs has no writeFixtures export; skipping fixtures')
    return
  }
  const written = await mod.writeFixtures(fixturesDir)
  console.log(`[data-server] wrote ${written.length} fixtures to ${fixturesDir}`)
}

async function main() {
  const port = Number(args.port)
  const noCorsPort = Number(args['no-cors-port'])
  await prepareFixtures()
  try {
    await fs.access(clayDir)
  } catch {
    console.warn(`[data-server] ${clayDir} not found; /clay-v0/* will answer 404 (set CHIPFINDER_FIXTURES)`)
  }
  const servers = [makeServer(true), makeServer(false)]
  const [withCors, withoutCors] = servers
  if (!withCors || !withoutCors) throw new Error('unreachable')
  await listen(withCors, port)
  await listen(withoutCors, noCorsPort)
  console.log(`[data-server] http://${HOST}:${port} (CORS), http://${HOST}:${noCorsPort} (no CORS)`)

  let stopping = false
  const stop = (/** @type {string} */ signal) => {
    if (stopping) return
    stopping = true
    for (const timer of pendingTimers) clearTimeout(timer)
    pendingTimers.clear()
    let open = servers.length
    for (const server of servers) {
      server.close(() => {
        open -= 1
        if (open === 0) process.exit(0)
      })
      server.closeAllConnections()
    }
    // Never hang a test run on shutdown.
    setTimeout(() => process.exit(0), 2000).unref()
    console.log(`[data-server] ${signal}: stopping`)
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error) => {
  console.error('[data-server] failed to start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
