// Serves one file over HTTP the way object storage does: HEAD, single byte ranges (206 with
// Content-Range), 416 for unsatisfiable ranges, and CORS headers that expose Content-Range.
// Used by the Vite dev/preview servers (demo data) and by the end-to-end test server.
import { createReadStream, promises as fs } from 'node:fs'

/** @typedef {import('node:http').IncomingMessage} Req */
/** @typedef {import('node:http').ServerResponse} Res */

export const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Range, If-None-Match',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges, ETag',
}

/**
 * Parse a single `bytes=` range against a file size.
 * @param {string | undefined} header
 * @param {number} size
 * @returns {{ start: number, end: number } | 'unsatisfiable' | null} inclusive range, or null for "whole file"
 */
export function parseRange(header, size) {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m) return null
  const [, a = '', b = ''] = m
  let start
  let end
  if (a === '' && b === '') return null
  if (a === '') {
    const suffix = Number(b)
    if (suffix === 0) return 'unsatisfiable'
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(a)
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  }
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}

/**
 * @param {Req} req
 * @param {Res} res
 * @param {string} filePath
 * @param {{ cors?: boolean, contentType?: string }} [options]
 */
export async function serveFileWithRange(req, res, filePath, options = {}) {
  const { cors = true, contentType = 'application/octet-stream' } = options
  if (cors) for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v)
  if (req.method === 'OPTIONS') {
    res.statusCode = 204
    res.end()
    return
  }
  let stat
  try {
    stat = await fs.stat(filePath)
  } catch {
    res.statusCode = 404
    res.setHeader('Content-Type', 'text/plain')
    res.end('Not found')
    return
  }
  const size = stat.size
  res.setHeader('Accept-Ranges', 'bytes')
  res.setHeader('Content-Type', contentType)
  res.setHeader('ETag', `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`)
  const range = parseRange(req.headers.range, size)
  if (range === 'unsatisfiable') {
    res.statusCode = 416
    res.setHeader('Content-Range', `bytes */${size}`)
    res.end()
    return
  }
  const start = range ? range.start : 0
  const end = range ? range.end : size - 1
  res.statusCode = range ? 206 : 200
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`)
  res.setHeader('Content-Length', String(size === 0 ? 0 : end - start + 1))
  if (req.method === 'HEAD' || size === 0) {
    res.end()
    return
  }
  createReadStream(filePath, { start, end }).pipe(res)
}
