import { useMemo } from 'react'
import { useAppStore } from '../state/store.ts'
import { countAtOrAbove, domainFraction, histogram, type ScoreDomain } from '../lib/histogram.ts'
import { viridis, viridisCssGradient } from '../lib/color-ramp.ts'
import { formatCount, formatScore } from '../lib/format.ts'
import { lossKeep } from '../lib/chip-filter.ts'
import { describeScore, scoreMeaning, type ScoreScale } from '../lib/score-meaning.ts'
import { NEGATIVE_COLOR, POSITIVE_COLOR } from '../map/layers.ts'
import { useLoadedChips } from './use-registry.ts'

const WIDTH = 300
const BARS = 72
/** Strip under the bars where the examples' marks sit. */
const MARKS = 12
const HEIGHT = BARS + MARKS
const BINS = 40

const rgb = ([r, g, b]: readonly number[]) => `rgb(${r} ${g} ${b})`

interface Mark {
  id: string
  kind: 'positive' | 'negative'
  score: number
}

/** Where the examples fall among the scores: one mark each, coloured as on the map. */
function useExampleMarks(scores: Float32Array): Mark[] {
  const positives = useAppStore((s) => s.positives)
  const negatives = useAppStore((s) => s.negatives)
  const chips = useLoadedChips()
  return useMemo(() => {
    if (!chips) return []
    const marks: Mark[] = []
    for (const [kind, ids] of [
      ['positive', positives],
      ['negative', negatives],
    ] as const) {
      for (const id of ids) {
        const row = chips.rowOf(id)
        const score = row === undefined ? undefined : scores[row]
        if (score !== undefined && Number.isFinite(score)) marks.push({ id, kind, score })
      }
    }
    // Negatives drawn last, so a red mark is never hidden under a white one.
    return marks
  }, [chips, positives, negatives, scores])
}

export function Histogram({ scores, domain, scale }: { scores: Float32Array; domain: ScoreDomain; scale: ScoreScale }) {
  const threshold = useAppStore((s) => s.threshold)
  const setThreshold = useAppStore((s) => s.setThreshold)
  const hist = useMemo(() => histogram(scores, domain, BINS), [scores, domain])
  const max = Math.max(1, ...hist.counts)
  const lossFilter = useAppStore((s) => s.lossFilter)
  const chips = useLoadedChips()
  const shown = countAtOrAbove(scores, threshold, lossKeep(chips, lossFilter))
  const marks = useExampleMarks(scores)
  const value = threshold ?? domain.min
  const barWidth = WIDTH / BINS
  const x = (score: number) => domainFraction(score, domain) * WIDTH
  const probability = scale === 'probability'
  const hasPositives = marks.some((m) => m.kind === 'positive')
  const hasNegatives = marks.some((m) => m.kind === 'negative')

  return (
    <div className="histogram" data-testid="histogram">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Histogram of ${formatCount(scores.length)} scores${marks.length ? `, with marks where your ${marks.length} examples score` : ''}`}
      >
        {Array.from(hist.counts, (c, k) => {
          const lo = domain.min + k * hist.binWidth
          const hi = lo + hist.binWidth
          const h = c === 0 ? 0 : Math.max(1.5, (Math.sqrt(c) / Math.sqrt(max)) * (BARS - 2))
          const [r, g, b] = viridis(domainFraction(lo + hist.binWidth / 2, domain))
          const faded = threshold !== null && hi <= threshold
          return (
            <g key={k}>
              {/* The whole column answers to the pointer, so short bars have a tooltip too. */}
              <rect x={k * barWidth} y={0} width={barWidth} height={BARS} fill="transparent">
                <title>{`${formatCount(c)} chip${c === 1 ? '' : 's'} score ${formatScore(lo)} to ${formatScore(hi)}: ${scoreMeaning((lo + hi) / 2, scale)}`}</title>
              </rect>
              <rect x={k * barWidth + 0.5} y={BARS - h} width={barWidth - 1} height={h} fill={`rgb(${r} ${g} ${b})`} opacity={faded ? 0.25 : 1} pointerEvents="none" />
            </g>
          )
        })}
        {threshold !== null && <line x1={x(threshold)} x2={x(threshold)} y1={0} y2={BARS} stroke="#fff" strokeWidth={1.5} pointerEvents="none" />}
        {marks.map((m) => {
          const colour = rgb(m.kind === 'positive' ? POSITIVE_COLOR : NEGATIVE_COLOR)
          const cx = x(m.score)
          return (
            <g key={`${m.kind}-${m.id}`} data-testid="histogram-mark" data-kind={m.kind} data-chip-id={m.id} data-score={m.score}>
              <title>{`${m.kind === 'positive' ? 'Positive' : 'Negative'} example ${m.id}: ${describeScore(m.score, scale)}`}</title>
              <line x1={cx} x2={cx} y1={0} y2={BARS} stroke={colour} strokeOpacity={0.55} strokeWidth={1} />
              <path d={`M ${cx} ${BARS + 1} L ${cx + 4} ${HEIGHT - 1} L ${cx - 4} ${HEIGHT - 1} Z`} fill={colour} stroke="#11151c" strokeWidth={0.75} />
            </g>
          )
        })}
      </svg>
      <div className="legend-bar" style={{ background: viridisCssGradient() }} aria-hidden="true" />
      <div className="axis small">
        <span>{formatScore(domain.min)}</span>
        <span>{probability ? 'score (the classifier’s confidence)' : 'score (cosine similarity)'}</span>
        <span>{formatScore(domain.max)}</span>
      </div>
      {(hasPositives || hasNegatives) && (
        <p className="small muted marks-key">
          Marks under the bars: where your examples score
          {hasPositives && (
            <>
              {' · '}
              <span className="mark-swatch" style={{ color: rgb(POSITIVE_COLOR) }} aria-hidden="true">
                ▲
              </span>{' '}
              more like this
            </>
          )}
          {hasNegatives && (
            <>
              {' · '}
              <span className="mark-swatch" style={{ color: rgb(NEGATIVE_COLOR) }} aria-hidden="true">
                ▲
              </span>{' '}
              not this
            </>
          )}
        </p>
      )}
      <label className="threshold">
        <span className="small">
          Hide chips below <strong data-testid="threshold-value">{threshold === null ? 'none' : formatScore(threshold)}</strong>
        </span>
        <input
          type="range"
          min={domain.min}
          max={domain.max}
          step={(domain.max - domain.min) / 400}
          value={value}
          aria-label="Score threshold"
          aria-valuetext={threshold === null ? 'none: every chip shown' : describeScore(threshold, scale)}
          data-testid="threshold"
          onChange={(e) => {
            const t = Number(e.target.value)
            setThreshold(t <= domain.min ? null : t)
          }}
        />
      </label>
      <p className="small" data-testid="threshold-count">
        {formatCount(shown)} of {formatCount(scores.length)} chips shown
        {threshold !== null && (
          <>
            {' · '}
            <button type="button" className="link" onClick={() => setThreshold(null)}>
              show all
            </button>
          </>
        )}
      </p>
    </div>
  )
}
