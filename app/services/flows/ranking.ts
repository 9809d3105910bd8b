// Ranks the loaded chips whenever the examples (chips, drawn areas whose vectors are ready, and
// examples from a labels file), the mode, the method or the loaded data change: it reacts to the
// store (RANKING_INPUTS), and nothing else asks it to rank.
// One ranking runs at a time; changes that arrive meanwhile are folded into one more ranking
// after it, so a dataset that grows file by file is re-ranked as fast as ranking allows and
// never more.

import { errorMessage, isAbortError } from '../../lib/errors.ts'
import type { SearchClient } from '../../../workers/search/client.ts'
import { useAppStore, type AppState } from '../../state/store.ts'
import { anyChanged } from '../../state/search-fields.ts'
import type { Registry } from '../resources/registry.ts'
import type { FileExamples } from '../actions/file-examples.ts'
import { useFileExamples } from '../../state/file-examples.ts'
import { areaQueries, foldingRunner, labelsOf } from './search-inputs.ts'

/** Rows the worker returns in order: enough for the list, the gallery and the map's labels. */
export const TOP_K = 1000

/** Chips the classifier suggests labelling next (the ones it is least sure about). */
export const SUGGESTIONS = 12

/** What a ranking is made from: a change to any of these ranks again (and so do the areas' labels, below). */
export const RANKING_INPUTS = ['positives', 'negatives', 'mode', 'method', 'areaVersion', 'datasetVersion'] as const satisfies readonly (keyof AppState)[]

export interface RankingService {
  stop(): void
}

export interface RankingDeps {
  search: SearchClient
  registry: Registry
  fileExamples: FileExamples
}



export function startRankingService({ search, registry, fileExamples }: RankingDeps): RankingService {
  const store = useAppStore

  function clear(): void {
    if (registry.ranking === null) return
    registry.ranking = null
    store.setState((s) => ({ rankingVersion: s.rankingVersion + 1, rankingStatus: 'idle' }))
  }

  async function run(): Promise<void> {
    const chips = registry.chips
    if (!chips) return clear()
    const { positives, negatives, mode, method, areas } = store.getState()
    const rows = (ids: string[]) => ids.map((id) => chips.rowOf(id)).filter((r): r is number => r !== undefined)
    const pos = rows(positives)
    const epoch = registry.epoch
    // Drawn areas' vectors, and examples from a labels file (when their model matches the dataset's).
    const queries = [...areaQueries(registry, areas, epoch), ...fileExamples.queries()]
    if (pos.length === 0 && !queries.some((q) => q.label === 'positive')) return clear()
    store.setState({ rankingStatus: 'ranking' })
    try {
      const suggest = method === 'classifier' ? SUGGESTIONS : 0
      const result = await search.call('rank', { epoch, positives: pos, negatives: rows(negatives), queries, mode, method, precision: 'auto', topK: TOP_K, suggest })
      if (result && result.epoch === registry.epoch) {
        registry.ranking = result
        store.setState((s) => ({ rankingVersion: s.rankingVersion + 1, rankingStatus: 'ready' }))
      } else if (!result) clear()
    } catch (err) {
      if (isAbortError(err)) return
      store.setState({ rankingStatus: 'idle' })
      store.getState().notify('error', errorMessage(err))
    }
  }

  const request = foldingRunner(run)

  const unsubscribe = store.subscribe((s: AppState, prev: AppState) => {
    if (anyChanged(RANKING_INPUTS, s, prev) || (s.areas !== prev.areas && labelsOf(s.areas) !== labelsOf(prev.areas))) request()
  })
  const unsubscribeFile = useFileExamples.subscribe((s, prev) => {
    if (s.version !== prev.version) request()
  })

  return {
    stop() {
      unsubscribe()
      unsubscribeFile()
    },
  }
}
