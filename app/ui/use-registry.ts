import { useAppStore } from '../state/store.ts'
import { currentArchiveResults, currentRanking, type ArchiveResults, type CurrentRanking } from '../services/resources/registry.ts'
import { useServices } from '../services/context.ts'
import type { ChipCollection } from '../lib/chip-collection.ts'

/** The loaded chips; re-renders when they change. */
export function useLoadedChips(): ChipCollection | null {
  const { registry } = useServices()
  useAppStore((s) => s.datasetVersion)
  return registry.chips
}

/** The ranking of the loaded dataset, if any; re-renders when it changes. */
export function useRanking(): CurrentRanking | null {
  useAppStore((s) => s.rankingVersion)
  useAppStore((s) => s.datasetVersion)
  return currentRanking(useServices().registry)
}

/** The whole-archive results of the open dataset, if any; re-renders when they change. */
export function useArchiveResults(): ArchiveResults | null {
  useAppStore((s) => s.archiveVersion)
  useAppStore((s) => s.datasetVersion)
  return currentArchiveResults(useServices().registry)
}
