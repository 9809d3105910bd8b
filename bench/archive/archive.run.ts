// The whole-archive search benchmark (docs/archive-bench.md), run by bench/archive.mjs, which
// writes or finds the archive, serves it and builds the index, and passes here (environment):
//   ARCHIVE_DIR   the archive's folder (scripts/make-archive.mjs)
//   DATA_URL      the same folder on the data server (range requests, ETags)
//   INDEX_DIR     the built index, or empty; INDEX_SECONDS its build time; INDEX_ERROR why not
// Records go to bench/results.json (harness.mergeResults), names starting "archive ".
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, it } from 'vitest'
import type { ArchiveManifest } from '../../scripts/make-archive.mjs'
import { medianMs, mergeResults, record } from '../harness.ts'
import { exactSearch, loadPeers } from './peers.ts'
import { groundTruth, recallAt, TRUTH_K } from './truth.ts'

const dir = process.env.ARCHIVE_DIR ?? ''
const log = (line: string) => console.log(`[archive] ${line}`)
const label = (m: ArchiveManifest) => `archive ${m.chips >= 1e6 ? `${m.chips / 1e6}M` : `${m.chips / 1e3}k`} × ${m.params.dims}`

afterAll(() => mergeResults())

/** A slot for code that hasn't landed: says what it needs, records nothing. */
function todo(what: string): never {
  throw new Error(`TODO(issue 13): ${what}`)
}

describe('whole-archive search', () => {
  it('ground truth, peers, index and search', async () => {
    if (!dir || !existsSync(path.join(dir, 'manifest.json'))) throw new Error('run through bench/archive.mjs (ARCHIVE_DIR is not an archive)')
    const manifest = { ...(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ArchiveManifest), dir }
    const name = label(manifest)
    record({ name: `${name}: archive on disk`, value: manifest.totalBytes / manifest.chips, unit: 'B/chip', note: `${manifest.files.length} files, ${(manifest.totalBytes / 1e9).toFixed(2)} GB; generated in ${manifest.seconds} s` })

    const truth = await groundTruth(manifest, log)
    log(`truth: ${truth.seconds} s (cached after the first run)`)
    const planted = manifest.queries.find((q) => q.name === 'planted')!
    const groupIds = new Set(manifest.groups[planted.group!]!.members.map((m) => m.id))
    const plantedTruth = truth.queries.find((q) => q.name === 'planted')!
    record({
      name: `${name}: planted query's truth in its group`,
      value: plantedTruth.ids.filter((id) => groupIds.has(id)).length / Math.min(TRUTH_K, groupIds.size),
      unit: 'fraction',
      note: `group of ${groupIds.size}; the float64 top ${TRUTH_K} holds this share of min(${TRUTH_K}, group)`,
    })

    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const peers = await loadPeers(manifest, 0, log)
    log(`peers loaded in ${peers.loadSeconds.toFixed(0)} s; exact store ${(peers.exact.store.bytes / 2 ** 30).toFixed(2)} GiB, RSS ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB`)
    record({ name: `${name}: exact peer memory (WebAssembly blocks)`, value: peers.exact.store.bytes / 2 ** 30, unit: 'GiB', note: `${peers.exact.store.segments.length} segments; load (decode + copy) ${peers.loadSeconds.toFixed(0)} s` })

    const exactMs: number[] = []
    const terraMs: number[] = []
    for (const q of truth.queries) {
      const ms = await medianMs(() => exactSearch(peers.exact, q.examples, TRUTH_K), 3, 1)
      const { top } = exactSearch(peers.exact, q.examples, TRUTH_K)
      exactMs.push(ms)
      record({ name: `${name} ${q.name}: exact peer (SearchIndex, WASM SIMD)`, value: ms, unit: 'ms', note: `recall@${TRUTH_K} ${recallAt(top, q.top).toFixed(3)}` })
      const t0 = performance.now()
      const tb = peers.terrabit.search(q.examples, TRUTH_K)
      const tms = performance.now() - t0
      terraMs.push(tms)
      record({ name: `${name} ${q.name}: TerraBit peer recall@${TRUTH_K}`, value: recallAt(tb, q.top), unit: 'recall', note: `raw sign bits, mean Hamming, full sort, no rescoring; ${tms.toFixed(0)} ms` })
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!
    // The harness's convention for times: ratio = peer / value, so above 1 means this is faster.
    record({
      name: `${name}: exact peer query`,
      value: median(exactMs),
      unit: 'ms',
      peer: 'TerraBit peer',
      ratio: median(terraMs) / median(exactMs),
      note: `TerraBit ${median(terraMs).toFixed(0)} ms; medians over the three queries`,
    })

    // --- The index (npm run index, built by bench/archive.mjs) ---
    const indexDir = process.env.INDEX_DIR ?? ''
    if (!indexDir) {
      log(process.env.INDEX_ERROR || 'TODO(issue 13): no index built')
    } else {
      const bytes = readdirSync(indexDir).reduce((n, f) => n + statSync(path.join(indexDir, f)).size, 0)
      record({ name: `${name}: index size`, value: bytes / manifest.chips, unit: 'B/chip', note: `${(bytes / 1e6).toFixed(0)} MB in ${indexDir}` })
      const seconds = Number(process.env.INDEX_SECONDS)
      record({ name: `${name}: index build`, value: manifest.chips / seconds / os.availableParallelism(), unit: 'chips/s/core', note: `${seconds.toFixed(0)} s on ${os.availableParallelism()} cores` })
    }

    // --- The archive search (app/lib/archive/scan.ts, rescore.ts): scan → candidates → rescoring
    // by range reads against DATA_URL, counting requests and bytes (wrap globalThis.fetch). Wanted
    // per query: scan + selection p50, whole query p50 with requests and bytes, recall@100 of the
    // candidates before rescoring and of the result after, and ratios to the peers above.
    try {
      if (!indexDir) todo('the archive search needs the index from `npm run index`')
      todo(`wire app/lib/archive/scan.ts and rescore.ts here (index ${indexDir}, data ${process.env.DATA_URL})`)
    } catch (error) {
      log(error instanceof Error ? error.message : String(error))
    }
  })
})
