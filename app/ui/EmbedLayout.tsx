// The page as an embed (`embed=1`, in another site's iframe): the map first, and a compact panel
// with the essentials: what is open, how many examples, the histogram with its threshold and the
// top results, and a link to the full app with the same search. No dataset picker, no method or
// export panels: the full app has them. From 320 px wide the panel sits under the map; from
// 640 px beside it (app/styles.css, "Embed mode").

import { useMemo, useState, type SyntheticEvent } from 'react'
import { MapView } from '../map/MapView.tsx'
import { Notices } from './Notices.tsx'
import { Histogram } from './Histogram.tsx'
import { ResultsList } from './ResultsList.tsx'
import { useAppStore } from '../state/store.ts'
import { useRanking } from './use-registry.ts'
import { rangeDomain } from '../lib/histogram.ts'
import { scoreScaleOf } from '../lib/score-meaning.ts'
import { datasetLabel, formatCount } from '../lib/format.ts'
import { fullAppHref } from '../services/resources/app-links.ts'

function EmbedRanking() {
  const ranking = useRanking()
  const loadStatus = useAppStore((s) => s.loadStatus)
  const loadError = useAppStore((s) => s.loadError)
  const summary = useAppStore((s) => s.summary)
  const [lo, hi] = ranking?.range ?? [0, 0]
  const domain = useMemo(() => rangeDomain([lo, hi]), [lo, hi])
  if (loadStatus === 'error' && loadError) {
    return (
      <p className="load-error small" data-testid="load-error" role="alert">
        {loadError}
      </p>
    )
  }
  if (!ranking) {
    return summary && loadStatus !== 'loading' ? (
      <p className="small muted" data-testid="no-ranking">
        Click a chip on the map to find places that look like it.
      </p>
    ) : null
  }
  return (
    <>
      <Histogram scores={ranking.scores} domain={domain} scale={scoreScaleOf([lo, hi])} />
      <ResultsList ranking={ranking} />
    </>
  )
}

/** Point the link at the current search just before it is followed: built then from the store,
 * rather than re-encoded on every store change (hovering the map changes the store). */
const refreshHref = (e: SyntheticEvent<HTMLAnchorElement>) => {
  e.currentTarget.href = fullAppHref()
}

export function EmbedLayout() {
  const [open, setOpen] = useState(true)
  const summary = useAppStore((s) => s.summary)
  const loadStatus = useAppStore((s) => s.loadStatus)
  const collectionTitle = useAppStore((s) => s.collectionTitle)
  const examples = useAppStore((s) => s.positives.length + s.negatives.length + s.areas.length)
  const label = summary ? datasetLabel(summary) : (collectionTitle ?? (loadStatus === 'loading' ? 'Loading…' : 'No dataset loaded'))

  return (
    <div className="embed-app" data-testid="embed">
      <main className="map-wrap">
        <MapView />
        <Notices />
      </main>
      <section className="embed-panel" aria-label="Search">
        <div className="embed-bar">
          <p className="embed-dataset" data-testid="dataset-label" title={label}>
            {label}
          </p>
          <span className="small muted" data-testid="embed-examples">
            {formatCount(examples)} example{examples === 1 ? '' : 's'}
          </span>
          <button type="button" className="small" aria-expanded={open} aria-controls="embed-drawer" onClick={() => setOpen(!open)}>
            {open ? 'Hide results' : 'Results'}
          </button>
          <a
            className="embed-open small"
            href={fullAppHref()}
            target="_blank"
            rel="noopener"
            onPointerDown={refreshHref}
            onFocus={refreshHref}
            onClick={refreshHref}
            onContextMenu={refreshHref}
          >
            Open in Chipfinder ↗
          </a>
        </div>
        <div id="embed-drawer" className="embed-drawer" hidden={!open}>
          <EmbedRanking />
        </div>
      </section>
    </div>
  )
}
