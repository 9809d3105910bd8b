import { useMemo } from 'react'
import { useAppStore } from '../state/store.ts'
import { rangeDomain } from '../lib/histogram.ts'
import { scoreScaleOf } from '../lib/score-meaning.ts'
import { Histogram } from './Histogram.tsx'
import { ResultsList } from './ResultsList.tsx'
import { ExportButtons } from './ExportButtons.tsx'
import { Gallery, Suggestions } from './Gallery.tsx'
import { MethodPicker } from './MethodPicker.tsx'
import { useArchiveResults, useRanking } from './use-registry.ts'
import { SearchScope } from './SearchScope.tsx'
import { MakeSearchable } from './MakeSearchable.tsx'
import { ArchiveResults } from './ArchiveResults.tsx'

export function RankingSection() {
  const mode = useAppStore((s) => s.mode)
  const setMode = useAppStore((s) => s.setMode)
  const method = useAppStore((s) => s.method)
  const status = useAppStore((s) => s.rankingStatus)
  const loadStatus = useAppStore((s) => s.loadStatus)
  const summary = useAppStore((s) => s.summary)
  const ranking = useRanking()
  const archiveResults = useArchiveResults()
  const everywhere = useAppStore((s) => s.archive?.status === 'ready' && s.scope === 'everywhere')
  const archiveSearch = useAppStore((s) => s.archiveSearch)
  // The method's whole range, not the scores': the scale stays put while the query changes.
  const [lo, hi] = ranking?.range ?? [0, 0]
  const stableDomain = useMemo(() => rangeDomain([lo, hi]), [lo, hi])
  const domain = ranking ? stableDomain : null
  const scale = scoreScaleOf([lo, hi])

  return (
    <section className="section" aria-labelledby="ranking-heading" aria-busy={status === 'ranking' || archiveSearch === 'searching'}>
      <h2 id="ranking-heading">Most similar chips</h2>
      <SearchScope />
      <MakeSearchable />
      <MethodPicker />
      <div className="segmented" role="radiogroup" aria-label="How to compare chips">
        <button type="button" role="radio" aria-checked={mode === 'centred'} onClick={() => setMode('centred')}>
          Centred
        </button>
        <button type="button" role="radio" aria-checked={mode === 'raw'} onClick={() => setMode('raw')}>
          Raw
        </button>
      </div>
      <p className="muted small">
        {mode === 'centred'
          ? 'Centred (recommended) subtracts what all loaded chips have in common, so the differences between places decide the ranking.'
          : 'Raw compares the stored vectors as they are; with Clay v0 almost every pair then scores close to 1.'}
      </p>
      {everywhere && archiveResults ? (
        <ArchiveResults results={archiveResults} />
      ) : everywhere && archiveSearch === 'searching' ? (
        <p className="muted small" role="status" data-testid="archive-searching">
          Searching every place in this set…
        </p>
      ) : ranking && domain ? (
        <>
          <Histogram scores={ranking.scores} domain={domain} scale={scale} />
          <ExportButtons ranking={ranking} />
          {method === 'classifier' && <Suggestions ranking={ranking} />}
          <Gallery ranking={ranking} />
          <ResultsList ranking={ranking} />
        </>
      ) : (
        summary &&
        loadStatus !== 'loading' && (
          <p className="empty-state" data-testid="no-ranking">
            Click a chip on the map that shows the kind of place you are looking for. Every chip will be coloured by how much it looks like it.
          </p>
        )
      )}
    </section>
  )
}
