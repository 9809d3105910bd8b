// The 'classifier' ranking method's maths: an L2-regularised logistic regression trained on a few
// labelled chips, in milliseconds, in the search worker. Pure: no DOM, no workers.
//
// Model: p(x) = σ(w · x̂ + b), x̂ the chip's centred vector scaled to length 1 (zero stays zero).
// Training minimises
//   Σ_k c_k · [log(1 + e^{z_k}) − y_k z_k] + (λ/2)·|w|²,   z_k = w · x̂_k + b,
// with class weights c_k = 1 / (2·#positives) or 1 / (2·#negatives), so a handful of positives
// count as much as many background chips; b is not penalised.
//
// With n ≪ D (a few dozen examples, 768 or 1024 dims) the optimum lies in the span of the
// examples (w = Σ α_k x̂_k, the representer theorem), so Newton's method runs on (α, b) with the
// n × n Gram matrix K = X Xᵀ: each step solves
//   [ S·K + λI   s ] [Δα]   [ −(r + λα) ]
//   [ 1ᵀ         0 ] [Δb] = [ −Σ α      ]
// (r = c∘(σ − y), s = c∘σ(1 − σ), S = diag(s)), which is the full Newton system multiplied out by
// K⁻¹ where K is invertible and still a solution where it isn't (duplicate examples). It costs
// n²·D once for K and n³/3 a step; 5 to 15 steps with a backtracking line search converge to
// machine precision.

import { mulberry32 } from '../../scripts/lib/prng.mjs'

export interface LogisticModel {
  /** Weights over the D dimensions of x̂. */
  w: Float64Array
  b: number
  /** Newton steps taken. */
  iterations: number
  converged: boolean
}

export interface TrainOptions {
  /** L2 penalty λ (1e-3). */
  lambda?: number
  maxIterations?: number
}

export const DEFAULT_LAMBDA = 1e-3

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))
}

/** log(1 + e^z), without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))
}

/**
 * Trains on unit (or zero) vectors x[k] with labels y[k] ∈ {0, 1}; both classes must be present.
 */
export function trainLogistic(x: readonly Float64Array[], y: ArrayLike<number>, options: TrainOptions = {}): LogisticModel {
  const n = x.length
  const dims = x[0]?.length ?? 0
  const lambda = options.lambda ?? DEFAULT_LAMBDA
  const maxIterations = options.maxIterations ?? 50
  let npos = 0
  for (let k = 0; k < n; k++) if (y[k]) npos++
  const nneg = n - npos
  if (npos === 0 || nneg === 0) throw new Error('training needs positives and negatives')
  const c = Float64Array.from({ length: n }, (_, k) => (y[k] ? 0.5 / npos : 0.5 / nneg))

  const K = new Float64Array(n * n)
  for (let a = 0; a < n; a++) {
    const xa = x[a]!
    for (let b = a; b < n; b++) {
      const xb = x[b]!
      let s = 0
      for (let j = 0; j < dims; j++) s += xa[j]! * xb[j]!
      K[a * n + b] = s
      K[b * n + a] = s
    }
  }

  const alpha = new Float64Array(n)
  let bias = 0
  const z = new Float64Array(n)
  const Ka = new Float64Array(n)
  const mulK = (v: Float64Array, out: Float64Array) => {
    for (let a = 0; a < n; a++) {
      let s = 0
      for (let b = 0; b < n; b++) s += K[a * n + b]! * v[b]!
      out[a] = s
    }
  }
  const objective = (al: Float64Array, b0: number): number => {
    mulK(al, Ka)
    let f = 0
    let reg = 0
    for (let k = 0; k < n; k++) {
      const zk = Ka[k]! + b0
      f += c[k]! * (softplus(zk) - (y[k] ? zk : 0))
      reg += al[k]! * Ka[k]!
    }
    return f + 0.5 * lambda * reg
  }

  let f = objective(alpha, bias)
  let iterations = 0
  let converged = false
  const m = n + 1
  const A = new Float64Array(m * m)
  const rhs = new Float64Array(m)
  const r = new Float64Array(n)
  const trial = new Float64Array(n)
  const gradAlpha = new Float64Array(n)
  while (iterations < maxIterations) {
    mulK(alpha, Ka)
    for (let k = 0; k < n; k++) z[k] = Ka[k]! + bias
    let sumR = 0
    let sumAlpha = 0
    for (let k = 0; k < n; k++) {
      const p = sigmoid(z[k]!)
      r[k] = c[k]! * (p - (y[k] ? 1 : 0))
      const s = c[k]! * p * (1 - p)
      for (let b = 0; b < n; b++) A[k * m + b] = s * K[k * n + b]! + (k === b ? lambda : 0)
      A[k * m + n] = s
      A[n * m + k] = 1
      rhs[k] = -(r[k]! + lambda * alpha[k]!)
      sumR += r[k]!
      sumAlpha += alpha[k]!
    }
    A[n * m + n] = 0
    rhs[n] = -sumAlpha
    const delta = solve(A, rhs, m)
    iterations++
    // Directional derivative g · Δ = (r + λα)ᵀ K Δα + (Σ r) Δb.
    for (let k = 0; k < n; k++) trial[k] = r[k]! + lambda * alpha[k]!
    mulK(trial, gradAlpha)
    let slope = sumR * delta[n]!
    for (let k = 0; k < n; k++) slope += gradAlpha[k]! * delta[k]!
    if (!(slope < 0) || Math.abs(slope) < 1e-15 * Math.max(1, Math.abs(f))) {
      converged = true
      break
    }
    let step = 1
    let next = f
    for (let tries = 0; tries < 40; tries++) {
      for (let k = 0; k < n; k++) trial[k] = alpha[k]! + step * delta[k]!
      next = objective(trial, bias + step * delta[n]!)
      if (next <= f + 1e-4 * step * slope) break
      step /= 2
    }
    alpha.set(trial)
    bias += step * delta[n]!
    const progress = f - next
    f = next
    if (progress <= 1e-14 * Math.max(1, Math.abs(f))) {
      converged = true
      break
    }
  }

  const w = new Float64Array(dims)
  for (let k = 0; k < n; k++) {
    const xk = x[k]!
    const a = alpha[k]!
    for (let j = 0; j < dims; j++) w[j]! += a * xk[j]!
  }
  return { w, b: bias, iterations, converged }
}

/** Solves A·x = rhs (m × m, row-major; both overwritten) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, rhs: Float64Array, m: number): Float64Array {
  for (let col = 0; col < m; col++) {
    let piv = col
    for (let i = col + 1; i < m; i++) if (Math.abs(A[i * m + col]!) > Math.abs(A[piv * m + col]!)) piv = i
    if (piv !== col) {
      for (let j = 0; j < m; j++) {
        const t = A[col * m + j]!
        A[col * m + j] = A[piv * m + j]!
        A[piv * m + j] = t
      }
      const t = rhs[col]!
      rhs[col] = rhs[piv]!
      rhs[piv] = t
    }
    const d = A[col * m + col]!
    if (d === 0) continue
    for (let i = col + 1; i < m; i++) {
      const f = A[i * m + col]! / d
      if (f === 0) continue
      for (let j = col; j < m; j++) A[i * m + j]! -= f * A[col * m + j]!
      rhs[i]! -= f * rhs[col]!
    }
  }
  const out = new Float64Array(m)
  for (let i = m - 1; i >= 0; i--) {
    let s = rhs[i]!
    for (let j = i + 1; j < m; j++) s -= A[i * m + j]! * out[j]!
    const d = A[i * m + i]!
    out[i] = d === 0 ? 0 : s / d
  }
  return out
}

/** How many random unlabelled chips stand in for negatives when there are none: 10 per positive, 50 to 500. */
export function backgroundCount(positives: number): number {
  return Math.min(500, Math.max(50, 10 * positives))
}

/** A seed from the labelled rows and the row count: the same search draws the same background. */
export function backgroundSeed(rows: readonly number[], total: number): number {
  let h = 0x811c9dc5 ^ total
  for (const r of [...rows].sort((a, b) => a - b)) h = Math.imul(h ^ r, 0x01000193)
  return h >>> 0
}

/**
 * `count` distinct rows of [0, total) outside `exclude`, drawn with a seeded PRNG (all of them
 * when there are no more), in the order drawn.
 */
export function backgroundRows(total: number, exclude: ReadonlySet<number>, count: number, seed: number): number[] {
  const available = total - [...exclude].filter((r) => r >= 0 && r < total).length
  if (available <= count) {
    const all: number[] = []
    for (let r = 0; r < total; r++) if (!exclude.has(r)) all.push(r)
    return all
  }
  const rand = mulberry32(seed)
  const picked = new Set<number>()
  const out: number[] = []
  while (out.length < count) {
    const r = Math.floor(rand() * total)
    if (exclude.has(r) || picked.has(r)) continue
    picked.add(r)
    out.push(r)
  }
  return out
}
