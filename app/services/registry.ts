// Big tables outside the store: the chips of the loaded dataset and the current ranking.
// Written only by the services, read by layers and panels; the store's datasetVersion and
// rankingVersion say when they changed.

import type { ChipAttributes } from '../lib/chips.ts'

export interface LoadedChips {
  datasetId: number
  chips: ChipAttributes
  /** Centre of each chip, lon/lat flattened. */
  centres: Float64Array
  /** Chip id → row. */
  rowOf: Map<string, number>
}

export interface CurrentRanking {
  datasetId: number
  scores: Float32Array
  order: Uint32Array
}

export const registry: { dataset: LoadedChips | null; ranking: CurrentRanking | null } = {
  dataset: null,
  ranking: null,
}
