// Top-K without sorting everything: the K-th best lower bound from a bounded heap, then every row
// whose upper bound reaches it. Those candidates (usually K and a few more) are rescored exactly
// and only they are sorted.

/** Per-row error bounds of approximate scores: beta + gamma · (r ? r[i] : 1) + (extra ? extra[i] : 0). */
export interface Bounds {
  gamma: number
  beta: number
  r: Float32Array | null
  extra: Float32Array | null
}

const boundAt = (b: Bounds, i: number): number => b.beta + b.gamma * (b.r ? b.r[i]! : 1) + (b.extra ? b.extra[i]! : 0)

/** The k largest of a stream of numbers; min is the k-th largest once k have been seen. */
class MinHeap {
  private readonly v: Float64Array
  size = 0
  constructor(readonly k: number) {
    this.v = new Float64Array(k)
  }
  /** The k-th largest so far (−∞ until k have come). */
  min = -Infinity
  push(x: number): void {
    const v = this.v
    if (this.size < this.k) {
      let i = this.size++
      while (i > 0) {
        const p = (i - 1) >> 1
        if (v[p]! <= x) break
        v[i] = v[p]!
        i = p
      }
      v[i] = x
      if (this.size === this.k) this.min = v[0]!
      return
    }
    if (!(x > v[0]!)) return
    // Replace the root and sift down.
    let i = 0
    const n = this.size
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && v[r]! < v[l]! ? r : l
      if (v[c]! >= x) break
      v[i] = v[c]!
      i = c
    }
    v[i] = x
    this.min = v[0]!
  }
}

function grown(a: Uint32Array, max: number): Uint32Array {
  const b = new Uint32Array(Math.min(max, 2 * a.length))
  b.set(a)
  return b
}

function allRows(n: number): Uint32Array {
  const out = new Uint32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  return out
}

/**
 * Positions i of t that may hold one of the k largest true scores: with θ the k-th largest of
 * t[i] − B[i], every i with t[i] + B[i] ≥ cut(θ). `cut` lowers θ by whatever margin the final
 * scores need (float32 ties after rounding; the classifier's sigmoid). NaN scores never qualify.
 *
 * One pass: θ only rises, so a row whose upper bound misses the cut of the θ seen so far can
 * never qualify; the few that pass are checked again against the final θ.
 */
export function candidatesAbove(t: Float32Array, k: number, bounds: Bounds, cut: (theta: number) => number): Uint32Array {
  const n = t.length
  if (k <= 0) return new Uint32Array(0)
  if (k >= n) return allRows(n)
  const heap = new MinHeap(k)
  const { gamma, beta, r, extra } = bounds
  // The k-th largest lower bound so far, and its cut; rows that pass, kept.
  let hmin = -Infinity
  let cutNow = -Infinity
  let kept: Uint32Array = new Uint32Array(Math.min(n, 4 * k + 1024))
  let m = 0
  // One loop per case, written out: a test per row, or a closure over these locals (which moves
  // them off the stack), costs as much as the work.
  if (!extra && !r) {
    const bc = beta + gamma
    for (let i = 0; i < n; i++) {
      const v = t[i]!
      const b = bc
      if (v - b > hmin) {
        heap.push(v - b)
        hmin = heap.min
        if (heap.size === k) cutNow = cut(hmin)
      }
      if (v + b >= cutNow) {
        if (m === kept.length) kept = grown(kept, n)
        kept[m++] = i
      }
    }
  } else if (!extra && r) {
    for (let i = 0; i < n; i++) {
      const v = t[i]!
      const b = beta + gamma * r[i]!
      if (v - b > hmin) {
        heap.push(v - b)
        hmin = heap.min
        if (heap.size === k) cutNow = cut(hmin)
      }
      if (v + b >= cutNow) {
        if (m === kept.length) kept = grown(kept, n)
        kept[m++] = i
      }
    }
  } else if (extra && r) {
    for (let i = 0; i < n; i++) {
      const v = t[i]!
      const b = beta + gamma * r[i]! + extra[i]!
      if (v - b > hmin) {
        heap.push(v - b)
        hmin = heap.min
        if (heap.size === k) cutNow = cut(hmin)
      }
      if (v + b >= cutNow) {
        if (m === kept.length) kept = grown(kept, n)
        kept[m++] = i
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = t[i]!
      const b = boundAt(bounds, i)
      if (v - b > hmin) {
        heap.push(v - b)
        hmin = heap.min
        if (heap.size === k) cutNow = cut(hmin)
      }
      if (v + b >= cutNow) {
        if (m === kept.length) kept = grown(kept, n)
        kept[m++] = i
      }
    }
  }
  const c = cut(heap.min)
  let out = 0
  for (let j = 0; j < m; j++) {
    const i = kept[j]!
    if (t[i]! + boundAt(bounds, i) >= c) kept[out++] = i
  }
  return kept.slice(0, out)
}

/**
 * Positions whose |a · t[i] + b| may be among the k smallest (the classifier's least certain
 * rows), skipping excluded ones: with θ the k-th smallest upper bound, every i whose lower bound
 * is at most θ.
 */
export function candidatesNearZero(t: Float32Array, a: number, b: number, k: number, bounds: Bounds, exclude: Uint8Array): Uint32Array {
  const n = t.length
  if (k <= 0) return new Uint32Array(0)
  const heap = new MinHeap(k)
  let eligible = 0
  for (let i = 0; i < n; i++) {
    if (exclude[i]) continue
    eligible++
    const hi = Math.abs(a * t[i]! + b) + a * boundAt(bounds, i)
    if (-hi > heap.min) heap.push(-hi)
  }
  const theta = eligible <= k ? Infinity : -heap.min
  const c = theta + 1e-12 * (1 + Math.abs(theta))
  let m = 0
  const picked = new Uint32Array(Math.min(n, eligible))
  for (let i = 0; i < n; i++) {
    if (exclude[i]) continue
    if (Math.abs(a * t[i]! + b) - a * boundAt(bounds, i) <= c) picked[m++] = i
  }
  return picked.slice(0, m)
}

/**
 * The best k of rows by exact key: higher first (or lower first when `ascending`), ties by lower
 * row. keys[i] belongs to rows[i].
 */
export function bestRows(rows: Uint32Array, keys: ArrayLike<number>, k: number, ascending = false): Uint32Array {
  const idx = Array.from(rows.keys())
  const sign = ascending ? 1 : -1
  idx.sort((x, y) => sign * (keys[x]! - keys[y]!) || rows[x]! - rows[y]!)
  const out = new Uint32Array(Math.min(k, idx.length))
  for (let i = 0; i < out.length; i++) out[i] = rows[idx[i]!]!
  return out
}
