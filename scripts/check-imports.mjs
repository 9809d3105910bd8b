#!/usr/bin/env node
// The import graph of app/ and workers/, checked against the layer table (scripts/layers.mjs):
// every import that goes where its layer may not, and every import cycle (Tarjan's strongly
// connected components), each printed as `file:line imports target — rule`. Exit 1 if any.
//
// Imports are read with the TypeScript parser: `import`, `import type`, `export … from`,
// `import x = require(…)`, dynamic `import(…)`, `import('…')` types, and
// `new URL('./x.worker.ts', import.meta.url)` (how a worker's entry is named). Type-only imports
// count like any other, for layers and for cycles. Relative specifiers only: packages, and
// files that are not TypeScript (`?url`, `?raw`, .json, .wasm…), are not part of the graph.
//
//   node scripts/check-imports.mjs [--root DIR]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { layerOf, layerViolation, ROOTS } from './layers.mjs'

const TS_EXT = ['.ts', '.tsx', '.mts', '.cts']
const SOURCE = /\.(?:[cm]?ts|tsx)$/

/** Repository-relative, '/'-separated. */
const rel = (/** @type {string} */ root, /** @type {string} */ abs) => path.relative(root, abs).split(path.sep).join('/')

function listSources(/** @type {string} */ dir, /** @type {string[]} */ out) {
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) listSources(p, out)
    else if (entry.isFile() && SOURCE.test(entry.name)) out.push(p)
  }
  return out
}

/**
 * @typedef {{ specifier: string, line: number, kind: string }} RawImport
 * @returns {RawImport[]}
 */
export function findImports(/** @type {string} */ fileName, /** @type {string} */ text) {
  const kind = fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind)
  /** @type {RawImport[]} */
  const out = []
  const add = (/** @type {ts.Node} */ lit, /** @type {string} */ how) => {
    if (!ts.isStringLiteralLike(lit)) return
    const line = sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1
    out.push({ specifier: lit.text, line, kind: how })
  }
  const visit = (/** @type {ts.Node} */ node) => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ? 'import type' : 'import')
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node.moduleSpecifier, node.isTypeOnly ? 'export type from' : 'export from')
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, 'import = require')
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      add(node.arguments[0], 'import()')
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, 'import() type')
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'URL' &&
      node.arguments?.length === 2 &&
      /^import\.meta\.url$/.test(node.arguments[1].getText(sf))
    ) {
      add(node.arguments[0], 'new URL(…, import.meta.url)')
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return out
}

/**
 * The TypeScript file a relative specifier names, or null (a package, a non-TypeScript asset,
 * or nothing there: the type checker reports those).
 */
export function resolveSpecifier(/** @type {string} */ fromAbs, /** @type {string} */ specifier) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') return null
  const q = specifier.search(/[?#]/)
  const bare = q < 0 ? specifier : specifier.slice(0, q)
  const abs = path.resolve(path.dirname(fromAbs), bare)
  const ext = path.extname(abs)
  const isFile = (/** @type {string} */ p) => existsSync(p) && statSync(p).isFile()
  /** @type {string[]} */
  let candidates
  if (TS_EXT.includes(ext)) candidates = [abs]
  else if (ext === '.js' || ext === '.jsx' || ext === '.mjs' || ext === '.cjs') {
    const stem = abs.slice(0, -ext.length)
    candidates = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] }[ext].map((e) => stem + e)
  } else if (ext === '' || !isFile(abs)) {
    // 'x' or 'x.worker' style: try the TypeScript extensions and index files
    candidates = [...TS_EXT.map((e) => abs + e), ...TS_EXT.map((e) => path.join(abs, 'index' + e))]
  } else return null // .json, .wasm, .onnx, .css, ?url / ?raw assets
  return candidates.find(isFile) ?? null
}

/**
 * Tarjan's strongly connected components; returns the components that hold a cycle (more than
 * one node, or a node that imports itself), each in discovery order.
 * @param {string[]} nodes
 * @param {Map<string, string[]>} edges
 * @returns {string[][]}
 */
export function cyclesOf(nodes, edges) {
  let index = 0
  /** @type {Map<string, number>} */ const idx = new Map()
  /** @type {Map<string, number>} */ const low = new Map()
  /** @type {string[]} */ const stack = []
  const onStack = new Set()
  /** @type {string[][]} */ const out = []
  const enter = (/** @type {string} */ v) => {
    idx.set(v, index)
    low.set(v, index)
    index++
    stack.push(v)
    onStack.add(v)
  }
  // iterative, so a long import chain cannot overflow the call stack
  for (const start of nodes) {
    if (idx.has(start)) continue
    /** @type {{ v: string, i: number }[]} */
    const work = [{ v: start, i: 0 }]
    enter(start)
    while (work.length > 0) {
      const top = work[work.length - 1]
      const next = edges.get(top.v) ?? []
      if (top.i < next.length) {
        const w = next[top.i++]
        if (!idx.has(w)) {
          enter(w)
          work.push({ v: w, i: 0 })
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v) ?? 0, idx.get(w) ?? 0))
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1].v
        low.set(parent, Math.min(low.get(parent) ?? 0, low.get(top.v) ?? 0))
      }
      if (low.get(top.v) === idx.get(top.v)) {
        /** @type {string[]} */ const scc = []
        let w
        do {
          w = /** @type {string} */ (stack.pop())
          onStack.delete(w)
          scc.push(w)
        } while (w !== top.v)
        if (scc.length > 1 || next.includes(top.v)) out.push(scc.reverse())
      }
    }
  }
  return out
}

/** The shortest import path from `start` back to itself inside one component. */
function shortestCycle(/** @type {string} */ start, /** @type {Map<string, string[]>} */ edges, /** @type {Set<string>} */ members) {
  /** @type {Map<string, string>} */ const prev = new Map()
  const queue = [start]
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue
      if (w === start) {
        const path = [v]
        while (path[0] !== start) path.unshift(/** @type {string} */ (prev.get(path[0])))
        return path
      }
      if (!prev.has(w)) {
        prev.set(w, v)
        queue.push(w)
      }
    }
  }
  return [start]
}

/**
 * @typedef {{ file: string, line: number, target: string, specifier: string, kind: string, rule: string }} Offence
 * @typedef {{ files: string[], path: string[], imports: Offence[] }} Cycle (files: the component; path: one shortest cycle through its first file)
 * @typedef {{ files: number, imports: number, layers: Offence[], cycles: Cycle[] }} Report
 */

/**
 * Checks the tree under `root` (default: this repository).
 * @param {{ root?: string }} [options]
 * @returns {Report}
 */
export function checkImports({ root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..') } = {}) {
  root = path.resolve(root)
  const files = ROOTS.flatMap((r) => listSources(path.join(root, r), [])).sort()
  /** @type {Map<string, Offence[]>} */
  const importsOf = new Map()
  /** @type {Offence[]} */
  const layers = []
  let count = 0
  for (const abs of files) {
    const from = rel(root, abs)
    /** @type {Offence[]} */
    const mine = []
    if (layerOf(from) === null) {
      layers.push({ file: from, line: 1, target: '', specifier: '', kind: 'file', rule: `${from} is in no layer: add its folder to scripts/layers.mjs` })
    }
    for (const imp of findImports(abs, readFileSync(abs, 'utf8'))) {
      const target = resolveSpecifier(abs, imp.specifier)
      if (target === null) continue
      const to = rel(root, target)
      if (to.startsWith('../') || !ROOTS.some((r) => to.startsWith(r + '/'))) continue // outside app/ and workers/
      count++
      const offence = { file: from, line: imp.line, target: to, specifier: imp.specifier, kind: imp.kind, rule: '' }
      mine.push(offence)
      if (layerOf(from) === null) continue
      const why = layerViolation(from, to)
      if (why !== null) layers.push({ ...offence, rule: why })
    }
    importsOf.set(from, mine)
  }
  /** @type {Map<string, string[]>} */
  const edges = new Map([...importsOf].map(([f, list]) => [f, [...new Set(list.map((o) => o.target))]]))
  const cycles = cyclesOf([...importsOf.keys()], edges).map((scc) => {
    const members = new Set(scc)
    const imports = scc.flatMap((f) =>
      (importsOf.get(f) ?? [])
        .filter((o) => members.has(o.target))
        .map((o) => ({ ...o, rule: `import cycle of ${scc.length} file${scc.length === 1 ? '' : 's'}: ${scc.join(', ')}` })),
    )
    return { files: scc, path: shortestCycle(scc[0], edges, members), imports }
  })
  return { files: files.length, imports: count, layers, cycles }
}

/** The report as printed lines. */
export function formatReport(/** @type {Report} */ report) {
  const line = (/** @type {Offence} */ o) =>
    o.kind === 'file' ? `${o.file}:${o.line} — ${o.rule}` : `${o.file}:${o.line} imports ${o.target} — ${o.rule}${o.kind === 'import' ? '' : ` [${o.kind}]`}`
  const out = []
  if (report.layers.length > 0) {
    out.push(`Layer violations (${report.layers.length}):`)
    for (const o of report.layers) out.push('  ' + line(o))
  }
  if (report.cycles.length > 0) {
    out.push(`Import cycles (${report.cycles.length}):`)
    for (const c of report.cycles) {
      out.push(`  ${c.files.length} file${c.files.length === 1 ? '' : 's'}: ${c.files.join(', ')}`)
      out.push(`  e.g. ${[...c.path, c.path[0]].join(' → ')}`)
      for (const o of c.imports) out.push('    ' + line({ ...o, rule: 'import cycle' }))
    }
  }
  return out
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--root')
  const report = checkImports(at > 0 && process.argv[at + 1] ? { root: process.argv[at + 1] } : {})
  const lines = formatReport(report)
  if (lines.length > 0) {
    console.error(lines.join('\n'))
    console.error(
      `\ncheck-imports: ${report.layers.length} layer violation(s), ${report.cycles.length} cycle(s) in ${report.files} files (rules: scripts/layers.mjs)`,
    )
    process.exit(1)
  }
  console.log(`check-imports: ${report.files} files, ${report.imports} imports, layers and no cycles OK`)
}
