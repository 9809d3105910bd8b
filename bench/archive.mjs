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
//
//   npm run bench:archive            (or node bench/archive.mjs [--no-peers] [--lists N])
//
// Not part of `npm run bench`: at 1.2 M × 768, with everything cached, it takes 9–18 min here.
// --no-peers skips the exact and TerraBit peers (most of the run); --lists N builds and uses an
// index with N lists (cached under its own name).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
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
    lists: { type: 'string', default: '' },
    'no-peers': { type: 'boolean', default: false },
  },
})

const lists = args.lists ? Number(args.lists) : 0
let started = performance.now()
const archive = await writeArchiveSet({ chips: Number(args.chips), dims: Number(args.dims), seed: Number(args.seed), log })
log(`${archive.name}: ${archive.files.length} files, ${(archive.totalBytes / 1e9).toFixed(2)} GB (${((performance.now() - started) / 1000).toFixed(1)} s)`)

/** spawn as a promise of its exit status (the event loop keeps serving meanwhile). */
const run = (cmd, argv, opts) =>
  new Promise((resolve) => spawn(cmd, argv, opts).on('exit', (status) => resolve({ status })))

const data = await startDataServer({ port: 0, noCorsPort: 0, log: () => {} })
const folderUrl = `${data.url}/s3/large/${archive.name}/`
const env = { ...process.env, ARCHIVE_DIR: archive.dir, DATA_URL: folderUrl, INDEX_DIR: '', INDEX_SECONDS: '', INDEX_ERROR: '', ARCHIVE_PEERS: args['no-peers'] ? '0' : '1' }
try {
  const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts ?? {}
  if (!scripts.index) {
    env.INDEX_ERROR = 'TODO(issue 13): package.json has no "index" script yet (npm run index -- <url> --out <dir>)'
    log(env.INDEX_ERROR)
  } else {
    // Built once and reused (the build's timing is kept beside it): delete the folder to rebuild.
    // Beside the archive, as an index is published (so the data server serves its rescoring copy too);
    // a partitioned build elsewhere, since a second index folder there would be listed as data.
    const out = lists ? path.join(root, '.cache', 'archive-index', `${archive.name}-lists${lists}`) : path.join(archive.dir, 'chipfinder-index')
    const timing = `${out}.build.json`
    if (!lists) env.INDEX_URL = `${folderUrl.replace(/\/?$/, '/')}chipfinder-index/`
    if (existsSync(path.join(out, 'index.json')) && existsSync(timing)) {
      const t = JSON.parse(readFileSync(timing, 'utf8'))
      log(`index: cached in ${out} (built in ${t.seconds.toFixed(0)} s with ${t.workers} workers on ${t.cores} cores)`)
      Object.assign(env, { INDEX_DIR: out, INDEX_SECONDS: String(t.seconds), INDEX_WORKERS: String(t.workers), INDEX_CORES: String(t.cores) })
    } else {
      rmSync(out, { recursive: true, force: true })
      mkdirSync(path.dirname(out), { recursive: true })
      const workers = Math.max(1, Math.min(os.availableParallelism(), 4))
      started = performance.now()
      const cli = ['run', 'index', '--', folderUrl, '--out', out, '--workers', String(workers), ...(lists ? ['--lists', String(lists)] : [])]
      // Not spawnSync: the data server answering the build runs in this process.
      const built = await run('npm', cli, { cwd: root, stdio: 'inherit' })
      const seconds = (performance.now() - started) / 1000
      if (built.status === 0) {
        const t = { seconds, workers, cores: os.availableParallelism(), command: `npm ${cli.join(' ')}`, date: new Date().toISOString() }
        writeFileSync(timing, `${JSON.stringify(t, null, 2)}\n`)
        Object.assign(env, { INDEX_DIR: out, INDEX_SECONDS: String(seconds), INDEX_WORKERS: String(workers), INDEX_CORES: String(t.cores) })
      } else env.INDEX_ERROR = `npm run index failed (exit ${built.status}) after ${seconds.toFixed(0)} s`
    }
  }
  const ran = await run('npx', ['vitest', 'run', '--config', 'bench/archive/vitest.config.ts'], { cwd: root, stdio: 'inherit', env })
  process.exitCode = ran.status ?? 1
} finally {
  await data.close()
}
