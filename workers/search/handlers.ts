// The search worker's work, as plain async functions: the worker entry runs them, and so do
// tests in-process. It keeps every embedding (in WebAssembly memory, or plain arrays where
// WebAssembly SIMD is missing); only scores leave it.

import { DatasetError } from '../../app/lib/errors.ts'
import { SearchIndex, type IndexOptions } from '../../app/lib/rank/index.ts'
import type { Handlers } from '../rpc/rpc.ts'
import { archiveHandlers, type ArchiveIO } from './archive.ts'
import type { RankResult, SearchProtocol } from './protocol.ts'

/**
 * `options` reach the index (tests force the JS kernels or small blocks with them); `archiveIO`
 * reads archive indexes and their data files (tests serve them from memory).
 */
export function createSearchHandlers(options: IndexOptions = {}, archiveIO?: ArchiveIO): Handlers<SearchProtocol> {
  let epoch = 0
  let index: SearchIndex | null = null
  const archive = archiveHandlers(archiveIO, () => ({ epoch, index }))

  return {
    async reset(params) {
      epoch = params.epoch
      index = null
      archive.forget()
      return null
    },
    openArchive: (params, ctx) => archive.openArchive(params, ctx.signal, ctx.progress),
    searchArchive: (params, ctx) => archive.searchArchive(params, ctx.signal),
    async addSegment({ epoch: e, embeddings, count, dims }) {
      if (e !== epoch) throw new DatasetError('aborted', '', 'A newer dataset was opened.')
      if (embeddings.length !== count * dims) throw new Error(`segment of ${count} × ${dims} has ${embeddings.length} values`)
      if (index && index.dims !== dims) throw new Error(`segment has ${dims} dims; the dataset has ${index.dims}`)
      index ??= new SearchIndex(dims, options)
      index.addSegment(embeddings, count)
      return { total: index.count }
    },
    async meanOfRows({ epoch: e, rows, weights }) {
      if (e !== epoch || !index) return null
      if (rows.length !== weights.length) throw new Error(`${rows.length} rows but ${weights.length} weights`)
      return index.meanOfRows(rows, weights)
    },
    async rank({ epoch: e, positives, negatives, queries, mode, method, precision, topK, suggest }) {
      if (e !== epoch || !index) return null
      const t0 = performance.now()
      const out = index.rank({ positives, negatives, queries, mode, method, precision, topK, suggest })
      if (!out) return null
      const result: RankResult = {
        epoch,
        method: out.method,
        scores: out.scores,
        top: out.top,
        suggestions: out.suggestions,
        range: out.range,
        stats: {
          ms: performance.now() - t0,
          kernel: out.stats.kernel,
          precision: out.stats.precision,
          rescored: out.stats.rescored,
          candidates: out.stats.candidates,
        },
      }
      return result
    },
  }
}
