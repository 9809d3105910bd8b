// The search worker's work, as plain async functions: easy to run in-process in tests and as
// the fallback where Web Workers aren't available. The worker owns the embeddings; only
// footprints, ids and scores ever leave it.

import { openRangeBuffer, fileNameFromUrl } from '../../app/lib/http/range-buffer.ts'
import { readEmbeddings } from '../../app/lib/geoparquet/read-embeddings.ts'
import { DatasetError, type EmbeddingTable } from '../../app/lib/geoparquet/types.ts'
import { buildRankIndex, rank, type RankIndex } from '../../app/lib/rank.ts'
import type { HandlerContext, LoadParams, LoadedDataset, RankParams, RankResult, SearchHandlers } from './protocol.ts'
import type { ReadProgress } from '../../app/lib/geoparquet/types.ts'

interface LoadedState {
  datasetId: number
  index: RankIndex
}

async function readSource(params: LoadParams, ctx: HandlerContext<ReadProgress>): Promise<EmbeddingTable> {
  const { source } = params
  let bytesRead = 0
  let totalBytes: number | null = null
  if (source.kind === 'file') {
    totalBytes = source.file.size
    if (totalBytes === 0) throw new DatasetError('empty', source.fileName, `${source.fileName} is empty (0 bytes).`)
    const buffer = await source.file.arrayBuffer()
    bytesRead = buffer.byteLength
    ctx.progress({ bytesRead, totalBytes, chips: 0 })
    return readEmbeddings(buffer, {
      fileName: source.fileName,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress({ ...p, bytesRead, totalBytes }),
    })
  }
  const fileName = fileNameFromUrl(source.url)
  const file = await openRangeBuffer(source.url, {
    signal: ctx.signal,
    fileName,
    onBytes: (read, total) => {
      bytesRead = read
      totalBytes = total
      ctx.progress({ bytesRead, totalBytes, chips: 0 })
    },
  })
  return readEmbeddings(file, {
    fileName,
    signal: ctx.signal,
    bytesRead: () => bytesRead,
    onProgress: (p) => ctx.progress({ ...p, bytesRead, totalBytes }),
  })
}

export function createSearchHandlers(): SearchHandlers {
  let loaded: LoadedState | null = null
  let nextDatasetId = 1

  async function load(params: LoadParams, ctx: HandlerContext<ReadProgress>): Promise<LoadedDataset> {
    const table = await readSource(params, ctx)
    const { summary } = table
    // Replace the loaded dataset only once the new one has read cleanly: a failed load
    // leaves the person's current search as it was.
    loaded = {
      datasetId: nextDatasetId++,
      index: buildRankIndex({ data: table.embeddings, count: summary.count, dims: summary.dims }),
    }
    return {
      datasetId: loaded.datasetId,
      summary,
      skipped: table.skipped,
      chips: {
        ids: table.ids,
        dates: table.dates,
        sourceUrls: table.sourceUrls,
        ringCoords: table.ringCoords,
        ringStarts: table.ringStarts,
      },
    }
  }

  async function rankHandler(params: RankParams): Promise<RankResult | null> {
    if (!loaded || loaded.datasetId !== params.datasetId) return null
    const { count } = loaded.index.matrix
    const valid = (r: number) => Number.isInteger(r) && r >= 0 && r < count
    const result = rank(loaded.index, {
      positives: params.positives.filter(valid),
      negatives: params.negatives.filter(valid),
      mode: params.mode,
    })
    return result && { datasetId: params.datasetId, ...result }
  }

  return { load, rank: rankHandler }
}
