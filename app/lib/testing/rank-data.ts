// Data and float64 references for the ranking tests and benchmarks (app/lib/testing/: imported
// only by *.test.ts, bench/ and scripts/, never by the app).
// The references are written the plain way (centre explicitly, sum dimension after dimension),
// independently of the index.

import { mulberry32 } from '../../../scripts/lib/prng.mjs'
import { sigmoid } from '../classifier.ts'

export interface Dense {
  data: Float32Array
  count: number
  dims: number
}

/** A seeded normal generator (Box–Muller on mulberry32). */
export function gaussian(seed: number): () => number {
  const rand = mulberry32(seed)
  let spare: number | null = null
  return () => {
    if (spare !== null) {
      const s = spare
      spare = null
      return s
    }
    let u = 0
    while (u === 0) u = rand()
    const v = rand()
    const r = Math.sqrt(-2 * Math.log(u))
    spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
}

/**
 * Rows around a shared offset (raw cosines near 1, like Clay v0) with planted clusters: member
 * rows share a direction as long as their noise, so members' centred cosines are about 0.5 and
 * everything else about 0. Members sit at random rows.
 */
export function plantedClusters(
  count: number,
  dims: number,
  { clusters = 4, size = 50, seed = 1, offset = 3 }: { clusters?: number; size?: number; seed?: number; offset?: number } = {},
): Dense & { members: number[][] } {
  const g = gaussian(seed)
  const rand = mulberry32(seed ^ 0x9e3779b9)
  const shared = Float64Array.from({ length: dims }, () => offset * g())
  const dirs = Array.from({ length: clusters }, () => Float64Array.from({ length: dims }, () => g()))
  const data = new Float32Array(count * dims)
  const of = new Int32Array(count).fill(-1)
  const members: number[][] = dirs.map(() => [])
  for (let c = 0; c < clusters; c++) {
    while (members[c]!.length < size) {
      const row = Math.floor(rand() * count)
      if (of[row] !== -1) continue
      of[row] = c
      members[c]!.push(row)
    }
    members[c]!.sort((a, b) => a - b)
  }
  for (let i = 0; i < count; i++) {
    const dir = of[i]! >= 0 ? dirs[of[i]!]! : null
    for (let j = 0; j < dims; j++) data[i * dims + j] = shared[j]! + g() + (dir ? dir[j]! : 0)
  }
  return { data, count, dims, members }
}

export function meanOf({ data, count, dims }: Dense): Float64Array {
  const sum = new Float64Array(dims)
  for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) sum[j]! += data[i * dims + j]!
  return sum.map((v) => v / count)
}

function centredRow({ data, dims }: Dense, row: number, mu: Float64Array | null): Float64Array {
  return Float64Array.from({ length: dims }, (_, j) => (mu ? data[row * dims + j]! - mu[j]! : data[row * dims + j]!))
}

function norm(v: Float64Array): number {
  let s = 0
  for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!
  return Math.sqrt(s)
}

function dotNorm(x: Float64Array, q: Float64Array): [number, number] {
  let dot = 0
  let nn = 0
  for (let j = 0; j < x.length; j++) {
    dot += x[j]! * q[j]!
    nn += x[j]! * x[j]!
  }
  return [dot, nn]
}

export type Reference =
  | { method: 'mean'; positives: number[]; negatives: number[] }
  | { method: 'max'; positives: number[]; negatives: number[] }
  | { method: 'linear'; w: Float64Array; b: number }

/** Every row's float64 score. */
export function referenceScores(m: Dense, centred: boolean, ref: Reference): Float64Array {
  const mu = centred ? meanOf(m) : null
  const out = new Float64Array(m.count)
  if (ref.method === 'mean') {
    const avg = (rows: number[]) => {
      const s = new Float64Array(m.dims)
      for (const r of rows) centredRow(m, r, mu).forEach((v, j) => (s[j]! += v))
      return s.map((v) => v / rows.length)
    }
    let q = avg(ref.positives)
    if (ref.negatives.length) {
      const n = avg(ref.negatives)
      q = q.map((v, j) => 2 * v - n[j]!)
    }
    const qn = norm(q)
    for (let i = 0; i < m.count; i++) {
      const [dot, nn] = dotNorm(centredRow(m, i, mu), q)
      out[i] = nn === 0 || qn === 0 ? 0 : dot / (Math.sqrt(nn) * qn)
    }
  } else if (ref.method === 'max') {
    const qs = [...ref.positives, ...ref.negatives].map((r) => centredRow(m, r, mu))
    const qn = qs.map(norm)
    for (let i = 0; i < m.count; i++) {
      const x = centredRow(m, i, mu)
      const cos = qs.map((q, k) => {
        const [dot, nn] = dotNorm(x, q)
        return nn === 0 || qn[k] === 0 ? 0 : dot / (Math.sqrt(nn) * qn[k]!)
      })
      const mp = Math.max(...cos.slice(0, ref.positives.length))
      out[i] = ref.negatives.length ? (2 * mp - Math.max(...cos.slice(ref.positives.length))) / 3 : mp
    }
  } else {
    for (let i = 0; i < m.count; i++) {
      const [dot, nn] = dotNorm(centredRow(m, i, mu), ref.w)
      out[i] = sigmoid((nn === 0 ? 0 : dot / Math.sqrt(nn)) + ref.b)
    }
  }
  return out
}

/** The reference top K: float32 scores descending, ties by lower row. */
export function referenceTop(scores: Float64Array, k: number): { rows: number[]; scores: number[] } {
  const s32 = Float32Array.from(scores)
  const rows = Array.from(s32.keys()).sort((a, b) => s32[b]! - s32[a]! || a - b).slice(0, k)
  return { rows, scores: rows.map((r) => s32[r]!) }
}

export function recall(got: ArrayLike<number>, want: ArrayLike<number>): number {
  const set = new Set(Array.from(want))
  let hit = 0
  for (let i = 0; i < got.length; i++) if (set.has(got[i]!)) hit++
  return want.length === 0 ? 1 : hit / want.length
}

/** Row indices by score, highest first; equal scores keep row order, so a query always ranks the same. */
export function rankOrder(scores: Float32Array): Uint32Array {
  const order = new Uint32Array(scores.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  order.sort((a, b) => scores[b]! - scores[a]! || a - b)
  return order
}
