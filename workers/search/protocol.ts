// The search worker's typed protocol: one map from request kind to its params, result and
// progress types, shared by the worker (handlers.ts) and the UI's client (client.ts).

import type { ChipAttributes } from '../../app/lib/chips.ts'
import type { DatasetErrorCode, FileSummary, ReadProgress, SkippedRow } from '../../app/lib/geoparquet/types.ts'
import type { ScoreMode } from '../../app/lib/rank.ts'

export type DatasetSource =
  | { kind: 'url'; url: string }
  /** A file the person picked on their own computer; nothing is uploaded. */
  | { kind: 'file'; file: Blob; fileName: string }

export interface LoadParams {
  source: DatasetSource
}

export interface LoadedDataset {
  /** Names this dataset in later rank requests, so a stale request can't rank the wrong data. */
  datasetId: number
  summary: FileSummary
  chips: ChipAttributes
  skipped: SkippedRow[]
}

export interface RankParams {
  datasetId: number
  /** Rows of the dataset. */
  positives: number[]
  negatives: number[]
  mode: ScoreMode
}

export interface RankResult {
  datasetId: number
  /** Score of every row (transferred). */
  scores: Float32Array
  /** Rows by descending score, ties by row (transferred). */
  order: Uint32Array
}

export interface SearchRequests {
  load: { params: LoadParams; result: LoadedDataset; progress: ReadProgress }
  /** Null when there is nothing to rank by (no positives). */
  rank: { params: RankParams; result: RankResult | null; progress: never }
}

export type RequestKind = keyof SearchRequests

export type WorkerRequest =
  | { [K in RequestKind]: { type: 'request'; kind: K; id: number; params: SearchRequests[K]['params'] } }[RequestKind]
  | { type: 'cancel'; id: number }

export interface SerializedError {
  code: DatasetErrorCode | 'internal'
  message: string
  fileName: string | null
}

export type WorkerResponse =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'error'; id: number; error: SerializedError }

/** What a handler gets besides its params. */
export interface HandlerContext<P> {
  signal: AbortSignal
  progress: (p: P) => void
}

export type SearchHandlers = {
  [K in RequestKind]: (
    params: SearchRequests[K]['params'],
    ctx: HandlerContext<SearchRequests[K]['progress']>,
  ) => Promise<SearchRequests[K]['result']>
}

/** Buffers in a result that should move to the other side instead of being copied. */
export function transferablesOf(result: unknown): Transferable[] {
  if (result === null || typeof result !== 'object') return []
  const r = result as Partial<LoadedDataset & RankResult>
  const list: ArrayBuffer[] = []
  if (r.chips) list.push(r.chips.ringCoords.buffer as ArrayBuffer, r.chips.ringStarts.buffer as ArrayBuffer)
  if (r.scores) list.push(r.scores.buffer as ArrayBuffer)
  if (r.order) list.push(r.order.buffer as ArrayBuffer)
  return list
}
