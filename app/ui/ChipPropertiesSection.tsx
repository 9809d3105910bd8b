import { useMemo } from 'react'
import { useAppStore } from '../state/store.ts'
import { useLoadedChips } from './use-registry.ts'
import { viridisCssGradient } from '../lib/color-ramp.ts'
import { formatCount } from '../lib/format.ts'
import { lossKeep } from '../lib/chip-filter.ts'

/** Shown when the loaded chips carry the newer Clay schema's reconstruction loss. */
export function ChipPropertiesSection() {
  const chips = useLoadedChips()
  const version = useAppStore((s) => s.datasetVersion)
  const colourBy = useAppStore((s) => s.colourBy)
  const lossFilter = useAppStore((s) => s.lossFilter)
  const setColourBy = useAppStore((s) => s.setColourBy)
  const setLossFilter = useAppStore((s) => s.setLossFilter)
  // The range only changes when chips arrive, which `version` tracks.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const range = useMemo(() => chips?.lossRange() ?? null, [chips, version])
  const hidden = useMemo(() => {
    const keep = lossKeep(chips, lossFilter)
    if (!chips || !keep) return 0
    let n = 0
    for (let row = 0; row < chips.count; row++) if (!keep(row)) n++
    return n
  }, [chips, lossFilter])
  if (!chips || !range) return null
  const [lo, hi] = range
  const [min, max] = lossFilter ?? range
  const step = (hi - lo) / 200 || 0.001
  const set = (a: number, b: number) => setLossFilter(a <= lo && b >= hi ? null : [Math.min(a, b), Math.max(a, b)])

  return (
    <section className="section" aria-labelledby="properties-heading">
      <h2 id="properties-heading">Chip properties</h2>
      <p className="muted small">
        These chips carry the model’s reconstruction loss: how hard each chip was to rebuild. It is high on unusual places and very low on
        clouds.
      </p>
      <div className="segmented" role="radiogroup" aria-label="Colour chips by">
        <button type="button" role="radio" aria-checked={colourBy === 'score'} onClick={() => setColourBy('score')}>
          Similarity
        </button>
        <button type="button" role="radio" aria-checked={colourBy === 'loss'} onClick={() => setColourBy('loss')}>
          Loss
        </button>
      </div>
      {colourBy === 'loss' && (
        <div>
          <div className="legend-bar" style={{ background: viridisCssGradient() }} aria-hidden="true" />
          <div className="axis small">
            <span>{lo.toFixed(2)}</span>
            <span>loss</span>
            <span>{hi.toFixed(2)}</span>
          </div>
        </div>
      )}
      <label className="threshold small">
        Hide chips with loss below <strong>{min.toFixed(2)}</strong>
        <input type="range" min={lo} max={hi} step={step} value={min} aria-label="Lowest loss shown" onChange={(e) => set(Number(e.target.value), max)} />
      </label>
      <label className="threshold small">
        Hide chips with loss above <strong>{max.toFixed(2)}</strong>
        <input type="range" min={lo} max={hi} step={step} value={max} aria-label="Highest loss shown" onChange={(e) => set(min, Number(e.target.value))} />
      </label>
      <p className="small" data-testid="loss-hidden">
        {formatCount(hidden)} chips hidden by loss
        {lossFilter && (
          <>
            {' · '}
            <button type="button" className="link" onClick={() => setLossFilter(null)}>
              show all
            </button>
          </>
        )}
      </p>
    </section>
  )
}
