// A score in plain words, for the map's tooltip and the panels: "0.82 — very like your examples".
// Two kinds of score need different words: a cosine similarity (the mean and max methods, in
// [-1, 1], where 0 means unrelated) and the classifier's probability (in [0, 1], where 0.5 means
// it can't tell).

/** What a score is: a cosine similarity, or a probability that a chip is like the examples. */
export type ScoreScale = 'cosine' | 'probability'

/** The scale of a ranking method's scores, from the range it says they take. */
export function scoreScaleOf(range: readonly [number, number]): ScoreScale {
  return range[0] >= 0 && range[1] <= 1 ? 'probability' : 'cosine'
}

// Lowest score of each band, highest band first. A score belongs to the first band it reaches.
const COSINE_BANDS: readonly (readonly [number, string])[] = [
  [0.95, 'practically the same as your examples'],
  [0.8, 'very like your examples'],
  [0.6, 'like your examples'],
  [0.4, 'somewhat like your examples'],
  [0.2, 'a little like your examples'],
  [-0.2, 'neither like nor unlike your examples'],
  [-0.5, 'unlike your examples'],
  [-Infinity, 'very unlike your examples'],
]

const PROBABILITY_BANDS: readonly (readonly [number, string])[] = [
  [0.95, 'almost certainly like your examples'],
  [0.75, 'probably like your examples'],
  [0.5, 'more likely like your examples than not'],
  [0.25, 'probably not like your examples'],
  [-Infinity, 'almost certainly not like your examples'],
]

/** What a score means, in a few words ("very like your examples"). */
export function scoreMeaning(score: number, scale: ScoreScale): string {
  if (!Number.isFinite(score)) return 'not scored'
  const bands = scale === 'probability' ? PROBABILITY_BANDS : COSINE_BANDS
  // Float32 scores sit a hair off the decimal they print as (0.8f is 0.800000011…, 0.95f is
  // 0.949999988…): compare what a person reads, two decimals.
  const shown = Math.round(score * 100) / 100
  for (const [lowest, words] of bands) if (shown >= lowest) return words
  return bands[bands.length - 1]![1]
}

/** The score to two decimals with a real minus sign, a dash, and its meaning: "0.82 — very like your examples". */
export function describeScore(score: number, scale: ScoreScale): string {
  if (!Number.isFinite(score)) return 'not scored'
  const shown = Math.round(score * 100) / 100
  const text = (Object.is(shown, -0) ? 0 : shown).toFixed(2).replace('-', '−')
  return `${text} — ${scoreMeaning(score, scale)}`
}
