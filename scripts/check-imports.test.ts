// The layer rules (scripts/layers.mjs) fail on planted violations, in both places that enforce
// them: scripts/check-imports.mjs (temporary trees) and ESLint (the repository's config).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkImports, findImports, formatReport, type Report } from './check-imports.mjs'
import { eslintLayerBlocks, layerOf, layerViolation, LAYERS } from './layers.mjs'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const script = path.join(repoRoot, 'scripts', 'check-imports.mjs')

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

type Tree = Record<string, string>

/** A tree where every layer imports only what it may (types, exports, dynamic imports, assets). */
const CLEAN: Tree = {
  'app/lib/a.ts': `export const a = 1\nexport type A = number\n`,
  'app/lib/sub/b.ts': `import { a } from '../a.ts'\nimport data from './table.json'\nexport const b = a + data.length\n`,
  'app/lib/sub/table.json': '[]',
  'app/lib/kernels.ts': `import wasmUrl from './kernels.wasm?url'\nimport text from './kernels.wat?raw'\nimport { z } from 'some-package'\nexport const k = [wasmUrl, text, z]\n`,
  'app/lib/a.test.ts': `import { helper } from './testing/helper.ts'\nimport { a } from './a.ts'\nexport const t = helper(a)\n`,
  'app/lib/testing/helper.ts': `import { a } from '../a.ts'\nimport { other } from './other.ts'\nexport const helper = (n: number) => n + a + other\n`,
  'app/lib/testing/other.ts': `export const other = 2\n`,
  'workers/rpc/rpc.ts': `import type { A } from '../../app/lib/a.ts'\nexport const rpc = (x: A) => x\n`,
  'workers/search/client.ts': `import { rpc } from '../rpc/rpc.ts'\nexport const client = () => [rpc(1), new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module' })]\n`,
  'workers/search/search.worker.ts': `import { b } from '../../app/lib/sub/b.ts'\nexport const w = b\n`,
  'workers/search/client.test.ts': `import { helper } from '../../app/lib/testing/helper.ts'\nimport { client } from './client.ts'\nexport const t = [helper(1), client]\n`,
  'app/state/store.ts': `import type { A } from '../lib/a.ts'\nimport { create } from 'zustand'\nexport const store = create<A>()\n`,
  'app/services/registry.ts': `import { store } from '../state/store.ts'\nimport type { client } from '../../workers/search/client.ts'\nexport const registry = { store } as unknown as typeof client\n`,
  'app/services/loader.ts': `export const load = () => import('../../workers/search/client.ts')\nexport { registry } from './registry.ts'\n`,
  'app/services/registry.test.ts': `import { helper } from '../lib/testing/helper.ts'\nimport { registry } from './registry.ts'\nexport const t = [helper(1), registry]\n`,
  'app/map/map-handle.ts': `import { registry } from '../services/registry.ts'\nimport { store } from '../state/store.ts'\nimport { a } from '../lib/a.ts'\nexport const handle = [registry, store, a]\n`,
  'app/ui/Panel.tsx': `import { handle } from '../map/map-handle.ts'\nimport { registry } from '../services/registry.ts'\nexport const Panel = () => <div>{String([handle, registry])}</div>\n`,
  'app/testing/test-api.ts': `import { handle } from '../map/map-handle.ts'\nimport { client } from '../../workers/search/client.ts'\nexport const api = [handle, client]\n`,
  'app/compose.ts': `import { Panel } from './ui/Panel.tsx'\nimport { api } from './testing/test-api.ts'\nimport { client } from '../workers/search/client.ts'\nexport const app = [Panel, api, client]\n`,
  'app/main.tsx': `import { app } from './compose.ts'\nimport './styles.css'\nexport default app\n`,
  'app/styles.css': '',
  'models/reference.json': '{}',
}

function writeTree(tree: Tree): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-imports-'))
  dirs.push(root)
  for (const [rel, text] of Object.entries(tree)) {
    const abs = path.join(root, ...rel.split('/'))
    mkdirSync(path.dirname(abs), { recursive: true })
    writeFileSync(abs, text)
  }
  return root
}

const check = (tree: Tree): Report => checkImports({ root: writeTree(tree) })
const summary = (r: Report) => r.layers.map((o) => `${o.file}:${o.line} -> ${o.target}`)

describe('check-imports on a clean tree', () => {
  it('reports nothing, and sees every kind of import', () => {
    const r = check(CLEAN)
    expect(r.layers).toEqual([])
    expect(r.cycles).toEqual([])
    expect(r.files).toBe(Object.keys(CLEAN).filter((f) => /\.tsx?$/.test(f)).length)
    // assets (.json, ?url, ?raw, .css) and packages are not edges; the worker URL and import() are
    expect(r.imports).toBe(29)
  })

  it('exits 0 from the command line', () => {
    const out = execFileSync(process.execPath, [script, '--root', writeTree(CLEAN)], { encoding: 'utf8' })
    expect(out).toMatch(/layers and no cycles OK/)
  })
})

// One planted file per rule: [what, path, source, target the checker must name, rule words]
const PLANTED: [string, string, string, string, RegExp][] = [
  ['lib → state (import type)', 'app/lib/bad.ts', `import type { store } from '../state/store.ts'\nexport type S = typeof store\n`, 'app/state/store.ts', /lib → state/],
  ['lib → workers', 'app/lib/sub/bad.ts', `import { rpc } from '../../../workers/rpc/rpc.ts'\nexport const x = rpc\n`, 'workers/rpc/rpc.ts', /lib → workers/],
  ['lib → services (export from)', 'app/lib/bad.ts', `export { registry } from '../services/registry.ts'\n`, 'app/services/registry.ts', /lib → services/],
  ['lib → top', 'app/lib/bad.ts', `import { app } from '../compose.ts'\nexport const x = app\n`, 'app/compose.ts', /lib → top/],
  ['lib (not a test) → lib/testing', 'app/lib/sub/bad.ts', `import { helper } from '../testing/helper.ts'\nexport const x = helper\n`, 'app/lib/testing/helper.ts', /lib → lib\/testing: test helpers/],
  ['lib/testing → state', 'app/lib/testing/bad.ts', `import { store } from '../../state/store.ts'\nexport const x = store\n`, 'app/state/store.ts', /lib\/testing → state/],
  ['workers → state', 'workers/search/bad.ts', `import type { store } from '../../app/state/store.ts'\nexport type S = typeof store\n`, 'app/state/store.ts', /workers → state/],
  ['workers → services (import())', 'workers/bad.ts', `export const x = () => import('../app/services/registry.ts')\n`, 'app/services/registry.ts', /workers → services/],
  ['state → workers (import type)', 'app/state/bad.ts', `import type { client } from '../../workers/search/client.ts'\nexport type C = typeof client\n`, 'workers/search/client.ts', /state → workers/],
  ['state → services', 'app/state/bad.ts', `import { registry } from '../services/registry.ts'\nexport const x = registry\n`, 'app/services/registry.ts', /state → services/],
  ['services → map', 'app/services/bad.ts', `import { handle } from '../map/map-handle.ts'\nexport const x = handle\n`, 'app/map/map-handle.ts', /services → map/],
  ['services → ui (export *)', 'app/services/bad.ts', `export * from '../ui/Panel.tsx'\n`, 'app/ui/Panel.tsx', /services → ui/],
  ['services test file → map', 'app/services/bad.test.ts', `import { handle } from '../map/map-handle.ts'\nexport const x = handle\n`, 'app/map/map-handle.ts', /services → map/],
  ['services (not a test) → lib/testing', 'app/services/bad.ts', `import { helper } from '../lib/testing/helper.ts'\nexport const x = helper\n`, 'app/lib/testing/helper.ts', /services → lib\/testing/],
  ['map → ui', 'app/map/bad.ts', `import { Panel } from '../ui/Panel.tsx'\nexport const x = Panel\n`, 'app/ui/Panel.tsx', /map → ui/],
  ['map → workers (import() type)', 'app/map/bad.ts', `export type C = typeof import('../../workers/search/client.ts').client\n`, 'workers/search/client.ts', /map → workers/],
  ['ui → workers', 'app/ui/Bad.tsx', `import { client } from '../../workers/search/client.ts'\nexport const Bad = () => <i>{String(client)}</i>\n`, 'workers/search/client.ts', /ui → workers/],
  ['ui → workers (worker URL)', 'app/ui/bad.ts', `export const w = new Worker(new URL('../../workers/search/search.worker.ts', import.meta.url))\n`, 'workers/search/search.worker.ts', /ui → workers/],
  ['ui → testing', 'app/ui/bad.ts', `import { api } from '../testing/test-api.ts'\nexport const x = api\n`, 'app/testing/test-api.ts', /ui → testing/],
  ['testing → ui', 'app/testing/bad.ts', `import { Panel } from '../ui/Panel.tsx'\nexport const x = Panel\n`, 'app/ui/Panel.tsx', /testing → ui/],
  ['top (not a test) → lib/testing', 'app/bad.ts', `import { helper } from './lib/testing/helper.ts'\nexport const x = helper\n`, 'app/lib/testing/helper.ts', /top → lib\/testing/],
  ['a folder in no layer', 'app/elsewhere/bad.ts', `export const x = 1\n`, '', /in no layer/],
]

describe('check-imports on a planted violation', () => {
  it.each(PLANTED)('%s', (_what, file, source, target, rule) => {
    const r = check({ ...CLEAN, [file]: source })
    expect(summary(r)).toEqual([`${file}:1 -> ${target}`])
    expect(r.layers[0]?.rule).toMatch(rule)
    expect(r.cycles).toEqual([])
  })

  it('names the line of the offending import, not of the file', () => {
    const r = check({ ...CLEAN, 'app/services/bad.ts': `// one\n// two\nimport { a } from '../lib/a.ts'\n\nimport { handle } from '../map/map-handle.ts'\nexport const x = [a, handle]\n` })
    expect(summary(r)).toEqual(['app/services/bad.ts:5 -> app/map/map-handle.ts'])
  })

  it('resolves .js and extensionless specifiers to the TypeScript file', () => {
    const r = check({
      ...CLEAN,
      'app/services/bad.ts': `import { handle } from '../map/map-handle.js'\nimport { Panel } from '../ui/Panel'\nexport const x = [handle, Panel]\n`,
    })
    expect(summary(r)).toEqual(['app/services/bad.ts:1 -> app/map/map-handle.ts', 'app/services/bad.ts:2 -> app/ui/Panel.tsx'])
  })

  it('exits 1 from the command line and prints file:line imports target — rule', () => {
    const root = writeTree({ ...CLEAN, 'app/services/bad.ts': `import { handle } from '../map/map-handle.ts'\nexport const x = handle\n` })
    let status = 0
    let stderr = ''
    try {
      execFileSync(process.execPath, [script, '--root', root], { encoding: 'utf8', stdio: 'pipe' })
    } catch (err) {
      const e = err as { status: number; stderr: string }
      status = e.status
      stderr = e.stderr
    }
    expect(status).toBe(1)
    expect(stderr).toContain('app/services/bad.ts:1 imports app/map/map-handle.ts — services → map:')
  })
})

describe('check-imports on a planted cycle', () => {
  it('reports a three-file cycle once, through a type-only import', () => {
    const r = check({
      ...CLEAN,
      'app/lib/c1.ts': `import { c2 } from './c2.ts'\nexport const c1 = () => c2\n`,
      'app/lib/c2.ts': `import { c3 } from './sub/c3.ts'\nexport const c2 = () => c3\n`,
      'app/lib/sub/c3.ts': `import type { c1 } from '../c1.ts'\nexport const c3 = (f: typeof c1) => f\n`,
    })
    expect(r.layers).toEqual([])
    expect(r.cycles).toHaveLength(1)
    expect([...r.cycles[0]!.files].sort()).toEqual(['app/lib/c1.ts', 'app/lib/c2.ts', 'app/lib/sub/c3.ts'])
    expect(r.cycles[0]!.path).toHaveLength(3)
    expect(r.cycles[0]!.imports.map((o) => `${o.file}:${o.line} ${o.kind}`).sort()).toEqual([
      'app/lib/c1.ts:1 import',
      'app/lib/c2.ts:1 import',
      'app/lib/sub/c3.ts:1 import type',
    ])
    const text = formatReport(r).join('\n')
    expect(text).toContain('app/lib/sub/c3.ts:1 imports app/lib/c1.ts — import cycle [import type]')
    expect(text.match(/3 files:/g)).toHaveLength(1)
  })

  it('reports two separate cycles separately, and a file that imports itself', () => {
    const r = check({
      ...CLEAN,
      'app/services/p.ts': `export { q } from './q.ts'\nexport const p = 1\n`,
      'app/services/q.ts': `export const q = () => import('./p.ts')\n`,
      'workers/self.ts': `import type { S } from './self.ts'\nexport type S = number | S[]\n`,
      'app/ui/A.tsx': `import { B } from './B.tsx'\nexport const A = () => <B />\n`,
      'app/ui/B.tsx': `import { A } from './A.tsx'\nexport const B = (): unknown => A\n`,
    })
    expect(r.layers).toEqual([])
    expect(r.cycles.map((c) => [...c.files].sort())).toEqual(
      expect.arrayContaining([['app/services/p.ts', 'app/services/q.ts'], ['workers/self.ts'], ['app/ui/A.tsx', 'app/ui/B.tsx']]),
    )
    expect(r.cycles).toHaveLength(3)
  })

  it('reports a cycle that also breaks a layer as both', () => {
    const r = check({
      ...CLEAN,
      'app/state/s.ts': `import type { m } from '../services/m.ts'\nexport type S = typeof m\n`,
      'app/services/m.ts': `import type { S } from '../state/s.ts'\nexport const m = 1 as unknown as S\n`,
    })
    expect(summary(r)).toEqual(['app/state/s.ts:1 -> app/services/m.ts'])
    expect(r.cycles.map((c) => [...c.files].sort())).toEqual([['app/services/m.ts', 'app/state/s.ts']])
  })
})

describe('findImports', () => {
  it('finds every form, with its line', () => {
    const src = [
      `import a from './a.ts'`,
      `import type { B } from './b.ts'`,
      `import { type C } from './c.ts'`,
      `export * from './d.ts'`,
      `export type { E } from './e.ts'`,
      `const f = await import('./f.ts')`,
      `type G = import('./g.ts').G`,
      `import h = require('./h.ts')`,
      `new Worker(new URL('./i.worker.ts', import.meta.url))`,
      `import './j.css'`,
      `new URL('k.png', document.baseURI)`,
    ].join('\n')
    expect(findImports('x.ts', src).map((i) => `${i.line} ${i.specifier} ${i.kind}`)).toEqual([
      '1 ./a.ts import',
      '2 ./b.ts import type',
      '3 ./c.ts import',
      '4 ./d.ts export from',
      '5 ./e.ts export type from',
      '6 ./f.ts import()',
      '7 ./g.ts import() type',
      '8 ./h.ts import = require',
      '9 ./i.worker.ts new URL(…, import.meta.url)',
      '10 ./j.css import',
    ])
  })
})

// ---- ESLint, with the repository's own config ------------------------------------------------

// [importing file, specifier, allowed]: each is also checked against layerViolation on the resolved
// path, so the two enforcers cannot drift apart.
const ESLINT_CASES: [string, string, boolean][] = [
  // lib: only lib, no UI packages
  ['app/lib/x.ts', './rank.ts', true],
  ['app/lib/x.ts', './geoparquet/types.ts', true],
  ['app/lib/rank/x.ts', '../url-state.ts', true],
  ['app/lib/x.ts', '../state/store.ts', false],
  ['app/lib/x.ts', '../services/registry.ts', false],
  ['app/lib/x.ts', '../map/layers.ts', false],
  ['app/lib/x.ts', '../ui/Gallery.tsx', false],
  ['app/lib/x.ts', '../testing/test-api.ts', false],
  ['app/lib/x.ts', '../App.tsx', false],
  ['app/lib/x.ts', '../../workers/search/client.ts', false],
  ['app/lib/rank/x.ts', '../../../workers/search/client.ts', false],
  ['app/lib/rank/x.ts', '../../state/store.ts', false],
  ['app/lib/rank/x.ts', '../state/store.ts', true], // that is app/lib/state
  ['app/lib/x.ts', './testing/helper.ts', false],
  ['app/lib/rank/x.ts', '../testing/helper.ts', false],
  ['app/lib/rank/x.ts', '../../lib/testing/helper.ts', false],
  ['app/lib/rank/x.test.ts', '../testing/helper.ts', true],
  ['app/lib/testing/helper.ts', '../url-state.ts', true],
  ['app/lib/testing/helper.ts', './other.ts', true],
  ['app/lib/testing/helper.ts', '../../state/store.ts', false],
  ['app/lib/testing/helper.ts', '../../services/registry.ts', false],
  ['app/lib/a/b/c/d/e/x.ts', '../../../../../../state/store.ts', false],
  ['app/lib/a/b/c/d/e/x.ts', '../../../../../url-state.ts', true],
  // workers: lib and workers
  ['workers/search/x.ts', '../rpc/rpc.ts', true],
  ['workers/search/x.ts', '../../app/lib/rank.ts', true],
  ['workers/x.ts', '../app/lib/rank.ts', true],
  ['workers/search/x.ts', '../../app/state/store.ts', false],
  ['workers/search/x.ts', '../../app/services/registry.ts', false],
  ['workers/search/x.ts', '../../app/map/layers.ts', false],
  ['workers/search/x.ts', '../../app/ui/Gallery.tsx', false],
  ['workers/search/x.ts', '../../app/App.tsx', false],
  ['workers/search/x.ts', '../../app/lib/testing/helper.ts', false],
  ['workers/search/x.test.ts', '../../app/lib/testing/helper.ts', true],
  // state: lib and state
  ['app/state/x.ts', './label-history.ts', true],
  ['app/state/x.ts', '../lib/bbox.ts', true],
  ['app/state/x.ts', '../../workers/search/protocol.ts', false],
  ['app/state/x.ts', '../services/registry.ts', false],
  ['app/state/x.ts', '../map/layers.ts', false],
  ['app/state/x.ts', '../ui/Gallery.tsx', false],
  ['app/state/x.test.ts', '../lib/testing/helper.ts', true],
  ['app/state/x.ts', '../lib/testing/helper.ts', false],
  // services: lib, workers, state, services
  ['app/services/x.ts', '../lib/rank.ts', true],
  ['app/services/x.ts', '../../workers/search/client.ts', true],
  ['app/services/x.ts', '../state/store.ts', true],
  ['app/services/x.ts', './registry.ts', true],
  ['app/services/x.ts', '../map/y.ts', false],
  ['app/services/x.ts', '../ui/Gallery.tsx', false],
  ['app/services/x.ts', '../testing/test-api.ts', false],
  ['app/services/x.ts', '../main.tsx', false],
  ['app/services/x.ts', '../lib/testing/helper.ts', false],
  ['app/services/x.test.ts', '../lib/testing/helper.ts', true],
  ['app/services/x.test.ts', '../map/y.ts', false],
  ['app/services/sub/x.ts', '../../map/y.ts', false],
  ['app/services/sub/x.ts', '../map/y.ts', true], // that is app/services/map
  ['app/services/sub/x.ts', '../../../workers/search/client.ts', true],
  // map: lib, state, services, map
  ['app/map/x.ts', '../services/registry.ts', true],
  ['app/map/x.ts', '../state/store.ts', true],
  ['app/map/x.ts', './layers.ts', true],
  ['app/map/x.ts', '../ui/Gallery.tsx', false],
  ['app/map/x.ts', '../../workers/search/client.ts', false],
  ['app/map/x.ts', '../testing/test-api.ts', false],
  // ui: lib, state, services, map, ui
  ['app/ui/X.tsx', '../map/map-handle.ts', true],
  ['app/ui/X.tsx', '../services/registry.ts', true],
  ['app/ui/X.tsx', './Gallery.tsx', true],
  ['app/ui/X.tsx', '../../workers/encoder/client.ts', false],
  ['app/ui/X.tsx', '../testing/test-api.ts', false],
  ['app/ui/X.tsx', '../App.tsx', false],
  // testing: anything but ui
  ['app/testing/x.ts', '../map/map-handle.ts', true],
  ['app/testing/x.ts', '../../workers/encoder/client.ts', true],
  ['app/testing/x.ts', '../services/registry.ts', true],
  ['app/testing/x.ts', '../ui/Gallery.tsx', false],
  ['app/testing/x.ts', '../lib/testing/helper.ts', false],
  // top: anything but the test helpers
  ['app/compose.ts', './ui/Gallery.tsx', true],
  ['app/compose.ts', './testing/test-api.ts', true],
  ['app/App.tsx', '../workers/search/client.ts', true],
  ['app/main.tsx', './App.tsx', true],
  ['app/compose.ts', './lib/testing/helper.ts', false],
]

// [importing file, package, allowed]
const PACKAGE_CASES: [string, string, boolean][] = [
  ['app/lib/x.ts', 'react', false],
  ['app/lib/x.ts', 'react-dom/client', false],
  ['app/lib/x.ts', 'maplibre-gl', false],
  ['app/lib/x.ts', '@deck.gl/core', false],
  ['app/lib/x.ts', 'zustand', false],
  ['app/lib/x.ts', 'hyparquet', true],
  ['app/lib/testing/helper.ts', 'react', false],
  ['workers/search/x.ts', 'react', false],
  ['workers/search/x.ts', 'onnxruntime-web', true],
  ['app/state/x.ts', 'zustand', true],
  ['app/state/x.ts', 'react', false],
  ['app/state/x.ts', 'maplibre-gl', false],
  ['app/state/x.ts', '@deck.gl/layers', false],
  ['app/services/x.ts', 'zustand', true],
  ['app/map/x.ts', 'maplibre-gl', true],
  ['app/ui/X.tsx', 'react', true],
]

describe('the layer table', () => {
  it.each(ESLINT_CASES)('layerViolation: %s importing %s allowed=%s', (from, spec, allowed) => {
    const to = path.posix.join(path.posix.dirname(from), spec)
    expect(layerViolation(from, to) === null).toBe(allowed)
  })

  it('puts each folder in one layer, nested folders in their own', () => {
    expect(layerOf('app/lib/testing/x.ts')?.name).toBe('lib/testing')
    expect(layerOf('app/lib/x.ts')?.name).toBe('lib')
    expect(layerOf('app/App.tsx')?.name).toBe('top')
    expect(layerOf('app/other/x.ts')).toBeNull()
    expect(new Set(LAYERS.map((l) => l.dir)).size).toBe(LAYERS.length)
  })
})

describe('ESLint with the repository config', () => {
  let eslint: ESLint
  beforeAll(() => {
    eslint = new ESLint({ cwd: repoRoot })
  })

  async function restricted(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) })
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
  }

  it('has one block per layer, depth and test/non-test', () => {
    expect(eslintLayerBlocks().length).toBeGreaterThan(LAYERS.length * 2)
  })

  it.each(ESLINT_CASES)('%s importing %s allowed=%s', { timeout: 60_000 }, async (file, spec, allowed) => {
    const messages = await restricted(file, `import { thing } from '${spec}'\nexport { thing }\n`)
    if (allowed) expect(messages).toEqual([])
    else expect(messages).toEqual([expect.stringContaining('scripts/layers.mjs')])
  })

  it.each(PACKAGE_CASES)('%s importing package %s allowed=%s', { timeout: 60_000 }, async (file, pkg, allowed) => {
    const messages = await restricted(file, `import { thing } from '${pkg}'\nexport { thing }\n`)
    if (allowed) expect(messages).toEqual([])
    else expect(messages).toEqual([expect.stringContaining('imports no UI packages')])
  })

  it('catches import type, export … from and export * from', { timeout: 60_000 }, async () => {
    expect(await restricted('app/services/x.ts', `import type { Y } from '../map/y.ts'\nexport type { Y }\n`)).toHaveLength(1)
    expect(await restricted('app/services/x.ts', `export { y } from '../map/y.ts'\n`)).toHaveLength(1)
    expect(await restricted('app/state/x.ts', `export * from '../../workers/search/protocol.ts'\n`)).toHaveLength(1)
  })
})
