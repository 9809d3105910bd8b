// Ranking chips by similarity to the examples: the index that does the work (app/lib/rank/:
// WebAssembly SIMD kernels with a plain JS fallback, an exact top-K, compact int8 and binary
// scans, the 'max' and 'classifier' methods).

export { SearchIndex, type IndexOptions, type RankOutcome, type RankRequest } from './rank/index.ts'

/** Row indices by score, highest first; equal scores keep row order, so a query always ranks the same. */
export function rankOrder(scores: Float32Array): Uint32Array {
  const order = new Uint32Array(scores.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  order.sort((a, b) => scores[b]! - scores[a]! || a - b)
  return order
}
