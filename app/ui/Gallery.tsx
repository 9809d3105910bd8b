import { useMemo, useState } from 'react'
import { useAppStore } from '../state/store.ts'
import { rankedRows } from '../lib/export.ts'
import { lossKeep } from '../lib/chip-filter.ts'
import { formatScore } from '../lib/format.ts'
import { describeScore, scoreScaleOf } from '../lib/score-meaning.ts'
import type { ChipCollection } from '../lib/chip-collection.ts'
import type { CurrentRanking } from '../services/resources/registry.ts'
import { useLoadedChips } from './use-registry.ts'
import { useImagery, type ImageryChoice } from './imagery.ts'
import { Thumbnail } from './Thumbnail.tsx'
import { LabelBadge, LabelButtons, useExampleLabel } from './LabelButtons.tsx'

/** Pictures shown at first, and added by each "Show more". */
export const GALLERY_PAGE = 12
const GALLERY_MAX = 96

function GalleryItem({
  chips,
  row,
  rank,
  score,
  ranking,
  imagery,
}: {
  chips: ChipCollection
  row: number
  rank: number | null
  score: number | undefined
  ranking: CurrentRanking
  imagery: ImageryChoice
}) {
  const focusRow = useAppStore((s) => s.focusRow)
  const setHoveredRow = useAppStore((s) => s.setHoveredRow)
  const id = chips.id(row)
  const label = useExampleLabel(id)
  const ring = useMemo(() => chips.ring(row), [chips, row])
  const meaning = score === undefined ? 'not scored yet' : describeScore(score, scoreScaleOf(ranking.range))
  return (
    <li
      className={`gallery-item${label ? ` ${label}` : ''}`}
      data-testid="gallery-item"
      data-chip-id={id}
      data-label={label ?? ''}
      data-bbox={chips.bounds(row).join(',')}
      onMouseEnter={() => setHoveredRow(row)}
      onMouseLeave={() => setHoveredRow(null)}
    >
      <button type="button" className="thumb-button" onClick={() => focusRow(row)} onFocus={() => setHoveredRow(row)} title={`Show ${id} on the map`}>
        <Thumbnail ring={ring} imagery={imagery} label={`Picture of ${id}`} />
        <span className="visually-hidden">Show {id} on the map</span>
      </button>
      <LabelBadge label={label} />
      <LabelButtons id={id} label={label} />
      <div className="gallery-caption small">
        {rank !== null && <span className="muted">#{rank}</span>}
        <span className="score" title={meaning} data-testid="gallery-score">
          {score === undefined ? '' : formatScore(score)}
        </span>
      </div>
    </li>
  )
}

function ImageryCredit({ imagery }: { imagery: ImageryChoice }) {
  return (
    <p className="small muted gallery-credit" data-testid="imagery-credit">
      {imagery.source ? `Pictures: ${imagery.credit}.` : imagery.detail}
    </p>
  )
}

/** Grid of chip pictures, each with its score and +/− buttons. */
function GalleryGrid({
  chips,
  ranking,
  items,
  label,
  testId,
}: {
  chips: ChipCollection
  ranking: CurrentRanking
  items: { row: number; rank: number | null }[]
  label: string
  testId: string
}) {
  const imagery = useImagery()
  return (
    <ul className="gallery" aria-label={label} data-testid={testId}>
      {items.map(({ row, rank }) => (
        <GalleryItem key={row} chips={chips} row={row} rank={rank} score={ranking.scores[row]} ranking={ranking} imagery={imagery} />
      ))}
    </ul>
  )
}

/** Pictures of the best chips (above the threshold, kept by the loss filter), a page at a time. */
export function Gallery({ ranking }: { ranking: CurrentRanking }) {
  const threshold = useAppStore((s) => s.threshold)
  const lossFilter = useAppStore((s) => s.lossFilter)
  const chips = useLoadedChips()
  const imagery = useImagery()
  const [shown, setShown] = useState(GALLERY_PAGE)
  const rows = useMemo(
    () => (chips ? rankedRows(ranking.top, ranking.scores, threshold, Math.min(GALLERY_MAX, shown + 1), lossKeep(chips, lossFilter)) : []),
    [chips, ranking, threshold, lossFilter, shown],
  )
  if (!chips || rows.length === 0) return null
  const more = rows.length > shown && shown < GALLERY_MAX
  return (
    <div className="gallery-wrap">
      <h3 className="small muted" id="gallery-heading">
        Pictures of the top {Math.min(shown, rows.length)}
      </h3>
      <GalleryGrid chips={chips} ranking={ranking} items={rows.slice(0, shown)} label="Pictures of the best matches" testId="gallery" />
      {more && (
        <button type="button" className="link small" onClick={() => setShown((n) => Math.min(GALLERY_MAX, n + GALLERY_PAGE))}>
          Show {GALLERY_PAGE} more
        </button>
      )}
      <ImageryCredit imagery={imagery} />
    </div>
  )
}

/**
 * The classifier's questions: unlabelled chips it is least sure about. Labelling them teaches it
 * the most, because they are the ones it can't yet tell apart.
 */
export function Suggestions({ ranking }: { ranking: CurrentRanking }) {
  const chips = useLoadedChips()
  const positives = useAppStore((s) => s.positives)
  const negatives = useAppStore((s) => s.negatives)
  const items = useMemo(() => {
    if (!chips) return []
    const labelled = new Set([...positives, ...negatives])
    // A chip labelled since the ranking came back leaves at once, not at the next ranking.
    return Array.from(ranking.suggestions)
      .filter((row) => row < chips.count && !labelled.has(chips.id(row)))
      .map((row) => ({ row, rank: null }))
  }, [chips, ranking, positives, negatives])
  if (!chips) return null
  return (
    <div className="suggestions" role="region" aria-labelledby="suggestions-heading">
      <h3 id="suggestions-heading">Suggest chips to label</h3>
      <p className="small muted">
        The classifier is least sure about these chips. Labelling them teaches it the most: press + if a chip is the kind of place you want, − if
        it isn’t.
      </p>
      {items.length > 0 ? (
        <GalleryGrid chips={chips} ranking={ranking} items={items} label="Chips to label" testId="suggestions" />
      ) : (
        <p className="small muted" data-testid="no-suggestions">
          {ranking.method === 'classifier' ? 'No suggestions right now: the classifier is sure about every chip it has seen.' : 'Suggestions come with the classifier’s next ranking.'}
        </p>
      )}
    </div>
  )
}
