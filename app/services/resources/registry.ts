// Big tables outside the store: the chips of the loaded dataset, its files, and the current
// ranking. Written only by the services, read by layers and panels; the store's version
// numbers (datasetVersion, coverageVersion, rankingVersion) say when they changed.

import type { ChipCollection } from '../../lib/chip-collection.ts'
import type { FileRecord } from '../../lib/catalog/load-plan.ts'
import type { ArchiveSearchResult, RankStats } from '../../../workers/search/protocol.ts'
import type { RankMethod } from '../../lib/vocabulary.ts'

/** A whole-archive search's results (the search worker's answer). */
export type ArchiveResults = ArchiveSearchResult

export interface CurrentRanking {
  /** The dataset (epoch) the ranking belongs to. */
  epoch: number
  /** One score per row loaded when the ranking was made; rows loaded later have none yet. */
  scores: Float32Array
  /** The best rows, highest score first (a top-K, not every row). */
  top: Uint32Array
  method: RankMethod
  /** Unlabelled rows the classifier is least sure about (empty for the other methods). */
  suggestions: Uint32Array
  /** The range the method's scores can take; the legend and histogram keep to it. */
  range: [number, number]
  stats: RankStats
}

/** A drawn area's vector and what came with it (app/services/flows/areas/area-service.ts writes these). */
export interface AreaVectorEntry {
  /** The dataset (epoch) the vector belongs to: a vector from another dataset is never ranked by. */
  epoch: number
  /** Raw, in the dataset's space. */
  vector: Float32Array
  /** Stored-vector mode: the rows whose mean it is (outlined on the map with the area's card). */
  covered?: Uint32Array
  /** Encoder mode: the imagery used, true colour. */
  preview?: { width: number; height: number; rgba: Uint8ClampedArray }
}

/**
 * The big tables of one running app. Made once by the composition root (app/compose.ts) and
 * handed to the services that write it and, through the services context, to the map and
 * panels that read it.
 */
export interface Registry {
  /** Bumped each time another dataset is opened; stale answers carry an older one. */
  epoch: number
  chips: ChipCollection | null
  files: FileRecord[]
  ranking: CurrentRanking | null
  /** Drawn areas' vectors by area id; the store's areaVersion says when they changed. */
  areas: Map<string, AreaVectorEntry>
  /** Vectors of the examples from a labels file, by chip id (raw, in their dataset's space). */
  fileExampleVectors: Map<string, Float32Array>
  /** The last whole-archive search's results (flows/archive.ts); the store's archiveVersion says when they changed. */
  archiveResults: ArchiveSearchResult | null
}

export function createRegistry(): Registry {
  return { epoch: 0, chips: null, files: [], ranking: null, areas: new Map(), fileExampleVectors: new Map(), archiveResults: null }
}

/** The ranking, if it belongs to the loaded dataset. */
export function currentRanking(registry: Registry): CurrentRanking | null {
  const r = registry.ranking
  return r && r.epoch === registry.epoch ? r : null
}

/** The archive results, if they belong to the open dataset. */
export function currentArchiveResults(registry: Registry): ArchiveSearchResult | null {
  const r = registry.archiveResults
  return r && r.epoch === registry.epoch ? r : null
}
