// Score histogram and the score domain shared by the histogram, the legend, the map colours
// and the threshold slider, so all four always agree.

export interface ScoreDomain {
  min: number
  max: number
}

/**
 * The domain to draw scores in: from the lowest score (rounded down to a tenth) to the highest
 * (rounded up to a tenth, at most 1), so ticks land on round numbers.
 */
export function scoreDomain(scores: Float32Array): ScoreDomain {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!
    if (s < lo) lo = s
    if (s > hi) hi = s
  }
  if (!Number.isFinite(lo)) return { min: -1, max: 1 }
  // The tolerance absorbs float32 noise (0.2f is 0.20000000298…), so 0.2 rounds to 0.2.
  let min = Math.max(-1, Math.floor(lo * 10 + 1e-6) / 10)
  let max = Math.min(1, Math.ceil(hi * 10 - 1e-6) / 10)
  if (max <= min) {
    min = Math.max(-1, Math.round(min * 10 - 1) / 10)
    max = Math.min(1, Math.round(max * 10 + 1) / 10)
  }
  return { min, max }
}

/**
 * The domain the legend, the histogram, the map colours and the slider share: the whole range the
 * ranking method's scores can take ([-1, 1] for cosine, [0, 1] for the classifier), so the scale
 * stays put while a person refines the query and a colour always means the same score.
 */
export function rangeDomain([min, max]: readonly [number, number]): ScoreDomain {
  return { min, max }
}

export interface Histogram {
  domain: ScoreDomain
  /** Count per bin; bin k covers [min + k·w, min + (k+1)·w), the last bin includes max. */
  counts: Uint32Array
  binWidth: number
}

export function histogram(scores: Float32Array, domain: ScoreDomain, bins = 40): Histogram {
  const counts = new Uint32Array(bins)
  const binWidth = (domain.max - domain.min) / bins
  for (let i = 0; i < scores.length; i++) {
    const k = Math.floor((scores[i]! - domain.min) / binWidth)
    counts[Math.min(bins - 1, Math.max(0, k))]!++
  }
  return { domain, counts, binWidth }
}

/** Position of a score within the domain, 0..1 (clamped). */
export function domainFraction(score: number, { min, max }: ScoreDomain): number {
  return Math.min(1, Math.max(0, (score - min) / (max - min)))
}

/** How many scores are at or above the threshold (all when there is none), among rows the filter keeps. */
export function countAtOrAbove(scores: Float32Array, threshold: number | null, keep: ((row: number) => boolean) | null = null): number {
  if (threshold === null && !keep) return scores.length
  let n = 0
  for (let i = 0; i < scores.length; i++) if ((threshold === null || scores[i]! >= threshold) && (!keep || keep(i))) n++
  return n
}
