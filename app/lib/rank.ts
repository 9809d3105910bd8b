// Ranking chips by similarity to the examples: the types the rest of the app shares, and the
// index that does the work (app/lib/rank/: WebAssembly SIMD kernels with a plain JS fallback, an
// exact top-K, compact int8 and binary scans, the 'max' and 'classifier' methods).

/** centred: compare x − μ (μ the mean of every loaded row); raw: compare x as stored. */
export type ScoreMode = 'centred' | 'raw'

/** How the examples become scores (see workers/search/protocol.ts, which mirrors these). */
export type RankMethod = 'mean' | 'max' | 'classifier'

/** What the scan reads: exact float32 rows, or compact codes whose best candidates are rescored. */
export type Precision = 'auto' | 'exact' | 'int8' | 'binary'

export { SearchIndex, type IndexOptions, type RankOutcome, type RankRequest } from './rank/index.ts'
export type { KernelKind } from './rank/store.ts'

/** Row indices by score, highest first; equal scores keep row order, so a query always ranks the same. */
export function rankOrder(scores: Float32Array): Uint32Array {
  const order = new Uint32Array(scores.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  order.sort((a, b) => scores[b]! - scores[a]! || a - b)
  return order
}
