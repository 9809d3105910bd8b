// The drawn areas among the examples: one small card each with its shape, its label (switchable
// between "more like this" and "not like this"), where its vector stands (progress with Cancel,
// what went into it, or why it failed with Retry), and Remove. Hovering or picking a card outlines
// the chips it covers on the map.

import { useEffect, useRef, useState } from 'react'
import { describeArea, type DrawnArea } from '../lib/areas/area.ts'
import { ringBBox } from '../lib/geometry/polygon.ts'
import { formatBytes } from '../lib/format.ts'
import { useServices } from '../services/context.ts'
import { useAppStore, type AreaStatus } from '../state/store.ts'

/** The box to show an area in: its outline's box, or about 1 km around a point. */
function bboxOf(ring: readonly [number, number][]): [number, number, number, number] {
  const [w, s, e, n] = ringBBox(ring)
  const pad = ring.length === 1 ? 0.01 : 0
  return [w - pad, s - pad, e + pad, n + pad]
}

function Progress({ step }: { step: NonNullable<AreaStatus['step']> }) {
  const { loaded, total } = step
  const known = loaded !== undefined && total !== undefined && total !== null && total > 0
  const amount = loaded === undefined ? '' : step.step === 'model' || step.step === 'imagery' ? formatBytes(loaded) : String(loaded)
  const of = known ? ` of ${step.step === 'model' || step.step === 'imagery' ? formatBytes(total) : total}` : ''
  return (
    <div className="area-progress">
      <span>
        {step.label}
        {amount ? ` (${amount}${of})` : ''}…
      </span>
      {known ? <progress max={total} value={loaded} aria-label={step.label} /> : <progress aria-label={step.label} />}
    </div>
  )
}

function Preview({ id, version }: { id: string; version: number }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const preview = useServices().registry.areas.get(id)?.preview
  useEffect(() => {
    const c = canvas.current
    if (!c || !preview) return
    c.width = preview.width
    c.height = preview.height
    c.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(preview.rgba), preview.width, preview.height), 0, 0)
  }, [preview, version])
  if (!preview) return null
  return <canvas ref={canvas} className="area-preview" aria-label="The imagery used, in true colour" role="img" />
}

function StatusLine({ area, status, version }: { area: DrawnArea; status: AreaStatus | undefined; version: number }) {
  const areas = useServices().areas
  if (!status) return <p className="area-status muted small">Waiting…</p>
  if (status.state === 'working')
    return (
      <div className="area-status small" role="status">
        {status.step ? <Progress step={status.step} /> : 'Working…'}{' '}
        <button type="button" className="link small" onClick={() => areas.cancel(area.id)} aria-label={`Cancel area ${area.id}`}>
          Cancel
        </button>
      </div>
    )
  if (status.state === 'error')
    return (
      <div className="area-status error small" role="alert">
        <span data-testid="area-message">{status.message}</span>{' '}
        <button type="button" className="link small" onClick={() => areas.retry(area.id)} aria-label={`Retry area ${area.id}`}>
          Retry
        </button>
      </div>
    )
  const info = status.info
  return (
    <div className="area-status muted small">
      {info && (
        <span>
          {status.mode === 'stored' ? `Mean of ${info.chips} loaded chip${info.chips === 1 ? '' : 's'}` : `Encoded from ${info.chips} chip${info.chips === 1 ? '' : 's'}`}
          {info.scene ? ` · ${info.scene.id}, ${info.scene.datetime.slice(0, 10)}, ${info.scene.cloudCover === null ? 'cloud cover unknown' : `${Math.round(info.scene.cloudCover)} % cloud`}` : ''}
          {info.backend ? ` · ${info.backend}` : ''}
        </span>
      )}
      {info?.notes.map((n) => (
        <span key={n} className="area-note">
          {' '}
          {n}
        </span>
      ))}
      <Preview id={area.id} version={version} />
    </div>
  )
}

/** The imagery dates of an area in encoder mode: shown, and changeable (a new search). Keyed by
 * the area's dates, so the dates the search settles on (after the first run) show afresh. */
function AreaDates({ area }: { area: DrawnArea }) {
  const setAreaDates = useAppStore((s) => s.setAreaDates)
  const [from, setFrom] = useState(area.dates?.from ?? '')
  const [to, setTo] = useState(area.dates?.to ?? '')
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to
  const changed = from !== (area.dates?.from ?? '') || to !== (area.dates?.to ?? '')
  return (
    <form
      className="area-dates small"
      onSubmit={(e) => {
        e.preventDefault()
        if (valid) setAreaDates(area.id, { from, to })
      }}
    >
      <span>Imagery from</span>{' '}
      <input type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} aria-label={`Imagery of area ${area.id.slice(1)} from`} />{' '}
      <span>to</span>{' '}
      <input type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} aria-label={`Imagery of area ${area.id.slice(1)} to`} />{' '}
      <button type="submit" className="small" disabled={!valid || !changed}>
        Search these dates
      </button>
      {!valid && (from || to) ? <span className="error"> Pick a start date on or before the end date.</span> : null}
    </form>
  )
}

function AreaCard({ area }: { area: DrawnArea }) {
  const status = useAppStore((s) => s.areaStatus[area.id])
  const selected = useAppStore((s) => s.selectedArea === area.id)
  const version = useAppStore((s) => s.areaVersion)
  const { setAreaLabel, removeArea, setHoveredArea, setSelectedArea, fitTo } = useAppStore.getState()
  const other = area.label === 'positive' ? 'negative' : 'positive'
  return (
    <li
      className={`area-card ${area.label}${selected ? ' selected' : ''}`}
      data-testid="area-card"
      data-area-id={area.id}
      data-label={area.label}
      data-state={status?.state ?? 'waiting'}
      onMouseEnter={() => setHoveredArea(area.id)}
      onMouseLeave={() => useAppStore.getState().hoveredArea === area.id && setHoveredArea(null)}
    >
      <div className="area-head">
        <span className={`badge ${area.label}`} aria-hidden="true">
          {area.label === 'positive' ? '+' : '−'}
        </span>
        <button
          type="button"
          className="link area-name"
          aria-pressed={selected}
          title="Show this area on the map and outline its chips"
          onClick={() => {
            setSelectedArea(selected ? null : area.id)
            fitTo(bboxOf(area.ring))
          }}
        >
          Area {area.id.slice(1)}: {describeArea(area)}
        </button>
        <button
          type="button"
          className="icon"
          aria-label={`Use area ${area.id} as ${other === 'positive' ? '“more like this”' : '“not like this”'}`}
          title={other === 'positive' ? 'Make it “more like this”' : 'Make it “not like this”'}
          onClick={() => setAreaLabel(area.id, other)}
        >
          {other === 'positive' ? '+' : '−'}
        </button>
        <button type="button" className="icon" aria-label={`Remove area ${area.id}`} title="Remove" onClick={() => removeArea(area.id)}>
          ×
        </button>
      </div>
      <StatusLine area={area} status={status} version={version} />
      {status?.mode === 'encoder' && status.state !== 'working' && <AreaDates key={`${area.dates?.from}|${area.dates?.to}`} area={area} />}
    </li>
  )
}

export function AreaList() {
  const areas = useAppStore((s) => s.areas)
  if (areas.length === 0) return null
  return (
    <ul className="areas" aria-label="Drawn areas" data-testid="areas">
      {areas.map((a) => (
        <AreaCard key={a.id} area={a} />
      ))}
    </ul>
  )
}
