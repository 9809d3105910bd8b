// The search worker's work, as plain async functions: the worker entry runs them, and so do
// tests in-process. It keeps every embedding; only scores leave it.

import { DatasetError } from '../../app/lib/geoparquet/types.ts'
import { RankIndex } from '../../app/lib/rank.ts'
import type { Handlers } from '../rpc/rpc.ts'
import type { SearchProtocol } from './protocol.ts'

export function createSearchHandlers(): Handlers<SearchProtocol> {
  let epoch = 0
  let index: RankIndex | null = null

  return {
    async reset(params) {
      epoch = params.epoch
      index = null
      return null
    },
    async addSegment({ epoch: e, embeddings, count, dims }) {
      if (e !== epoch) throw new DatasetError('aborted', '', 'A newer dataset was opened.')
      if (embeddings.length !== count * dims) throw new Error(`segment of ${count} × ${dims} has ${embeddings.length} values`)
      index ??= new RankIndex(dims)
      index.add({ data: embeddings, count, dims })
      return { total: index.count }
    },
    async rank({ epoch: e, positives, negatives, mode, method, topK }) {
      if (e !== epoch || !index) return null
      const t0 = performance.now()
      const ranking = index.rank({ positives, negatives, mode })
      if (!ranking) return null
      return {
        epoch,
        method,
        scores: ranking.scores,
        top: ranking.order.slice(0, topK),
        suggestions: new Uint32Array(0),
        range: [-1, 1] as [number, number],
        stats: { ms: performance.now() - t0, kernel: 'js' as const, precision: 'exact' as const, rescored: 0 },
      }
    },
  }
}
