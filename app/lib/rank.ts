// Ranking chips by similarity to the examples: the index that does the work (app/lib/rank/:
// WebAssembly SIMD kernels with a plain JS fallback, an exact top-K, compact int8 and binary
// scans, the 'max' and 'classifier' methods).

export { SearchIndex, type IndexOptions, type RankOutcome, type RankRequest } from './rank/index.ts'
