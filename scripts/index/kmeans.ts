// Spherical k-means (cosine) for the index's lists: the centroids are unit vectors in the
// centred space, a chip belongs to the centroid with the largest dot product with x − μ, which
// is the centroid a query ranks by cosine (docs/index-format.md, "Partitions"). Deterministic:
// the seed picks the starting points, the iterations are fixed, ties go to the lower list.

import { mulberry32 } from '../lib/prng.mjs'

function normaliseRow(v: Float32Array, at: number, d: number): void {
  let ss = 0
  for (let j = 0; j < d; j++) ss += (v[at + j] as number) ** 2
  const k = ss > 0 ? 1 / Math.sqrt(ss) : 0
  for (let j = 0; j < d; j++) v[at + j] = (v[at + j] as number) * k
}

/** The list of the vector at `x[at…]` centred on `mean`: the centroid with the largest dot product. */
export function nearestList(centroids: Float32Array, k: number, d: number, x: ArrayLike<number>, at: number, mean: ArrayLike<number>, centred: Float64Array): number {
  for (let j = 0; j < d; j++) centred[j] = (x[at + j] as number) - (mean[j] as number)
  let best = 0
  let bestDot = -Infinity
  for (let c = 0; c < k; c++) {
    let dot = 0
    const o = c * d
    for (let j = 0; j < d; j++) dot += (centred[j] as number) * (centroids[o + j] as number)
    if (dot > bestDot) {
      bestDot = dot
      best = c
    }
  }
  return best
}

/**
 * k unit centroids for `n` centred vectors (`points`, n × d, changed in place: normalised).
 * A cluster that empties keeps its previous centroid.
 */
export function sphericalKMeans(points: Float32Array, n: number, d: number, k: number, seed: number, iterations = 12): Float32Array {
  if (n < k) throw new RangeError(`${k} lists need at least ${k} sample vectors; the sample has ${n}`)
  for (let i = 0; i < n; i++) normaliseRow(points, i * d, d)
  const rand = mulberry32(seed)
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i))
    ;[order[i], order[j]] = [order[j] as number, order[i] as number]
  }
  const centroids = new Float32Array(k * d)
  for (let c = 0; c < k; c++) centroids.set(points.subarray((order[c] as number) * d, (order[c] as number + 1) * d), c * d)
  const zero = new Float64Array(d)
  const scratch = new Float64Array(d)
  const sums = new Float64Array(k * d)
  const counts = new Uint32Array(k)
  for (let it = 0; it < iterations; it++) {
    sums.fill(0)
    counts.fill(0)
    for (let i = 0; i < n; i++) {
      const c = nearestList(centroids, k, d, points, i * d, zero, scratch)
      counts[c] = (counts[c] as number) + 1
      for (let j = 0; j < d; j++) sums[c * d + j] = (sums[c * d + j] as number) + (points[i * d + j] as number)
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue
      for (let j = 0; j < d; j++) centroids[c * d + j] = sums[c * d + j] as number
      normaliseRow(centroids, c * d, d)
    }
  }
  return centroids
}
