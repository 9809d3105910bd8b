// A whole-archive search, in three steps: the query's sign code against every chip's (the C
// nearest by Hamming distance), those C re-ranked by the asymmetric estimate q · signs (the R
// best), and those R rescored exactly from their float32 rows (rescore.ts). The top K is then a
// float64 scan's top K wherever the R hold it; chips whose file could not be read keep their
// estimate, and the answer says it is approximate.

import { DatasetError } from '../errors.ts'
import type { LoadedArchive } from './archive.ts'
import { encodeCentred, hamming } from './codes.ts'
import { exactScore, fetchRows, type ArchiveQuery, type OpenSource, type SourceProblem } from './rescore.ts'
import { bestByEstimate, signDots } from './scan.ts'

/**
 * Candidates and rescored chips for a top K, measured (search.test.ts, 30k × 768 with a shared
 * offset, strong directions and planted clusters): the reference top 100 is 0.57–0.82 inside the
 * Hamming top 100, 0.98–1 inside the q · signs top 300 and 1 inside its top 500 (the Hamming
 * top 500: 0.97–1). C made no difference from 1,000 up at that size; at 1.2 M chips 20·K leaves room.
 */
export const candidatesFor = (topK: number) => Math.max(20 * topK, 2000)
export const rescoredFor = (topK: number) => Math.max(5 * topK, 500)

export interface ArchiveSearchOptions {
  topK: number
  /** Override the measured defaults (tests and benchmarks). */
  candidates?: number
  rescore?: number
  signal?: AbortSignal
}

export interface ArchiveHits {
  /** The best chips (indices into the archive), best first, ties by chip. */
  chips: Uint32Array
  scores: Float32Array
  /** 1 where the score is exact, 0 where it is the sign-code estimate (its file wasn't read). */
  exact: Uint8Array
  problems: SourceProblem[]
  stats: {
    scanMs: number
    rescoreMs: number
    scanned: number
    candidates: number
    rescored: number
    requests: number
    bytes: number
    /** Some of the top K could not be rescored. */
    approximate: boolean
  }
}

/** The query's positives with their codes: 'max' ranks by its best positive, so each finds its own candidates. */
function positivesOf(query: ArchiveQuery, dims: number) {
  return query.vectors.slice(0, query.npos).map((v, k) => ({ v, n: query.norms[k]!, code: encodeCentred(v, dims) }))
}

/**
 * The chips to rescore: the `want` nearest by Hamming distance (per positive, pooled), then the
 * `rescore` best of those by q · signs / |q| (the best positive's, for 'max'). Ascending by chip.
 */
export function shortlist(archive: LoadedArchive, query: ArchiveQuery, want: number, rescore: number): { candidates: number; picked: Uint32Array } {
  const { scanner } = archive
  const positives = positivesOf(query, archive.dims)
  const pool = new Set<number>()
  for (const p of positives) for (const c of scanner.nearest(p.code, want)) pool.add(c)
  const candidates = Uint32Array.from(pool).sort()
  const estimate = new Float64Array(candidates.length).fill(-Infinity)
  for (const p of positives) {
    const e = signDots(scanner, candidates, p.v)
    for (let k = 0; k < e.length; k++) estimate[k] = Math.max(estimate[k]!, e[k]! / p.n)
  }
  return { candidates: candidates.length, picked: bestByEstimate(candidates, estimate, rescore) }
}

export async function searchArchive(archive: LoadedArchive, query: ArchiveQuery, open: OpenSource, options: ArchiveSearchOptions): Promise<ArchiveHits> {
  const { scanner } = archive
  const topK = Math.max(0, Math.min(Math.floor(options.topK), archive.count))
  const t0 = performance.now()
  const { candidates, picked } = shortlist(archive, query, options.candidates ?? candidatesFor(topK), options.rescore ?? rescoredFor(topK))
  const firstCode = encodeCentred(query.vectors[0]!, archive.dims)
  const t1 = performance.now()

  const fetched = await fetchRows(archive, picked, open, options.signal)
  const scores = new Float64Array(picked.length)
  const exact = new Uint8Array(picked.length)
  const dots = new Float64Array(query.vectors.length)
  const bits = archive.header.code.bits
  picked.forEach((chip, k) => {
    const x = fetched.vectors[k]
    if (x) {
      scores[k] = exactScore(query, x, archive.mean, dots)
      exact[k] = 1
    } else {
      // The estimate the in-view binary scan gives: the angle between the sign vectors.
      const h = hamming(firstCode, scanner.code(chip))
      scores[k] = Math.fround(Math.cos((Math.PI * h) / bits))
    }
  })
  const order = Array.from(picked.keys())
    .sort((a, b) => scores[b]! - scores[a]! || picked[a]! - picked[b]!)
    .slice(0, topK)
  const t2 = performance.now()
  return {
    chips: Uint32Array.from(order, (k) => picked[k]!),
    scores: Float32Array.from(order, (k) => scores[k]!),
    exact: Uint8Array.from(order, (k) => exact[k]!),
    problems: fetched.problems,
    stats: {
      scanMs: t1 - t0,
      rescoreMs: t2 - t1,
      scanned: archive.count * query.npos,
      candidates,
      rescored: exact.reduce((s, e) => s + e, 0),
      requests: fetched.requests,
      bytes: fetched.bytes,
      approximate: order.some((k) => exact[k] === 0),
    },
  }
}

/**
 * The float32 rows of examples named by archive chip id, read like candidates and kept in
 * `cache` (by chip) so that relabelling doesn't read them again. An unknown id or an unreadable
 * file is an error: the query can't be built without it.
 */
export async function exampleRows(
  archive: LoadedArchive,
  ids: readonly string[],
  open: OpenSource,
  cache: Map<number, Float32Array>,
  signal?: AbortSignal,
): Promise<{ rows: Float32Array[]; requests: number; bytes: number }> {
  const chips = ids.map((id) => {
    const chip = archive.find(id)
    if (chip < 0) throw new DatasetError('no-rows', '', `The chip ${id} isn't in this archive's index.`)
    return chip
  })
  const missing = [...new Set(chips.filter((c) => !cache.has(c)))]
  let requests = 0
  let bytes = 0
  if (missing.length > 0) {
    const fetched = await fetchRows(archive, missing, open, signal)
    requests = fetched.requests
    bytes = fetched.bytes
    const problem = fetched.problems[0]
    if (problem) throw new DatasetError(problem.kind === 'stale' ? 'changed' : 'network', problem.key, `The example chip's file can't be used: ${problem.reason}`)
    missing.forEach((c, k) => cache.set(c, fetched.vectors[k]!))
  }
  return { rows: chips.map((c) => cache.get(c)!), requests, bytes }
}
