// The layer table: the one place that says which folder may import which. Both
// scripts/check-imports.mjs (resolves every import, finds cycles) and eslint.config.js
// (no-restricted-imports, generated below) read it, so a rule is written once, here.
//
// Layers, low to high. A file belongs to the layer whose `dir` is the longest prefix of its
// path (app/lib/testing/x.ts is in lib/testing, not lib); the top layer is the files directly in
// app/ (main.tsx, App.tsx, compose.ts). `may` lists the layers a file may import from
// (its own included). A test file (*.test.ts, *.test.tsx) obeys the layer of its folder, and may
// also import the test-only layer (lib/testing), which nothing else in app/ or workers/ may
// import (bench/, scripts/ and e2e/ are outside the table and may).

/** Packages that draw or hold UI state: not for pure code or workers. */
export const UI_PACKAGES = [
  'react',
  'react/*',
  'react-dom',
  'react-dom/*',
  'maplibre-gl',
  'maplibre-gl/*',
  '@deck.gl/*',
  '@luma.gl/*',
  'terra-draw',
  'terra-draw/*',
  'terra-draw-*',
  'zustand',
  'zustand/*',
]

/** The store may use zustand, but no React, MapLibre or deck.gl. */
export const VIEW_PACKAGES = UI_PACKAGES.filter((p) => !p.startsWith('zustand'))

/**
 * @typedef {object} Layer
 * @property {string} name
 * @property {string} dir repository-relative folder, no trailing slash
 * @property {boolean} [topFiles] only the files directly in `dir` (not its subfolders)
 * @property {boolean} [testOnly] only test files (and this layer itself) may import it
 * @property {string[]} may layers this one may import from
 * @property {string[]} [packages] packages it may not import (ESLint only)
 * @property {string} why
 */

/** @type {Layer[]} low to high */
export const LAYERS = [
  {
    name: 'lib/testing',
    dir: 'app/lib/testing',
    testOnly: true,
    may: ['lib/testing', 'lib'],
    packages: UI_PACKAGES,
    why: 'test helpers: only *.test.ts(x), bench/, scripts/ and e2e/ may import them',
  },
  {
    name: 'lib',
    dir: 'app/lib',
    may: ['lib'],
    packages: UI_PACKAGES,
    why: 'app/lib is pure TypeScript: it imports only app/lib (no UI, map, store or worker code)',
  },
  {
    name: 'workers',
    dir: 'workers',
    may: ['lib', 'workers'],
    packages: UI_PACKAGES,
    why: 'workers import only app/lib and workers',
  },
  {
    name: 'state',
    dir: 'app/state',
    may: ['lib', 'state'],
    packages: VIEW_PACKAGES,
    why: 'state imports only app/lib and app/state',
  },
  {
    name: 'services',
    dir: 'app/services',
    may: ['lib', 'workers', 'state', 'services'],
    why: 'services import app/lib, workers, app/state and app/services; never app/map or app/ui',
  },
  {
    name: 'map',
    dir: 'app/map',
    may: ['lib', 'state', 'services', 'map'],
    why: 'app/map imports app/lib, app/state, app/services and app/map; never app/ui or workers',
  },
  {
    name: 'ui',
    dir: 'app/ui',
    may: ['lib', 'state', 'services', 'map', 'ui'],
    why: 'app/ui imports app/lib, app/state, app/services, app/map and app/ui; never workers',
  },
  {
    name: 'testing',
    dir: 'app/testing',
    may: ['lib', 'workers', 'state', 'services', 'map', 'testing'],
    why: 'the e2e test API (app/testing) may import anything below the UI (not app/ui, not the composition root that installs it)',
  },
  {
    name: 'top',
    dir: 'app',
    topFiles: true,
    may: ['lib', 'workers', 'state', 'services', 'map', 'ui', 'testing', 'top'],
    why: 'the files directly in app/ (main.tsx, App.tsx, compose.ts) compose everything',
  },
]

/** Where the checker looks: the folders the table covers. */
export const ROOTS = ['app', 'workers']

const byName = new Map(LAYERS.map((l) => [l.name, l]))
for (const l of LAYERS) for (const m of l.may) if (!byName.has(m)) throw new Error(`layers.mjs: ${l.name} may import unknown layer ${m}`)

export const isTestFile = (/** @type {string} */ rel) => /\.test\.[cm]?tsx?$/.test(rel)

/**
 * The layer of a repository-relative path ('/'-separated), or null when it is in none.
 * @param {string} rel
 * @returns {Layer | null}
 */
export function layerOf(rel) {
  let best = null
  for (const l of LAYERS) {
    const inside = l.topFiles ? path_dirname(rel) === l.dir : rel.startsWith(l.dir + '/')
    if (inside && (best === null || l.dir.length > best.dir.length)) best = l
  }
  return best
}

function path_dirname(/** @type {string} */ rel) {
  const i = rel.lastIndexOf('/')
  return i < 0 ? '' : rel.slice(0, i)
}

/**
 * Why `from` may not import `to` (both repository-relative), or null when it may. `to` must be
 * inside the table's roots; a `from` in no layer is reported by the checker separately.
 * @param {string} from
 * @param {string} to
 * @returns {string | null}
 */
export function layerViolation(from, to) {
  const a = layerOf(from)
  const b = layerOf(to)
  if (a === null) return `${from} is in no layer: add its folder to scripts/layers.mjs`
  if (b === null) return `${to} is in no layer: add its folder to scripts/layers.mjs`
  if (b.testOnly) {
    if (a === b || isTestFile(from)) return null
    return `${a.name} → ${b.name}: ${b.why}`
  }
  if (a.may.includes(b.name)) return null
  return `${a.name} → ${b.name}: ${a.why}`
}

// ---- ESLint -------------------------------------------------------------------------------
//
// no-restricted-imports sees the specifier as written, not the file it resolves to, so the
// blocks below are generated per layer and per depth below the layer's folder: from
// app/services/x.ts, app/map is '../map/…'; from app/services/a/x.ts it is '../../map/…'. Each
// forbidden folder becomes one regex that matches every way of climbing to it ('../map/',
// '../../app/map/', …). ESLint does not see dynamic import() or new URL(…, import.meta.url);
// the script does, resolves every path, and finds cycles.

/** Folder depths below a layer's folder that get their own ESLint block (deeper: the script only). */
export const ESLINT_MAX_DEPTH = 6

const escape = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/**
 * Every specifier prefix that, written in a file `depth` folders below `dir`, reaches `target`
 * ('' for the repository root), without going back up after going down.
 */
function climbs(/** @type {string} */ dir, /** @type {number} */ depth, /** @type {string} */ target) {
  const out = []
  // climbing `depth` folders leads back to `dir`; each further '../' goes one folder up
  let ancestor = dir
  for (let up = depth; ; up++) {
    const inside =
      ancestor === '' ? target : target === ancestor ? '' : target.startsWith(ancestor + '/') ? target.slice(ancestor.length + 1) : null
    if (inside !== null) {
      const lead = up === 0 ? './' : '../'.repeat(up)
      out.push(inside === '' ? lead.slice(0, -1) : lead + inside)
    }
    if (ancestor === '') break
    ancestor = path_dirname(ancestor)
  }
  return out
}

/**
 * The no-restricted-imports patterns for a file `depth` folders below `layer.dir`.
 * @param {Layer} layer
 * @param {number} depth
 * @param {boolean} test
 */
export function eslintPatterns(layer, depth, test) {
  const patterns = []
  if (layer.packages) {
    patterns.push({ group: layer.packages, message: `${layer.name} imports no UI packages: ${layer.why}.` })
  }
  for (const other of LAYERS) {
    if (other === layer) continue
    const allowed = other.testOnly ? test || layer === other : layer.may.includes(other.name)
    if (allowed) continue
    // a folder inside this layer's own folder that is a layer of its own (lib/testing in lib)
    // is only reachable by climbing to that folder, which climbs() handles
    const heads = climbs(layer.dir, depth, other.dir).map(escape)
    if (heads.length === 0) continue
    const tail = other.topFiles ? '\\/[^/]+\\.[cm]?[jt]sx?$' : '(?:\\/|$)'
    patterns.push({
      regex: `^(?:${heads.join('|')})${tail}`,
      caseSensitive: true,
      message: `${layer.name} → ${other.name}: ${other.testOnly ? other.why : layer.why} (scripts/layers.mjs).`,
    })
  }
  return patterns
}

/**
 * ESLint flat-config blocks, outer folders first so that a nested layer (app/lib/testing) overrides
 * its parent's (app/lib) blocks, and each test-file block after its folder's block.
 */
export function eslintLayerBlocks() {
  const blocks = []
  const ordered = [...LAYERS].sort((a, b) => a.dir.split('/').length - b.dir.split('/').length)
  for (const layer of ordered) {
    const maxDepth = layer.topFiles ? 0 : ESLINT_MAX_DEPTH
    for (let depth = 0; depth <= maxDepth; depth++) {
      const base = `${layer.dir}/${'*/'.repeat(depth)}*`
      for (const test of [false, true]) {
        blocks.push({
          name: `chipfinder/layers/${layer.name}/depth-${depth}${test ? '/tests' : ''}`,
          files: test ? [`${base}.test.{ts,tsx}`] : [`${base}.{ts,tsx}`],
          rules: { 'no-restricted-imports': ['error', { patterns: eslintPatterns(layer, depth, test) }] },
        })
      }
    }
  }
  return blocks
}
