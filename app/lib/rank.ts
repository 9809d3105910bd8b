// Exact cosine ranking over an N×D float32 matrix.
//
// Scores are cosine(q, x̃ᵢ) where x̃ = x − μ ("centred", the default) or x̃ = x ("raw").
// The matrix is never copied or centred in place: with a fixed μ,
//   q·(xᵢ − μ) = q·xᵢ − q·μ   and   |xᵢ − μ| is precomputed once per dataset,
// so one pass of dot products over the raw matrix serves both modes. Dots accumulate in
// float64 (JS numbers), so the float32 scores agree with a float64 reference to ~1e-7.

export type ScoreMode = 'centred' | 'raw'

export interface Matrix {
  /** count × dims, row-major. */
  data: Float32Array
  count: number
  dims: number
}

/** Mean vector of all rows, in float64. */
export function meanVector({ data, count, dims }: Matrix): Float64Array {
  const mean = new Float64Array(dims)
  for (let i = 0; i < count; i++) {
    const base = i * dims
    for (let j = 0; j < dims; j++) mean[j]! += data[base + j]!
  }
  if (count > 0) for (let j = 0; j < dims; j++) mean[j]! /= count
  return mean
}

/**
 * Euclidean norm of every row, optionally after subtracting `center`. Computed directly
 * (not as |x|² − 2x·μ + |μ|²) because Clay v0 rows sit close to their mean and the expanded
 * form would cancel away most of the precision.
 */
export function rowNorms({ data, count, dims }: Matrix, center: Float64Array | null): Float64Array {
  const norms = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const base = i * dims
    let s = 0
    if (center) {
      for (let j = 0; j < dims; j++) {
        const v = data[base + j]! - center[j]!
        s += v * v
      }
    } else {
      for (let j = 0; j < dims; j++) {
        const v = data[base + j]!
        s += v * v
      }
    }
    norms[i] = Math.sqrt(s)
  }
  return norms
}

/** Mean of the given rows, after subtracting `center` when there is one. */
function meanOfRows({ data, dims }: Matrix, rows: readonly number[], center: Float64Array | null): Float64Array {
  const out = new Float64Array(dims)
  for (const r of rows) {
    const base = r * dims
    for (let j = 0; j < dims; j++) out[j]! += data[base + j]! - (center ? center[j]! : 0)
  }
  for (let j = 0; j < dims; j++) out[j]! /= rows.length
  return out
}

/**
 * The query vector: q = mean(positives' x̃), or with negatives
 * q = 2·mean(positives' x̃) − mean(negatives' x̃). Null without positives.
 */
export function queryVector(
  matrix: Matrix,
  positives: readonly number[],
  negatives: readonly number[],
  center: Float64Array | null,
): Float64Array | null {
  if (positives.length === 0) return null
  const pos = meanOfRows(matrix, positives, center)
  if (negatives.length === 0) return pos
  const neg = meanOfRows(matrix, negatives, center)
  for (let j = 0; j < pos.length; j++) pos[j] = 2 * pos[j]! - neg[j]!
  return pos
}

/**
 * cosine(q, xᵢ − center) for every row, into `out`. Rows or queries of zero length score 0:
 * they point nowhere, so they are neither like nor unlike anything.
 */
export function cosineScores(
  { data, count, dims }: Matrix,
  q: Float64Array,
  center: Float64Array | null,
  norms: Float64Array,
  out: Float32Array = new Float32Array(count),
): Float32Array {
  let qq = 0
  let qc = 0
  for (let j = 0; j < dims; j++) {
    qq += q[j]! * q[j]!
    if (center) qc += q[j]! * center[j]!
  }
  const qNorm = Math.sqrt(qq)
  if (qNorm === 0) return out.fill(0)
  for (let i = 0; i < count; i++) {
    const base = i * dims
    let dot = 0
    for (let j = 0; j < dims; j++) dot += q[j]! * data[base + j]!
    const n = norms[i]!
    out[i] = n === 0 ? 0 : (dot - qc) / (qNorm * n)
  }
  return out
}

/** Row indices by score, highest first; equal scores keep row order, so a query always ranks the same. */
export function rankOrder(scores: Float32Array): Uint32Array {
  const order = new Uint32Array(scores.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  order.sort((a, b) => scores[b]! - scores[a]! || a - b)
  return order
}

/** Everything the ranking of one dataset needs besides the query, computed once per dataset. */
export interface RankIndex {
  matrix: Matrix
  mean: Float64Array
  rawNorms: Float64Array
  centredNorms: Float64Array
}

export function buildRankIndex(matrix: Matrix): RankIndex {
  const mean = meanVector(matrix)
  return { matrix, mean, rawNorms: rowNorms(matrix, null), centredNorms: rowNorms(matrix, mean) }
}

export interface RankQuery {
  positives: readonly number[]
  negatives: readonly number[]
  mode: ScoreMode
}

export interface Ranking {
  scores: Float32Array
  order: Uint32Array
}

/** Scores and order for a query; null when there is nothing to rank by (no positives). */
export function rank(index: RankIndex, query: RankQuery): Ranking | null {
  const center = query.mode === 'centred' ? index.mean : null
  const q = queryVector(index.matrix, query.positives, query.negatives, center)
  if (!q) return null
  const norms = query.mode === 'centred' ? index.centredNorms : index.rawNorms
  const scores = cosineScores(index.matrix, q, center, norms)
  return { scores, order: rankOrder(scores) }
}
