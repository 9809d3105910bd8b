#!/usr/bin/env node
// The whole-archive search benchmark (issue 13; docs/archive-bench.md):
//
//   node bench/archive.mjs [--chips 1200000] [--dims 768] [--seed 1]
//
// 1. writes the archive with scripts/make-archive.mjs, or finds it cached in .cache/large-sets;
// 2. serves it with the e2e data server (S3 listing, range requests, ETags) on free ports;
// 3. builds the index with `npm run index -- <folder url> --out <dir>` when that script exists,
//    timing it (the build's slot: without it, the run says TODO and records nothing for it);
// 4. runs bench/archive/archive.run.ts through vitest (TypeScript imports of app/lib): the
//    ground truth (cached beside the archive), the peers, the index's size, the archive search's
//    slot; records merged into bench/results.json.
// Not part of `npm run bench` yet: at 1.2 M × 768 it takes longer than a few minutes.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { writeArchiveSet } from '../scripts/make-archive.mjs'
import { startDataServer } from '../e2e/support/data-server.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const log = (line) => console.log(`[archive] ${line}`)
const { values: args } = parseArgs({
  options: {
    chips: { type: 'string', default: '1200000' },
    dims: { type: 'string', default: '768' },
    seed: { type: 'string', default: '1' },
  },
})

let started = performance.now()
const archive = await writeArchiveSet({ chips: Number(args.chips), dims: Number(args.dims), seed: Number(args.seed), log })
log(`${archive.name}: ${archive.files.length} files, ${(archive.totalBytes / 1e9).toFixed(2)} GB (${((performance.now() - started) / 1000).toFixed(1)} s)`)

const data = await startDataServer({ port: 0, noCorsPort: 0, log: () => {} })
const folderUrl = `${data.url}/s3/large/${archive.name}/`
const env = { ...process.env, ARCHIVE_DIR: archive.dir, DATA_URL: folderUrl, INDEX_DIR: '', INDEX_SECONDS: '', INDEX_ERROR: '' }
try {
  const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts ?? {}
  if (!scripts.index) {
    env.INDEX_ERROR = 'TODO(issue 13): package.json has no "index" script yet (npm run index -- <url> --out <dir>)'
    log(env.INDEX_ERROR)
  } else {
    const out = path.join(root, '.cache', 'archive-index', archive.name)
    rmSync(out, { recursive: true, force: true })
    mkdirSync(path.dirname(out), { recursive: true })
    started = performance.now()
    const built = spawnSync('npm', ['run', 'index', '--', folderUrl, '--out', out], { cwd: root, stdio: 'inherit' })
    const seconds = (performance.now() - started) / 1000
    if (built.status === 0) Object.assign(env, { INDEX_DIR: out, INDEX_SECONDS: String(seconds) })
    else env.INDEX_ERROR = `npm run index failed (exit ${built.status}) after ${seconds.toFixed(0)} s`
  }
  const run = spawnSync('npx', ['vitest', 'run', '--config', 'bench/archive/vitest.config.ts'], { cwd: root, stdio: 'inherit', env })
  process.exitCode = run.status ?? 1
} finally {
  await data.close()
}
