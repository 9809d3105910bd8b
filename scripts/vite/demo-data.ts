// The built-in demo reads the real Clay v0 sample from ../shared/fixtures (never copied into the
// repository). Dev and preview serve it straight from there with range requests; a production
// build copies it into dist/ so the built app is self-contained.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Connect, Plugin } from 'vite'
import { serveFileWithRange } from '../lib/serve-range.mjs'
import { writeEncoderSet, type EncoderSet } from '../make-encoder-set.mjs'
import { stacHandler, type StacHandler } from '../imagery/stac-server.mjs'

export const DEMO_FILE = 'clay-v0/03WVN_20220610_20220610_v001.gpq'
export const DEMO_URL_PATH = `/demo/${DEMO_FILE}`

export function fixturesDir(root: string): string {
  return process.env.CHIPFINDER_FIXTURES ?? path.resolve(root, '../shared/fixtures')
}

/**
 * The synthetic encoder set in dev and preview (not in a build: it needs Python to make):
 *   /demo/encoder/catalog.json   one entry, model "chipfinder-test-encoder-v1", stac /demo/stac
 *   /demo/encoder/<file>         its GeoParquet and manifest.json
 *   /demo/stac[/search|/assets/…] the local STAC API over its scene (scripts/imagery/stac-server.mjs)
 * Made on the first request (about 20 s the first time, cached in .cache/ after that).
 */
function encoderDemo(): Connect.NextHandleFunction {
  let ready: Promise<{ set: EncoderSet; stac: StacHandler }> | null = null
  const load = () =>
    (ready ??= writeEncoderSet({ log: (line) => console.log(line) }).then((set) => ({
      set,
      stac: stacHandler({ root: '/demo/stac', itemsFile: path.join(set.dir, 'stac', 'items.json'), sceneDir: set.sceneDir }),
    })))
  return (req, res, next) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`)
    if (!url.pathname.startsWith('/demo/encoder/') && !/^\/demo\/stac(\/|$)/.test(url.pathname)) return next()
    load()
      .then(async ({ set, stac }) => {
        if (await stac(req, res, url, { cors: false, origin: url.origin })) return
        const name = url.pathname.slice('/demo/encoder/'.length)
        if (name === 'catalog.json') {
          const entry = {
            id: 'chipfinder-test-s2',
            title: 'Synthetic Sentinel-2 scene (test encoder)',
            href: `${url.origin}/demo/encoder/${set.parquet}`,
            layout: 'file',
            model: set.sourceModel,
            stac: `${url.origin}/demo/stac`,
            licence: 'CC0-1.0',
          }
          res.setHeader('Content-Type', 'application/json')
          res.end(JSON.stringify({ version: 1, datasets: [entry] }))
        } else if (name === set.parquet || name === 'manifest.json') void serveFileWithRange(req, res, path.join(set.dir, name))
        else next()
      })
      .catch((error: unknown) => {
        res.statusCode = 503
        res.end(`The synthetic encoder set could not be made: ${error instanceof Error ? error.message : String(error)}`)
      })
  }
}

export function demoData(root: string): Plugin {
  const dir = fixturesDir(root)
  const encoder = encoderDemo()
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const url = req.url ?? ''
    if (url.startsWith('/demo/encoder/') || /^\/demo\/stac([/?]|$)/.test(url)) return encoder(req, res, next)
    if (!url.startsWith('/demo/')) return next()
    const rel = decodeURIComponent(url.slice('/demo/'.length).split('?')[0] ?? '')
    const file = path.resolve(dir, rel)
    if (!file.startsWith(dir + path.sep)) return next()
    void serveFileWithRange(req, res, file)
  }
  return {
    name: 'chipfinder:demo-data',
    configureServer(server) {
      server.middlewares.use(middleware)
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware)
    },
    generateBundle() {
      const file = path.join(dir, DEMO_FILE)
      if (!existsSync(file)) {
        this.warn(`demo data not found at ${file}; the built app will say the demo is unavailable`)
        return
      }
      this.emitFile({ type: 'asset', fileName: `demo/${DEMO_FILE}`, source: readFileSync(file) })
    },
  }
}
