#!/usr/bin/env node
// The end-to-end tests' indexed archive (issue 13): the synthetic Clay v0 global set
// (make-synthetic-sets.mjs) again, as its own folder with an archive index beside it built by the
// real builder (`npm run index`), plus the faulty indexes the tests open through a catalog:
//
//   <sets>/clay-v0-indexed/v02/…                 hard links to clay-v0-global's files (same bytes, own folder,
//                                                so the tests of the unindexed folder are untouched)
//   <sets>/clay-v0-indexed/chipfinder-index/     the index, found by the convention beside the folder
//   <sets>/clay-v0-indexed-variants/<kind>/      copies of it beside the folder, each wrong in one way:
//       corrupt       the code file cut in half (its header still says the whole size)
//       stale         one source (the first Kenyan lake's file) recorded with another size
//       other-model   the index says Clay v1.5 made its vectors
//   <sets>/indexed-catalog.json                  entries for the folder with each index named
//
//   node scripts/make-indexed-set.mjs <sets dir>
//
// Idempotent: the builder resumes (each file's part is kept), and the rest is small.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const INDEXED_SET = 'clay-v0-indexed'
export const INDEXED_CATALOG = 'indexed-catalog.json'
const SOURCE_SET = 'clay-v0-global'
const VARIANTS = ['corrupt', 'stale', 'other-model']

function linkTree(from, to) {
  mkdirSync(to, { recursive: true })
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name)
    const b = path.join(to, e.name)
    if (e.isDirectory()) linkTree(a, b)
    else if (!existsSync(b) || statSync(b).ino !== statSync(a).ino) {
      rmSync(b, { force: true })
      linkSync(a, b)
    }
  }
}

/** Writes the indexed folder, its index, the faulty variants and their catalog; returns the folder. */
export function writeIndexedSet(setsDir, { log = () => {} } = {}) {
  const source = path.join(setsDir, SOURCE_SET)
  if (!existsSync(source)) throw new Error(`${source} is missing: make the synthetic sets first (make-synthetic-sets.mjs)`)
  const folder = path.join(setsDir, INDEXED_SET)
  linkTree(path.join(source, 'v02'), path.join(folder, 'v02'))
  const out = path.join(folder, 'chipfinder-index')
  // A fixed build time, so the index's bytes (and the app's cache keys) are the same every run.
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/index/run.mjs'), folder, '--out', out, '--workers', '1'], {
    cwd: root,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1733356800' },
    encoding: 'utf8',
  })
  if (built.status !== 0) throw new Error(`the index build failed:\n${built.stderr}`)
  log(built.stderr.trim().split('\n').at(-1) ?? '')

  const header = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8'))
  const manifest = JSON.parse(readFileSync(path.join(setsDir, 'manifest.json'), 'utf8'))
  const kenyanLake = manifest.planted[SOURCE_SET].lake.members.find((m) => m.id.startsWith('37'))
  const staleKey = kenyanLake.key.slice(`${SOURCE_SET}/`.length)
  for (const kind of VARIANTS) {
    const dir = path.join(setsDir, `${INDEXED_SET}-variants`, kind)
    mkdirSync(dir, { recursive: true })
    const h = structuredClone(header)
    h.base = `../../${INDEXED_SET}/`
    for (const part of h.parts) {
      const to = path.join(dir, part.path)
      copyFileSync(path.join(out, part.path), to)
      if (kind === 'corrupt') truncateSync(to, Math.floor(part.bytes / 2))
      if (part.rows) copyFileSync(path.join(out, part.rows.path), path.join(dir, part.rows.path))
    }
    if (kind === 'stale') h.sources.find((s) => s.key === staleKey).bytes += 1
    if (kind === 'other-model') h.identity = { ...h.identity, family: 'clay-v1.5', modelLabel: 'Clay v1.5' }
    writeFileSync(path.join(dir, 'index.json'), JSON.stringify(h, null, 1))
  }
  const entry = (id, title, index) => ({ id, title, href: `./${INDEXED_SET}/`, layout: 'prefix', model: { name: 'Clay v0', dims: 768 }, ...(index ? { index } : {}) })
  writeFileSync(
    path.join(setsDir, INDEXED_CATALOG),
    JSON.stringify(
      {
        datasets: [
          entry('indexed', 'Clay v0 global, indexed (synthetic)', null),
          ...VARIANTS.map((kind) => entry(`index-${kind}`, `Clay v0 global, ${kind} index (synthetic)`, `./${INDEXED_SET}-variants/${kind}/index.json`)),
        ],
      },
      null,
      1,
    ),
  )
  return { folder, chips: header.chips, staleKey }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2]
  if (!dir) {
    console.error('usage: node scripts/make-indexed-set.mjs <sets dir>')
    process.exit(2)
  }
  const set = writeIndexedSet(path.resolve(dir), { log: console.log })
  console.log(`${set.chips} chips indexed in ${set.folder}`)
}
