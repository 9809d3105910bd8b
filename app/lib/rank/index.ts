// The search index: every loaded row (in a RowStore: WebAssembly SIMD or plain JS), the mean and
// the norms that scoring needs, and ranking by the three methods at the four precisions.
//
// Scores (x̃ = x − μ centred, x raw; μ the mean of every loaded row):
// - mean:       cos(q, x̃),  q = mean(x̃ of positives), or 2·mean(pos) − mean(neg) with negatives;
// - max:        max_p cos(x̃, p̃), or (2·max_p cos(x̃, p̃) − max_n cos(x̃, ñ)) / 3 with negatives;
// - classifier: σ(w · x̂ + b), x̂ = x̃ / |x̃|, a logistic regression (../classifier.ts).
//
// One pass of a SIMD kernel gives every row an approximate score with a proven error bound; the
// rows whose bound reaches the K-th best are rescored in float64 (exact.ts), so the top K are
// exactly a float64 reference's top K (scores rounded to float32, ties by lower row). The compact
// precisions scan int8 codes or sign bits first and rescore their best candidates with the
// float32 kernel, then the same way. docs/internals.md ("Ranking") has the whole story.

import { backgroundCount, backgroundRows, backgroundSeed, sigmoid, trainLogistic, type LogisticModel } from '../classifier.ts'
import type { ExampleLabel, KernelKind, Precision, RankMethod, ScanPrecision, ScoreMode } from '../vocabulary.ts'
import { cosineExact, linearExact, maxExact } from './exact.ts'
import { bestRows, candidatesAbove, candidatesNearZero, type Bounds } from './select.ts'
import { createRowStore, JsRowStore, U32, type RowStore, type StoreOptions } from './store.ts'

/** A query given as a vector (a drawn area's), raw, in the dataset's space. */
export interface QueryVector {
  vector: Float32Array
  label: ExampleLabel
}

export interface RankRequest {
  /** Global rows. */
  positives: readonly number[]
  negatives: readonly number[]
  /**
   * Examples given as vectors rather than rows (raw: centred here with the same μ in centred
   * mode). Each counts as one more labelled row would: in the mean, as one more example for
   * 'max', as one more training point for the classifier. Positive vectors come after the
   * positive rows, negative vectors after the negative rows, so a vector equal to row r ranks
   * exactly like row r would.
   */
  queries?: readonly QueryVector[]
  mode: ScoreMode
  method: RankMethod
  precision: Precision
  /** How many of the best rows to return, in order. */
  topK: number
  /** How many least-certain rows to suggest (classifier only). */
  suggest: number
}

export interface RankOutcome {
  method: RankMethod
  /** Every row's score; exact for `top` and every candidate rescored near it. */
  scores: Float32Array
  top: Uint32Array
  suggestions: Uint32Array
  range: [number, number]
  stats: {
    kernel: KernelKind
    precision: ScanPrecision
    /** Rows rescored with the float32 kernel after a compact scan (0 for an exact scan). */
    rescored: number
    /** Rows rescored in float64 to make the top K (and the suggestions) exact. */
    candidates: number
    /** Where the time went, ms: the kernels' scans (with a compact scan's float32 rescoring),
     * finding the candidates, and rescoring them in float64 (with the suggestions). */
    timing: { scan: number; select: number; exact: number }
  }
  /** The classifier's model (method 'classifier'). */
  model: LogisticModel | null
}

export interface IndexOptions extends StoreOptions {
  /** Binary scans rescore max(binaryOversample · topK, binaryMinimum) candidates (10, 1000). */
  binaryOversample?: number
  binaryMinimum?: number
  /** int8 scans rescore at most max(int8Cap · topK, int8Minimum) candidates (50, 20000). */
  int8Cap?: number
  int8Minimum?: number
  /** The classifier's L2 penalty. */
  lambda?: number
}

/** Float32 scores can tie after rounding when they differ by less than an ulp (≤ 2⁻²³ in [−1, 1]). */
const TIE_MARGIN = 2 ** -22

interface Centred {
  mean: Float64Array
  /** (|x| + |μ|) / |x − μ| per row: the error bound's factor. */
  r: Float32Array
  version: number
}

/** A query of one direction: the mean method, or the classifier's w. */
interface Direction {
  /** Float64, dims values, any length. */
  q: Float64Array
  /** |q|. */
  norm: number
}

export class SearchIndex {
  readonly store: RowStore
  private readonly sum: Float64Array
  private readonly rawNorms: Float64Array[] = []
  private centred: Centred | null = null
  private version = 0

  constructor(
    readonly dims: number,
    private readonly options: IndexOptions = {},
  ) {
    this.store = createRowStore(dims, options)
    this.sum = new Float64Array(dims)
  }

  get count(): number {
    return this.store.count
  }

  get kernel(): KernelKind {
    return this.store.kernel
  }

  /** Adds one file's rows (count × dims): copied into WebAssembly memory, or kept as they are. */
  addSegment(data: Float32Array, count: number): void {
    if (data.length !== count * this.dims) throw new Error(`segment of ${count} × ${this.dims} has ${data.length} values`)
    if (count === 0) return
    if (this.store instanceof JsRowStore) return this.added([this.store.adopt(data, count)])
    const d = this.dims
    this.appendSegment(count, (rows, stride, first) => {
      if (stride === d) rows.set(data.subarray(first * d, first * d + rows.length))
      else for (let i = 0; i < rows.length / stride; i++) rows.set(data.subarray((first + i) * d, (first + i + 1) * d), i * stride)
    })
  }

  /** Adds `count` rows written in place by `fill` (row i at rows[i · stride …]; see RowStore.append). */
  appendSegment(count: number, fill: (rows: Float32Array, stride: number, first: number) => void): void {
    if (count === 0) return
    this.added(this.store.append(count, fill))
  }

  private added(segs: number[]): void {
    for (const seg of segs) {
      this.store.colSums(seg, this.sum)
      const n2 = this.store.norms2(seg, null)
      const norms = n2.map(Math.sqrt)
      this.rawNorms[seg] = norms
      this.store.setInv(
        seg,
        'raw',
        Float32Array.from(norms, (n) => (n === 0 ? 0 : 1 / n)),
      )
    }
    this.centred = null
  }

  /** μ: the mean of every loaded row. */
  get mean(): Float64Array {
    return this.centredState().mean
  }

  /** The mean and the centred norms, recomputed (one pass over the rows) after rows arrive. */
  private centredState(): Centred {
    if (this.centred) return this.centred
    const total = this.count
    const mean = this.sum.map((v) => (total > 0 ? v / total : 0))
    let mm = 0
    for (let j = 0; j < this.dims; j++) mm += mean[j]! * mean[j]!
    const meanNorm = Math.sqrt(mm)
    const r = new Float32Array(total)
    this.store.segments.forEach((seg, k) => {
      const n2 = this.store.norms2(k, mean)
      const inv = new Float32Array(seg.count)
      const raw = this.rawNorms[k]!
      for (let i = 0; i < seg.count; i++) {
        const len = Math.sqrt(n2[i]!)
        inv[i] = len === 0 ? 0 : 1 / len
        r[seg.offset + i] = len === 0 ? 0 : (raw[i]! + meanNorm) / len
      }
      this.store.setInv(k, 'centred', inv)
    })
    this.centred = { mean, r, version: ++this.version }
    return this.centred
  }

  /** Row `row` as x̃ (float64). */
  private vector(row: number, center: Float64Array | null, out = new Float64Array(this.dims)): Float64Array {
    const { data, base } = this.locate(row)
    for (let j = 0; j < this.dims; j++) out[j] = center ? data[base + j]! - center[j]! : data[base + j]!
    return out
  }

  private segmentOf(row: number): number {
    const segs = this.store.segments
    let lo = 0
    let hi = segs.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (segs[mid]!.offset <= row) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  private locate(row: number): { data: Float32Array; base: number } {
    const k = this.segmentOf(row)
    const { data, base } = this.store.rowsOf(k)
    return { data, base: base + (row - this.store.segments[k]!.offset) * this.store.stride }
  }

  /** A query vector as x̃ (float64). */
  private queryVector(q: Float32Array, center: Float64Array | null): Float64Array {
    const out = new Float64Array(this.dims)
    for (let j = 0; j < this.dims; j++) out[j] = center ? q[j]! - center[j]! : q[j]!
    return out
  }

  /** Mean of the given rows' and vectors' x̃. */
  private meanOf(rows: readonly number[], center: Float64Array | null, vectors: readonly Float32Array[] = []): Float64Array {
    const out = new Float64Array(this.dims)
    const v = new Float64Array(this.dims)
    for (const row of rows) {
      this.vector(row, center, v)
      for (let j = 0; j < this.dims; j++) out[j]! += v[j]!
    }
    for (const q of vectors) {
      const x = this.queryVector(q, center)
      for (let j = 0; j < this.dims; j++) out[j]! += x[j]!
    }
    const count = rows.length + vectors.length
    for (let j = 0; j < this.dims; j++) out[j]! /= count
    return out
  }

  /**
   * The weighted mean of raw rows, Σ wᵢ xᵢ / Σ wᵢ (float64 sums, rounded to float32 at the end):
   * a drawn area's vector from the chips under it. Null when no row is valid or the weights sum
   * to nothing.
   */
  meanOfRows(rows: ArrayLike<number>, weights: ArrayLike<number>): Float32Array | null {
    const n = this.count
    const sum = new Float64Array(this.dims)
    let total = 0
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!
      const w = weights[k] ?? 0
      if (!Number.isInteger(row) || row < 0 || row >= n || !(w > 0) || !Number.isFinite(w)) continue
      const { data, base } = this.locate(row)
      for (let j = 0; j < this.dims; j++) sum[j]! += w * data[base + j]!
      total += w
    }
    if (total === 0) return null
    return Float32Array.from(sum, (v) => v / total)
  }

  /** The query vectors, checked: each must have the dataset's length and finite values. */
  private checkQueries(queries: readonly QueryVector[]): void {
    for (const { vector } of queries) {
      if (!(vector instanceof Float32Array) || vector.length !== this.dims)
        throw new Error(
          `A drawn area's vector has ${vector?.length ?? 0} values but this dataset's embeddings have ${this.dims}: they come from different models, so they can't be compared. Remove the area, or open a dataset made by the same model.`,
        )
      for (let j = 0; j < vector.length; j++)
        if (!Number.isFinite(vector[j]!)) throw new Error("A drawn area's vector has a value that is not a number; remove the area and draw it again.")
    }
  }

  /** Null when there is nothing to rank by (no valid positive row or vector). */
  rank(request: RankRequest): RankOutcome | null {
    const n = this.count
    const valid = (r: number) => Number.isInteger(r) && r >= 0 && r < n
    const positives = [...new Set(request.positives.filter(valid))]
    const negatives = [...new Set(request.negatives.filter(valid))].filter((r) => !positives.includes(r))
    const queries = request.queries ?? []
    this.checkQueries(queries)
    const posQ = queries.filter((q) => q.label === 'positive').map((q) => q.vector)
    const negQ = queries.filter((q) => q.label === 'negative').map((q) => q.vector)
    if (positives.length + posQ.length === 0 || n === 0) return null
    const { mode, method } = request
    const topK = Math.max(0, Math.min(Math.floor(request.topK), n))
    const center = mode === 'centred' ? this.centredState().mean : null
    const r = mode === 'centred' ? this.centredState().r : null

    if (method === 'max') return this.rankMax(positives, negatives, posQ, negQ, center, r, request, topK)
    if (method === 'mean') {
      const q = this.meanOf(positives, center, posQ)
      if (negatives.length + negQ.length > 0) {
        const neg = this.meanOf(negatives, center, negQ)
        for (let j = 0; j < this.dims; j++) q[j] = 2 * q[j]! - neg[j]!
      }
      return this.rankDirection(direction(q), null, center, r, request, topK, [positives, negatives])
    }
    // classifier
    const labelled = new Set([...positives, ...negatives])
    const anyNegative = negatives.length + negQ.length > 0
    const negRows = anyNegative ? negatives : backgroundRows(n, labelled, backgroundCount(positives.length + posQ.length), backgroundSeed(positives, n))
    if (negRows.length + negQ.length === 0) {
      // Every row is a positive: nothing to tell apart.
      return this.constantOutcome(request, topK, 1, [0, 1])
    }
    const x: Float64Array[] = []
    const y: number[] = []
    for (const [rows, vectors, label] of [
      [positives, posQ, 1],
      [negRows, negQ, 0],
    ] as const) {
      const xs = [...rows.map((row) => this.vector(row, center)), ...vectors.map((q) => this.queryVector(q, center))]
      for (const v of xs) {
        let nn = 0
        for (let j = 0; j < this.dims; j++) nn += v[j]! * v[j]!
        const len = Math.sqrt(nn)
        if (len > 0) for (let j = 0; j < this.dims; j++) v[j]! /= len
        x.push(v)
        y.push(label)
      }
    }
    const model = trainLogistic(x, y, { lambda: this.options.lambda })
    return this.rankDirection(direction(model.w), model, center, r, request, topK, [positives, negatives])
  }

  private bounds(r: Float32Array | null, extra: Float32Array | null = null, beta = 0): Bounds {
    return { gamma: this.store.bound.gamma, beta: this.store.bound.beta + beta, r, extra }
  }

  /** The query in the kernels' form: unit, float32, padded to the stride, and its offset q · μ. */
  private kernelQuery(q: Float64Array, norm: number, center: Float64Array | null): { q32: Float32Array; c: number } {
    const q32 = new Float32Array(this.store.stride)
    if (norm > 0) for (let j = 0; j < this.dims; j++) q32[j] = q[j]! / norm
    let c = 0
    if (center) for (let j = 0; j < this.dims; j++) c += q32[j]! * center[j]!
    return { q32, c: Math.fround(c) }
  }

  /** Scores that don't depend on the row (a query of length 0, a degenerate model). */
  private constantOutcome(request: RankRequest, topK: number, value: number, range: [number, number], model: LogisticModel | null = null): RankOutcome {
    const top = new Uint32Array(topK)
    for (let i = 0; i < topK; i++) top[i] = i
    return {
      method: request.method,
      scores: new Float32Array(this.count).fill(value),
      top,
      suggestions: new Uint32Array(0),
      range,
      stats: { kernel: this.kernel, precision: 'exact', rescored: 0, candidates: 0, timing: { scan: 0, select: 0, exact: 0 } },
      model,
    }
  }

  /** 'mean' and 'classifier': one direction, any precision. */
  private rankDirection(
    dir: Direction,
    model: LogisticModel | null,
    center: Float64Array | null,
    r: Float32Array | null,
    request: RankRequest,
    topK: number,
    [positives, negatives]: [number[], number[]],
  ): RankOutcome {
    const n = this.count
    const range: [number, number] = model ? [0, 1] : [-1, 1]
    const b = model?.b ?? 0
    if (dir.norm === 0) return this.constantOutcome(request, topK, model ? Math.fround(sigmoid(b)) : 0, range, model)
    // Score space: s = g(t) with t the cosine to the direction; g is the identity, or the
    // classifier's σ(|w|·t + b). g is increasing, so the K best t are the K best scores.
    const a = dir.norm
    const g = model ? (t: number) => sigmoid(a * t + b) : (t: number) => t
    const cut = model
      ? (theta: number) => {
          const p = sigmoid(a * theta + b) - TIE_MARGIN
          if (p <= 0) return -Infinity
          return (Math.log(p / (1 - p)) - b) / a - 1e-9
        }
      : (theta: number) => theta - TIE_MARGIN
    const exact = (row: number) => {
      const { data, base } = this.locate(row)
      return model ? sigmoid(linearExact(data, base, this.dims, model.w, b, center)) : cosineExact(data, base, this.dims, dir.q, dir.norm, center)
    }

    const precision = this.resolvePrecision(request.precision, request.mode, n)
    const { q32, c } = this.kernelQuery(dir.q, dir.norm, center)
    const mode = request.mode
    const t0 = performance.now()
    const t = new Float32Array(n)
    let rescored = 0
    /** Rows whose t is the float32 kernel's (bounded by `bounds`), and their t. */
    let pool: { rows: Uint32Array | null; t: Float32Array; bounds: Bounds }
    /** Bound for the suggestions' candidates (over every row's t). */
    let everyBound: Bounds | null
    if (precision === 'exact') {
      this.store.scan(q32, c, mode, t)
      pool = { rows: null, t, bounds: this.bounds(r) }
      everyBound = pool.bounds
    } else {
      let first: Uint32Array
      if (precision === 'int8') {
        this.store.ensureInt8()
        const qerr = new Float32Array(n)
        this.store.scanInt8(q32, c, mode, t, qerr)
        everyBound = this.bounds(r, qerr)
        first = candidatesAbove(t, topK, everyBound, cut)
        const cap = Math.max((this.options.int8Cap ?? 50) * topK, this.options.int8Minimum ?? 20000)
        if (first.length > cap) first = bestRows(first, Array.from(first, (i) => t[i]!), cap).sort()
      } else {
        const mu = new Float32Array(this.store.stride)
        if (center) mu.set(center)
        this.store.ensureBinary(mu, center ? this.centredState().version : 0)
        const words = new Uint32Array(this.store.stride / 32)
        for (let j = 0; j < this.dims; j++) if (q32[j]! > 0) words[j >>> 5]! |= 1 << (j & 31)
        // The angle between sign vectors estimates the angle between the vectors.
        const lut = Float32Array.from({ length: this.store.stride + 1 }, (_, h) => Math.cos((Math.PI * Math.min(h, this.dims)) / this.dims))
        const want = Math.max((this.options.binaryOversample ?? 10) * topK, this.options.binaryMinimum ?? 1000)
        first = this.store.scanBinary(words, lut, t, Math.min(n, want))
        everyBound = null
      }
      const t2 = new Float32Array(first.length)
      this.store.scanRows(first, q32, c, mode, t2)
      for (let k = 0; k < first.length; k++) t[first[k]!] = t2[k]!
      rescored = first.length
      pool = { rows: first, t: t2, bounds: this.bounds(r ? Float32Array.from(first, (i) => r[i]!) : null) }
    }

    // Exact top K.
    const t1 = performance.now()
    const picked = candidatesAbove(pool.t, topK, pool.bounds, cut)
    const t2 = performance.now()
    const rows = pool.rows ? picked.map((k) => pool.rows![k]!) : picked
    const exactScores = Float32Array.from(rows, exact)
    let candidates = rows.length
    const top = bestRows(rows, exactScores, topK)

    // Suggestions: the unlabelled rows nearest the decision boundary, by exact |w·x̂ + b|.
    let suggestions: Uint32Array = new Uint32Array(0)
    if (model && request.suggest > 0) {
      const exclude = new Uint8Array(n)
      for (const row of [...positives, ...negatives]) exclude[row] = 1
      const want = Math.min(request.suggest, n - positives.length - negatives.length)
      const near = everyBound
        ? candidatesNearZero(t, a, b, want, everyBound, exclude)
        : candidatesNearZero(t, a, b, Math.max(20 * want, 200), { gamma: 0, beta: 0, r: null, extra: null }, exclude)
      const keys = Float64Array.from(near, (row) => {
        const { data, base } = this.locate(row)
        return Math.abs(linearExact(data, base, this.dims, model.w, b, center))
      })
      candidates += near.length
      suggestions = bestRows(near, keys, want, true)
    }

    // Every score into score space, then the exact ones over them.
    if (model) for (let i = 0; i < n; i++) t[i] = g(t[i]!)
    rows.forEach((row, k) => (t[row] = exactScores[k]!))
    return {
      method: request.method,
      scores: t,
      top,
      suggestions,
      range,
      stats: { kernel: this.kernel, precision, rescored, candidates, timing: { scan: t1 - t0, select: t2 - t1, exact: performance.now() - t2 } },
      model,
    }
  }

  private resolvePrecision(requested: Precision, mode: ScoreMode, _n: number): ScanPrecision {
    if (requested === 'auto' || requested === 'exact' || !this.store.compact) return 'exact'
    // Sign bits mean something only around the mean: raw vectors of a set like Clay v0 share one
    // big common direction, and nearly all their signs agree.
    if (requested === 'binary' && mode === 'raw') return 'int8'
    return requested
  }

  /** 'max': every example a query, one kernel pass; always an exact scan. */
  private rankMax(
    positives: number[],
    negatives: number[],
    posQ: readonly Float32Array[],
    negQ: readonly Float32Array[],
    center: Float64Array | null,
    r: Float32Array | null,
    request: RankRequest,
    topK: number,
  ): RankOutcome {
    const n = this.count
    const stride = this.store.stride
    const vectors = [
      ...positives.map((row) => this.vector(row, center)),
      ...posQ.map((q) => this.queryVector(q, center)),
      ...negatives.map((row) => this.vector(row, center)),
      ...negQ.map((q) => this.queryVector(q, center)),
    ]
    const npos = positives.length + posQ.length
    const norms = vectors.map((v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0)))
    const nq = Math.ceil(vectors.length / 4) * 4
    const qs = new Float32Array(nq * stride)
    const cs = new Float32Array(nq)
    vectors.forEach((v, k) => {
      const { q32, c } = this.kernelQuery(v, norms[k]!, center)
      qs.set(q32.subarray(0, stride), k * stride)
      cs[k] = c
    })
    const t0 = performance.now()
    const t = new Float32Array(n)
    this.store.scanMax(qs, nq, npos, vectors.length, cs, request.mode, t)
    const t1 = performance.now()
    // The max of bounded values is within the same bound; (2a − b)/3 too, plus its own roundings.
    const picked = candidatesAbove(t, topK, this.bounds(r, null, 8 * U32), (theta) => theta - TIE_MARGIN)
    const t2 = performance.now()
    const dots = new Float64Array(vectors.length)
    const exactScores = Float32Array.from(picked, (row) => {
      const { data, base } = this.locate(row)
      return maxExact(data, base, this.dims, vectors, norms, npos, center, dots)
    })
    const top = bestRows(picked, exactScores, topK)
    picked.forEach((row, k) => (t[row] = exactScores[k]!))
    return {
      method: 'max',
      scores: t,
      top,
      suggestions: new Uint32Array(0),
      range: [-1, 1],
      stats: { kernel: this.kernel, precision: 'exact', rescored: 0, candidates: picked.length, timing: { scan: t1 - t0, select: t2 - t1, exact: performance.now() - t2 } },
      model: null,
    }
  }
}

function direction(q: Float64Array): Direction {
  let s = 0
  for (let j = 0; j < q.length; j++) s += q[j]! * q[j]!
  return { q, norm: Math.sqrt(s) }
}
