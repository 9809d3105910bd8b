// Exact scores, in float64, one row at a time: what the top-K rows and every candidate near them
// are rescored with, so that the top-K equals a float64 reference's (then rounded to float32).
// Each is written the plain way, dimension after dimension: x̃ = x − μ, dots and the squared norm
// summed in order, so that a reference written the same way agrees bit for bit.

// (Centred and raw rows have a loop each: one loop with a test inside runs half as fast.)

/** q · x̃ and |x̃|², in order. */
function dotAndNorm(data: Float32Array, base: number, dims: number, q: Float64Array, center: Float64Array | null, out: [number, number]): void {
  let dot = 0
  let nn = 0
  if (center) {
    for (let j = 0; j < dims; j++) {
      const v = data[base + j]! - center[j]!
      dot += v * q[j]!
      nn += v * v
    }
  } else {
    for (let j = 0; j < dims; j++) {
      const v = data[base + j]!
      dot += v * q[j]!
      nn += v * v
    }
  }
  out[0] = dot
  out[1] = nn
}

const pair: [number, number] = [0, 0]

/** cos(q, x̃) = q·x̃ / (|x̃| · qn); 0 when either has length 0. */
export function cosineExact(data: Float32Array, base: number, dims: number, q: Float64Array, qn: number, center: Float64Array | null): number {
  dotAndNorm(data, base, dims, q, center, pair)
  const [dot, nn] = pair
  return nn === 0 || qn === 0 ? 0 : dot / (Math.sqrt(nn) * qn)
}

/**
 * The 'max' score: with P the positives' and N the negatives' centred vectors,
 *   max_p cos(x̃, p)                                  without negatives,
 *   (2 · max_p cos(x̃, p) − max_n cos(x̃, n)) / 3      with them,
 * which stays in [−1, 1] (as 'mean' weighs positives twice against negatives).
 */
export function maxExact(
  data: Float32Array,
  base: number,
  dims: number,
  queries: readonly Float64Array[],
  norms: readonly number[],
  npos: number,
  center: Float64Array | null,
  dots: Float64Array,
): number {
  const nq = queries.length
  dots.fill(0, 0, nq)
  let nn = 0
  for (let j = 0; j < dims; j++) {
    const v = center ? data[base + j]! - center[j]! : data[base + j]!
    nn += v * v
    for (let k = 0; k < nq; k++) dots[k]! += v * queries[k]![j]!
  }
  const len = Math.sqrt(nn)
  let mp = -Infinity
  let mn = -Infinity
  for (let k = 0; k < nq; k++) {
    const cos = nn === 0 || norms[k] === 0 ? 0 : dots[k]! / (len * norms[k]!)
    if (k < npos) mp = Math.max(mp, cos)
    else mn = Math.max(mn, cos)
  }
  return nq > npos ? (2 * mp - mn) / 3 : mp
}

/** w · x̂ + b with x̂ = x̃ / |x̃| (0 when x̃ is 0): the classifier's log-odds. */
export function linearExact(data: Float32Array, base: number, dims: number, w: Float64Array, b: number, center: Float64Array | null): number {
  dotAndNorm(data, base, dims, w, center, pair)
  const [dot, nn] = pair
  return (nn === 0 ? 0 : dot / Math.sqrt(nn)) + b
}
