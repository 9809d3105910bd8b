// Ranking at scale, in one run, for N ∈ {100k, 1M} × D ∈ {768, 1024}. The rows are random
// normal (a shared offset, as in Clay v0, plus unit noise; one row in 16 belongs to a planted
// cluster of about 250), generated with a seeded PRNG straight into the index's WebAssembly
// memory (1M × 1024 float32 is 4.1 GB: no second copy). For each size, side by side:
//
// - floor: one sequential read of the same float32 bytes in WASM SIMD (v128.load + i32x4.add),
//   what any exact scan must at least cost;
// - exact: the float32 SIMD scan, bounded heap and float64 rescore (app/lib/rank/), top 100;
// - old JS: the previous plain-JavaScript ranking (float64 dots, then a full sort), same rows;
// - int8 and binary: the compact scans with their rescoring, recall@100 against exact, for a
//   query from a planted cluster (the realistic case) and for a lone background row (isotropic
//   noise: the hard case for sign bits, reported for honesty);
// - max and classifier: the other methods, exact;
// - at 100k × 768 also the worker round trip (in-process client: message, transfers, handler).
//
// Every time is the median of several runs after a warm-up; ratios (exact against the floor, the
// compact scans against exact) are medians of runs taken in alternation, which a machine shared
// with other work disturbs much less than separate medians.
// GB/s = bytes the scan reads (float32 rows, int8 codes or sign bits) / seconds.
import { afterAll, describe, it } from 'vitest'
import { SearchIndex, type RankRequest } from '../app/lib/rank/index.ts'
import { gaussian, recall } from '../app/lib/testing/rank-data.ts'
import { createInProcessSearchClient } from '../workers/search/client.ts'
import type { RankParams } from '../workers/search/protocol.ts'
import { medianMs, mergeResults, pairedMs, record } from './harness.ts'

const SIZES = [
  [100_000, 768],
  [100_000, 1024],
  [1_000_000, 768],
  [1_000_000, 1024],
] as const

/** Rows per appended segment ("file"). */
const SEGMENT = 100_000
const MEMBER_EVERY = 16
const CLUSTER_SIZE = 250

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

interface Synthetic {
  index: SearchIndex
  /** Rows of cluster 0, and a background row. */
  cluster: number[]
  loner: number
}

/**
 * Fills an index with count × dims rows: x = offset + noise (+ the cluster's direction for
 * members). Noise comes from a table of 65536 seeded normal values picked by xorshift32, so 1e9
 * values take seconds, not minutes.
 */
function synthetic(count: number, dims: number, seed = 7): Synthetic {
  const g = gaussian(seed)
  const table = Float32Array.from({ length: 65536 }, g)
  const offset = Float32Array.from({ length: dims }, () => 2 * g())
  const clusters = Math.max(1, Math.round(count / MEMBER_EVERY / CLUSTER_SIZE))
  const dirs = Float32Array.from({ length: clusters * dims }, g)
  let s = seed * 2654435761 || 1
  const next = () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return s >>> 0
  }
  /** Cluster of a row, or −1 (a hash of the row, so it is known without storing anything). */
  const clusterOf = (row: number) => {
    const h = Math.imul(row ^ 0x5bd1e995, 0x27d4eb2d) >>> 0
    return (h >>> 4) % MEMBER_EVERY === 0 ? (h >>> 12) % clusters : -1
  }
  const index = new SearchIndex(dims)
  for (let from = 0; from < count; from += SEGMENT) {
    const n = Math.min(SEGMENT, count - from)
    index.appendSegment(n, (rows, stride, first) => {
      const m = rows.length / stride
      for (let i = 0; i < m; i++) {
        const c = clusterOf(from + first + i)
        const base = i * stride
        if (c < 0) for (let j = 0; j < dims; j++) rows[base + j] = offset[j]! + table[next() & 65535]!
        else for (let j = 0; j < dims; j++) rows[base + j] = offset[j]! + dirs[c * dims + j]! + table[next() & 65535]!
      }
    })
  }
  const cluster: number[] = []
  let loner = -1
  for (let row = 0; row < count && (cluster.length < CLUSTER_SIZE || loner < 0); row++) {
    const c = clusterOf(row)
    if (c === 0) cluster.push(row)
    else if (c < 0 && loner < 0) loner = row
  }
  return { index, cluster, loner }
}

/** The previous ranking, in plain JS: float64 dots over the centred query, then a full sort. */
function legacyRanker(index: SearchIndex) {
  const { store, dims } = index
  const segs = store.segments.map((s, k) => {
    const { data, base } = store.rowsOf(k)
    return { data: data.subarray(base, base + s.count * store.stride), count: s.count, offset: s.offset }
  })
  const mean = new Float64Array(dims)
  for (const { data, count } of segs) for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) mean[j]! += data[i * dims + j]!
  const total = store.count
  for (let j = 0; j < dims; j++) mean[j]! /= total
  const norms = segs.map(({ data, count }) => {
    const out = new Float64Array(count)
    for (let i = 0; i < count; i++) {
      let s = 0
      for (let j = 0; j < dims; j++) {
        const v = data[i * dims + j]! - mean[j]!
        s += v * v
      }
      out[i] = Math.sqrt(s)
    }
    return out
  })
  return (positives: number[]) => {
    const q = new Float64Array(dims)
    for (const p of positives) {
      const seg = segs.find((s) => p >= s.offset && p < s.offset + s.count)!
      for (let j = 0; j < dims; j++) q[j]! += (seg.data[(p - seg.offset) * dims + j]! - mean[j]!) / positives.length
    }
    let qq = 0
    let qc = 0
    for (let j = 0; j < dims; j++) {
      qq += q[j]! * q[j]!
      qc += q[j]! * mean[j]!
    }
    const qn = Math.sqrt(qq)
    const scores = new Float32Array(total)
    segs.forEach(({ data, count, offset }, k) => {
      for (let i = 0; i < count; i++) {
        let dot = 0
        for (let j = 0; j < dims; j++) dot += q[j]! * data[i * dims + j]!
        const n = norms[k]![i]!
        scores[offset + i] = n === 0 ? 0 : (dot - qc) / (qn * n)
      }
    })
    const order = new Uint32Array(total)
    for (let i = 0; i < total; i++) order[i] = i
    order.sort((a, b) => scores[b]! - scores[a]! || a - b)
    return order
  }
}

afterAll(() => mergeResults({ retire: (name) => /^rank 100k × (768|1024): (chipfinder \(JS, with sort\)|centre-then-cosine JS|JS sequential-read floor|chipfinder vs floor)$/.test(name) }))

describe('rank', () => {
  for (const [count, dims] of SIZES) {
    const label = `${count >= 1e6 ? `${count / 1e6}M` : `${count / 1e3}k`} × ${dims}`
    const big = count >= 1e6
    it(label, async () => {
      gc()
      const t0 = performance.now()
      const { index, cluster, loner } = synthetic(count, dims)
      const buildMs = performance.now() - t0
      const base: RankRequest = { positives: [cluster[0]!, cluster[1]!], negatives: [], mode: 'centred', method: 'mean', precision: 'exact', topK: 100, suggest: 0 }
      const rank = (r: Partial<RankRequest>) => index.rank({ ...base, ...r })!
      rank({}) // the mean and the centred norms: once per dataset
      const runs = big ? 5 : 9
      const f32Bytes = count * dims * 4
      const gbs = (bytes: number, ms: number) => `${(bytes / 1e9 / (ms / 1000)).toFixed(1)} GB/s`

      // Exact against the floor, in alternation (see harness.pairedMs).
      const vsFloor = await pairedMs(() => rank({}), () => index.store.readFloor(), runs, 2)
      const [floor, exact] = [vsFloor.b, vsFloor.a]
      const exactOut = rank({})
      record({ name: `rank ${label}: floor (WASM SIMD sequential read)`, value: floor, unit: 'ms', note: gbs(f32Bytes, floor) })
      record({
        name: `rank ${label}: exact (WASM SIMD, top 100)`,
        value: exact,
        unit: 'ms',
        peer: 'floor',
        ratio: vsFloor.ratio,
        note:
          `${gbs(f32Bytes, exact)}; ${vsFloor.ratio.toFixed(2)} × floor (median of paired runs); ` +
          `${exactOut.stats.candidates} rows rescored in float64; data generated in ${(buildMs / 1000).toFixed(1)} s`,
      })

      const legacy = legacyRanker(index)
      const oldMs = await medianMs(() => legacy(base.positives as number[]), big ? 2 : 3, 1)
      record({ name: `rank ${label}: old plain JS (float64, full sort)`, value: oldMs, unit: 'ms', note: `exact is ${(oldMs / exact).toFixed(1)}× faster` })

      const truthCluster = exactOut.top
      const truthLoner = rank({ positives: [loner] }).top
      for (const precision of ['int8', 'binary'] as const) {
        const tb = performance.now()
        rank({ precision })
        const build = performance.now() - tb
        const vsExact = await pairedMs(() => rank({}), () => rank({ precision }), runs, 2)
        const ms = vsExact.b
        const out = rank({ precision })
        const lonely = rank({ precision, positives: [loner] })
        const bytes = precision === 'int8' ? count * dims : (count * dims) / 8
        record({
          name: `rank ${label}: ${precision} (+ rescoring)`,
          value: ms,
          unit: 'ms',
          peer: 'exact',
          ratio: vsExact.ratio,
          note:
            `${vsExact.ratio.toFixed(2)}× faster than exact (median of paired runs); scan ${gbs(bytes, out.stats.timing.scan)}; recall@100 ${recall(out.top, truthCluster).toFixed(3)} ` +
            `(cluster query), ${recall(lonely.top, truthLoner).toFixed(3)} (lone background row); ${out.stats.rescored} rows rescored in float32; ` +
            `codes built in ${build.toFixed(0)} ms`,
        })
        record({ name: `rank ${label}: ${precision} recall@100 (cluster query)`, value: recall(out.top, truthCluster), unit: 'recall' })
      }

      const maxMs = await medianMs(() => rank({ method: 'max', negatives: [loner] }), 3, 1)
      record({ name: `rank ${label}: max (2 positives, 1 negative)`, value: maxMs, unit: 'ms', note: `${(maxMs / floor).toFixed(2)} × floor` })
      const clf = await medianMs(() => rank({ method: 'classifier', suggest: 12 }), 3, 1)
      const out = rank({ method: 'classifier', suggest: 12 })
      record({
        name: `rank ${label}: classifier (2 positives, 50 background, 12 suggestions)`,
        value: clf,
        unit: 'ms',
        note: `${(clf / floor).toFixed(2)} × floor; trained in ${out.model!.iterations} Newton steps`,
      })
    })
  }

  it('100k × 768: the search worker round trip (in-process client: message, transfers, handler)', async () => {
    gc()
    const count = 100_000
    const dims = 768
    const g = gaussian(3)
    const table = Float32Array.from({ length: 65536 }, g)
    const data = new Float32Array(count * dims)
    let s = 12345
    for (let i = 0; i < data.length; i++) {
      s ^= s << 13
      s ^= s >>> 17
      s ^= s << 5
      data[i] = table[s & 65535]! + 1
    }
    const search = createInProcessSearchClient()
    await search.call('reset', { epoch: 1 })
    await search.call('addSegment', { epoch: 1, embeddings: data, count, dims })
    const params: RankParams = { epoch: 1, positives: [5, 9], negatives: [], mode: 'centred', method: 'mean', precision: 'exact', topK: 1000, suggest: 0 }
    let inWorker = 0
    const ms = await medianMs(async () => {
      const r = await search.call('rank', params)
      inWorker = r!.stats.ms
    }, 9, 2)
    record({ name: 'rank 100k × 768: worker round trip (top 1000, scores transferred)', value: ms, unit: 'ms', note: `${inWorker.toFixed(1)} ms of it in the handler (last run)` })
    search.terminate()
  })
})
