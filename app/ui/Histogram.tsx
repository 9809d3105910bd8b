import { useMemo } from 'react'
import { useAppStore } from '../state/store.ts'
import { countAtOrAbove, domainFraction, histogram, type ScoreDomain } from '../lib/histogram.ts'
import { viridis, viridisCssGradient } from '../lib/color-ramp.ts'
import { formatCount, formatScore } from '../lib/format.ts'
import { lossKeep } from '../lib/chip-filter.ts'
import { useLoadedChips } from './use-registry.ts'

const WIDTH = 300
const HEIGHT = 72
const BINS = 40

export function Histogram({ scores, domain }: { scores: Float32Array; domain: ScoreDomain }) {
  const threshold = useAppStore((s) => s.threshold)
  const setThreshold = useAppStore((s) => s.setThreshold)
  const hist = useMemo(() => histogram(scores, domain, BINS), [scores, domain])
  const max = Math.max(1, ...hist.counts)
  const lossFilter = useAppStore((s) => s.lossFilter)
  const chips = useLoadedChips()
  const shown = countAtOrAbove(scores, threshold, lossKeep(chips, lossFilter))
  const value = threshold ?? domain.min
  const barWidth = WIDTH / BINS

  return (
    <div className="histogram" data-testid="histogram">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={`Histogram of ${formatCount(scores.length)} scores`}>
        {Array.from(hist.counts, (c, k) => {
          const lo = domain.min + k * hist.binWidth
          const h = c === 0 ? 0 : Math.max(1.5, (Math.sqrt(c) / Math.sqrt(max)) * (HEIGHT - 2))
          const [r, g, b] = viridis(domainFraction(lo + hist.binWidth / 2, domain))
          const faded = threshold !== null && lo + hist.binWidth <= threshold
          return (
            <rect
              key={k}
              x={k * barWidth + 0.5}
              y={HEIGHT - h}
              width={barWidth - 1}
              height={h}
              fill={`rgb(${r} ${g} ${b})`}
              opacity={faded ? 0.25 : 1}
            />
          )
        })}
        {threshold !== null && (
          <line
            x1={domainFraction(threshold, domain) * WIDTH}
            x2={domainFraction(threshold, domain) * WIDTH}
            y1={0}
            y2={HEIGHT}
            stroke="#fff"
            strokeWidth={1.5}
          />
        )}
      </svg>
      <div className="legend-bar" style={{ background: viridisCssGradient() }} aria-hidden="true" />
      <div className="axis small">
        <span>{formatScore(domain.min)}</span>
        <span>score (cosine similarity)</span>
        <span>{formatScore(domain.max)}</span>
      </div>
      <label className="threshold">
        <span className="small">
          Hide chips below <strong data-testid="threshold-value">{threshold === null ? 'none' : formatScore(threshold)}</strong>
        </span>
        <input
          type="range"
          min={domain.min}
          max={domain.max}
          step={0.005}
          value={value}
          aria-label="Score threshold"
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
