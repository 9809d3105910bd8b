// The search worker's protocol. The search worker owns every loaded embedding (one segment per
// file) and ranks them; the UI only ever receives scores.

import type { ScoreMode } from '../../app/lib/rank.ts'

export interface AddSegmentParams {
  /** The dataset this segment belongs to; a segment for an older dataset is refused. */
  epoch: number
  /** count × dims, row-major (transferred in). */
  embeddings: Float32Array
  count: number
  dims: number
}

export interface RankParams {
  epoch: number
  /** Global rows (segments numbered in the order they were added). */
  positives: number[]
  negatives: number[]
  mode: ScoreMode
}

export interface RankResult {
  epoch: number
  /** Score of every loaded row (transferred). */
  scores: Float32Array
  /** Rows by descending score, ties by row (transferred). */
  order: Uint32Array
}

export type SearchProtocol = {
  /** Forget everything loaded and start a new dataset. */
  reset: { params: { epoch: number }; result: null; progress: never }
  /** Add one file's embeddings; answers the total rows loaded. */
  addSegment: { params: AddSegmentParams; result: { total: number }; progress: never }
  /** Null when there is nothing to rank by (no positives) or the epoch is stale. */
  rank: { params: RankParams; result: RankResult | null; progress: never }
}

export const transferSearchParams = (params: unknown): Transferable[] => {
  const p = params as Partial<AddSegmentParams>
  return p.embeddings ? [p.embeddings.buffer as ArrayBuffer] : []
}

export const transferSearchResult = (result: unknown): Transferable[] => {
  const r = result as Partial<RankResult> | null
  return r && r.scores && r.order ? [r.scores.buffer as ArrayBuffer, r.order.buffer as ArrayBuffer] : []
}
