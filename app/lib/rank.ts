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

export interface RankQuery {
  /** Global rows (across all segments). */
  positives: readonly number[]
  negatives: readonly number[]
  mode: ScoreMode
}

export interface Ranking {
  scores: Float32Array
  order: Uint32Array
}

/**
 * Everything ranking needs besides the query, for a dataset that grows one file (segment) at a
 * time. Rows are numbered globally in the order segments were added. The mean and the centred
 * norms depend on every row, so they are recomputed lazily, on the first centred ranking after
 * a segment arrives, not on every arrival.
 */
export class RankIndex {
  readonly segments: Matrix[] = []
  private readonly offsets: number[] = []
  private readonly sum: Float64Array
  private total = 0
  private readonly rawNorms: Float64Array[] = []
  private centred: { mean: Float64Array; norms: Float64Array[] } | null = null

  constructor(readonly dims: number) {
    this.sum = new Float64Array(dims)
  }

  get count(): number {
    return this.total
  }

  add(matrix: Matrix): void {
    if (matrix.dims !== this.dims) throw new Error(`segment has ${matrix.dims} dims; the index has ${this.dims}`)
    const { data, count, dims } = matrix
    for (let i = 0; i < count; i++) {
      const base = i * dims
      for (let j = 0; j < dims; j++) this.sum[j]! += data[base + j]!
    }
    this.segments.push(matrix)
    this.offsets.push(this.total)
    this.total += count
    this.rawNorms.push(rowNorms(matrix, null))
    this.centred = null
  }

  get mean(): Float64Array {
    return this.centredState().mean
  }

  private centredState(): { mean: Float64Array; norms: Float64Array[] } {
    if (!this.centred) {
      const mean = this.sum.map((v) => (this.total > 0 ? v / this.total : 0))
      this.centred = { mean, norms: this.segments.map((m) => rowNorms(m, mean)) }
    }
    return this.centred
  }

  /** Mean of the given global rows, after subtracting `center` when there is one. */
  private meanOfRows(rows: readonly number[], center: Float64Array | null): Float64Array {
    const out = new Float64Array(this.dims)
    for (const row of rows) {
      const k = this.segmentOf(row)
      const data = this.segments[k]!.data
      const base = (row - this.offsets[k]!) * this.dims
      for (let j = 0; j < this.dims; j++) out[j]! += data[base + j]! - (center ? center[j]! : 0)
    }
    for (let j = 0; j < this.dims; j++) out[j]! /= rows.length
    return out
  }

  private segmentOf(row: number): number {
    let lo = 0
    let hi = this.offsets.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.offsets[mid]! <= row) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /**
   * Scores and order for a query; null when there is nothing to rank by (no positives). The query
   * is q = mean(positives' x̃), or with negatives 2·mean(positives' x̃) − mean(negatives' x̃),
   * where x̃ = x − μ (centred) or x (raw).
   */
  rank(query: RankQuery): Ranking | null {
    const valid = (r: number) => Number.isInteger(r) && r >= 0 && r < this.total
    const positives = query.positives.filter(valid)
    const negatives = query.negatives.filter(valid)
    if (positives.length === 0) return null
    const centredState = query.mode === 'centred' ? this.centredState() : null
    const center = centredState?.mean ?? null
    const q = this.meanOfRows(positives, center)
    if (negatives.length > 0) {
      const neg = this.meanOfRows(negatives, center)
      for (let j = 0; j < q.length; j++) q[j] = 2 * q[j]! - neg[j]!
    }
    const scores = new Float32Array(this.total)
    this.segments.forEach((matrix, k) => {
      const norms = centredState ? centredState.norms[k]! : this.rawNorms[k]!
      cosineScores(matrix, q, center, norms, scores.subarray(this.offsets[k]!, this.offsets[k]! + matrix.count))
    })
    return { scores, order: rankOrder(scores) }
  }
}

/** An index over one matrix (tests, single files). */
export function buildRankIndex(matrix: Matrix): RankIndex {
  const index = new RankIndex(matrix.dims)
  index.add(matrix)
  return index
}

