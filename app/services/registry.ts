// Big tables outside the store: the chips of the loaded dataset, its files, and the current
// ranking. Written only by the services, read by layers and panels; the store's version
// numbers (datasetVersion, coverageVersion, rankingVersion) say when they changed.

import type { ChipCollection } from '../lib/chip-collection.ts'
import type { FileRecord } from '../lib/catalog/load-plan.ts'

export interface CurrentRanking {
  /** The dataset (epoch) the ranking belongs to. */
  epoch: number
  /** One score per row loaded when the ranking was made; rows loaded later have none yet. */
  scores: Float32Array
  order: Uint32Array
}

export const registry: {
  /** Bumped each time another dataset is opened; stale answers carry an older one. */
  epoch: number
  chips: ChipCollection | null
  files: FileRecord[]
  ranking: CurrentRanking | null
} = {
  epoch: 0,
  chips: null,
  files: [],
  ranking: null,
}

/** The ranking, if it belongs to the loaded dataset. */
export function currentRanking(): CurrentRanking | null {
  const r = registry.ranking
  return r && r.epoch === registry.epoch ? r : null
}
