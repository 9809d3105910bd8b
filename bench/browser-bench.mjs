// What the browser benchmarks (bench/map-frames.mjs, bench/encoder.mjs) share: building the app,
// serving the build from 127.0.0.1, medians, and merging their records into bench/results.json
// (as bench/harness.ts mergeResults does for the vitest benches) with a printed table.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveFileWithRange } from '../scripts/lib/serve-range.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
export const root = path.resolve(here, '..')
export const RESULTS = path.join(here, 'results.json')

/** Run a command in the repository root; rejects unless it exits 0. */
export function run(command, argv, env = process.env) {
  return new Promise((done, fail) => {
    const child = spawn(command, argv, { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] })
    child.on('error', fail)
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} ${argv.join(' ')} exited with ${code}`))))
  })
}

/** Build the app with its test API (app/testing/test-api.ts), which the browser benchmarks read, into `outDir`. */
export function buildTestApp(outDir) {
  return run('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { ...process.env, VITE_TEST_API: '1' })
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
}

/**
 * The built app from 127.0.0.1 on a free port. With `crossOriginIsolated` it sends the COOP/COEP
 * headers vite.config.ts sends (WebAssembly threads need them).
 */
export function serveApp(dir, { crossOriginIsolated = false } = {}) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    let rel = decodeURIComponent(url.pathname)
    if (rel.endsWith('/')) rel += 'index.html'
    const file = path.resolve(dir, `.${rel}`)
    if (!file.startsWith(dir + path.sep)) {
      res.statusCode = 404
      return res.end()
    }
    if (crossOriginIsolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
      res.setHeader('Cross-Origin-Embedder-Policy', 'credentialless')
    }
    void serveFileWithRange(req, res, file, { contentType: MIME[path.extname(file)] ?? 'application/octet-stream' })
  })
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)))
}

/** The value at quantile q of an ascending array (NaN when empty). */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

export const median = (xs) => quantile([...xs].sort((a, b) => a - b), 0.5)

/** Like bench/harness.ts mergeResults: records of the same name replaced, the rest kept. */
export function mergeResults(records) {
  let kept = []
  try {
    const previous = JSON.parse(readFileSync(RESULTS, 'utf8'))
    const mine = new Set(records.map((r) => r.name))
    kept = (previous.records ?? []).filter((r) => !mine.has(r.name))
  } catch {
    // No results yet, or unreadable: start afresh.
  }
  const machine = { node: process.version, platform: `${process.platform}-${process.arch}`, date: new Date().toISOString() }
  writeFileSync(RESULTS, `${JSON.stringify({ machine, records: [...kept, ...records] }, null, 2)}\n`)
}

export function printTable(records) {
  const rows = records.map((r) => [r.name, `${r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}`, r.peer ?? '', r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`, r.note ?? ''])
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((row) => row[c].length), 4))
  console.log(`\n${rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n')}\n`)
}
