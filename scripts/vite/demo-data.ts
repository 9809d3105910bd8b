// The built-in demo reads the real Clay v0 sample from ../shared/fixtures (never copied into the
// repository). Dev and preview serve it straight from there with range requests; a production
// build copies it into dist/ so the built app is self-contained.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Connect, Plugin } from 'vite'
import { serveFileWithRange } from '../lib/serve-range.mjs'

export const DEMO_FILE = 'clay-v0/03WVN_20220610_20220610_v001.gpq'
export const DEMO_URL_PATH = `/demo/${DEMO_FILE}`

export function fixturesDir(root: string): string {
  return process.env.CHIPFINDER_FIXTURES ?? path.resolve(root, '../shared/fixtures')
}

export function demoData(root: string): Plugin {
  const dir = fixturesDir(root)
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const url = req.url ?? ''
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
