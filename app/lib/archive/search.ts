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
export const candidatesFor = (topK: number, copy = false) => (copy ? Math.max(80 * topK, 8000) : Math.max(20 * topK, 2000))
/**
 * With the index's rescoring copy a rescored chip costs one small range read, so four times as
 * many are rescored: at 1.2 M chips the truth's top 100 was 0.79–0.99 inside 2,000 → 500 and
 * 0.98–1.00 inside 8,000 → 2,000 (bench:archive). Without it each costs its file's column chunk.
 */
export const rescoredFor = (topK: number, copy = false) => (copy ? Math.max(20 * topK, 2000) : Math.max(5 * topK, 500))

/** Whether rescoring reads the index's own copy of the rows (every part has one, and it can be opened). */
export const hasRowsCopy = (archive: LoadedArchive, open: OpenSource) => open.indexFile !== undefined && archive.header.parts.every((p) => p.rows)

export interface ArchiveSearchOptions {
  topK: number
  /** Override the measured defaults (tests and benchmarks). */
  candidates?: number
  rescore?: number
  /**
   * 'all' (the default): read every rescored chip's file, so the top K is a float64 scan's top K
   * wherever the rescored chips hold it. 'settled': read files best estimate first, a round at a
   * time, and stop by the rule of `settled()`: the scores given are exact, but a chip of an
   * unread file could have belonged in the top K (stats.unreadFiles says how many were left).
   */
  stop?: 'all' | 'settled'
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
    /** Files holding rescoring candidates: read, and left unread by a 'settled' stop. */
    files: number
    unreadFiles: number
  }
}

/** The query's positives with their codes: 'max' ranks by its best positive, so each finds its own candidates. */
function positivesOf(query: ArchiveQuery, dims: number) {
  return query.vectors.slice(0, query.npos).map((v, k) => ({ v, n: query.norms[k]!, code: encodeCentred(v, dims) }))
}

/**
 * The chips to rescore: the `want` nearest by Hamming distance (per positive, pooled), then the
 * `rescore` best of those by q · signs / |q| (the best positive's, for 'max'). Ascending by chip,
 * with each one's estimate.
 */
export function shortlist(archive: LoadedArchive, query: ArchiveQuery, want: number, rescore: number): { candidates: number; picked: Uint32Array; estimates: Float64Array } {
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
  const picked = bestByEstimate(candidates, estimate, rescore)
  const at = new Map<number, number>()
  candidates.forEach((c, k) => at.set(c, k))
  return { candidates: candidates.length, picked, estimates: Float64Array.from(picked, (c) => estimate[at.get(c)!]!) }
}

/** Files read in the first round of a 'settled' search, then in each further round. */
export const SETTLED_FIRST_ROUND = 12
export const SETTLED_ROUND = 6

/**
 * The stop rule of a 'settled' search, after a round: fit exact ≈ a + b · estimate (least
 * squares) over the chips read so far, take the largest amount by which any of them beat the
 * fit, and stop when the best unread estimate, so fitted and raised by that margin, is below the
 * K-th exact score: no unread chip is expected to reach the top K. A statistical rule, not a
 * bound: measured in bench/archive (docs/archive-bench.md).
 */
export function settled(estimates: ArrayLike<number>, exact: ArrayLike<number>, kth: number, bestUnread: number): boolean {
  const n = estimates.length
  if (n < 3) return false
  let se = 0
  let ss = 0
  for (let i = 0; i < n; i++) {
    se += estimates[i]!
    ss += exact[i]!
  }
  const me = se / n
  const ms = ss / n
  let cov = 0
  let vare = 0
  for (let i = 0; i < n; i++) {
    cov += (estimates[i]! - me) * (exact[i]! - ms)
    vare += (estimates[i]! - me) ** 2
  }
  const b = vare > 0 ? cov / vare : 0
  const a = ms - b * me
  let margin = 0
  for (let i = 0; i < n; i++) margin = Math.max(margin, exact[i]! - (a + b * estimates[i]!))
  return a + b * bestUnread + margin < kth
}

export async function searchArchive(archive: LoadedArchive, query: ArchiveQuery, open: OpenSource, options: ArchiveSearchOptions): Promise<ArchiveHits> {
  const { scanner } = archive
  const topK = Math.max(0, Math.min(Math.floor(options.topK), archive.count))
  const t0 = performance.now()
  const copy = hasRowsCopy(archive, open)
  const { candidates, picked, estimates } = shortlist(archive, query, options.candidates ?? candidatesFor(topK, copy), options.rescore ?? rescoredFor(topK, copy))
  const firstCode = encodeCentred(query.vectors[0]!, archive.dims)
  const t1 = performance.now()

  // The rescoring candidates per source file, files by their best candidate's estimate.
  const byFile = new Map<number, number[]>()
  picked.forEach((chip, k) => {
    const s = archive.source[chip]!
    let list = byFile.get(s)
    if (!list) byFile.set(s, (list = []))
    list.push(k)
  })
  const best = (ks: number[]) => ks.reduce((m, k) => Math.max(m, estimates[k]!), -Infinity)
  const files = [...byFile.values()].map((ks) => ({ ks, best: best(ks) })).sort((a, b) => b.best - a.best)
  const rounds: number[][][] =
    options.stop === 'settled'
      ? [files.slice(0, SETTLED_FIRST_ROUND), ...Array.from({ length: Math.ceil(Math.max(0, files.length - SETTLED_FIRST_ROUND) / SETTLED_ROUND) }, (_, r) => files.slice(SETTLED_FIRST_ROUND + r * SETTLED_ROUND, SETTLED_FIRST_ROUND + (r + 1) * SETTLED_ROUND))].map((round) => round.map((f) => f.ks))
      : [files.map((f) => f.ks)]

  const scores = new Float64Array(picked.length).fill(-Infinity)
  const exact = new Uint8Array(picked.length)
  const unread = new Uint8Array(picked.length)
  const dots = new Float64Array(query.vectors.length)
  const bits = archive.header.code.bits
  const problems: SourceProblem[] = []
  let requests = 0
  let bytes = 0
  let filesRead = 0
  const readEst: number[] = []
  const readExact: number[] = []
  for (let r = 0; r < rounds.length; r++) {
    const ks = rounds[r]!.flat()
    const fetched = await fetchRows(archive, Uint32Array.from(ks, (k) => picked[k]!), open, options.signal)
    requests += fetched.requests
    bytes += fetched.bytes
    problems.push(...fetched.problems)
    filesRead += rounds[r]!.length
    ks.forEach((k, i) => {
      const x = fetched.vectors[i]
      if (x) {
        scores[k] = exactScore(query, x, archive.mean, dots)
        exact[k] = 1
        readEst.push(estimates[k]!)
        readExact.push(scores[k]!)
      } else {
        // The estimate the in-view binary scan gives: the angle between the sign vectors.
        const h = hamming(firstCode, scanner.code(picked[k]!))
        scores[k] = Math.fround(Math.cos((Math.PI * h) / bits))
      }
    })
    if (r + 1 < rounds.length && readExact.length >= topK && topK > 0) {
      const kth = [...readExact].sort((a, b) => b - a)[topK - 1]!
      const next = files[filesRead]!.best
      if (settled(readEst, readExact, kth, next)) {
        for (const f of rounds.slice(r + 1).flat()) for (const k of f) unread[k] = 1
        break
      }
    }
  }
  const order = Array.from(picked.keys())
    .filter((k) => !unread[k])
    .sort((a, b) => scores[b]! - scores[a]! || picked[a]! - picked[b]!)
    .slice(0, topK)
  problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const t2 = performance.now()
  return {
    chips: Uint32Array.from(order, (k) => picked[k]!),
    scores: Float32Array.from(order, (k) => scores[k]!),
    exact: Uint8Array.from(order, (k) => exact[k]!),
    problems,
    stats: {
      scanMs: t1 - t0,
      rescoreMs: t2 - t1,
      scanned: archive.count * query.npos,
      candidates,
      rescored: exact.reduce((s, e) => s + e, 0),
      requests,
      bytes,
      approximate: order.some((k) => exact[k] === 0),
      files: files.length,
      unreadFiles: files.length - filesRead,
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
