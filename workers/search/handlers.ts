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
    async rank({ epoch: e, positives, negatives, mode }) {
      if (e !== epoch || !index) return null
      const ranking = index.rank({ positives, negatives, mode })
      return ranking && { epoch, ...ranking }
    },
  }
}
