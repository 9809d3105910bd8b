import { useAppStore } from '../state/store.ts'
import { registry, type CurrentRanking, type LoadedChips } from '../services/registry.ts'

/** The loaded chips; re-renders when the dataset changes. */
export function useLoadedChips(): LoadedChips | null {
  useAppStore((s) => s.datasetVersion)
  return registry.dataset
}

/** The ranking of the loaded dataset, if any; re-renders when it changes. */
export function useRanking(): CurrentRanking | null {
  useAppStore((s) => s.rankingVersion)
  useAppStore((s) => s.datasetVersion)
  const { ranking, dataset } = registry
  return ranking && dataset && ranking.datasetId === dataset.datasetId ? ranking : null
}
