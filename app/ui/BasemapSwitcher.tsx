import { useAppStore } from '../state/store.ts'
import { BASEMAPS } from '../lib/vocabulary.ts'
import { BASEMAP_LABELS } from '../map/basemaps.ts'

export function BasemapSwitcher() {
  const basemap = useAppStore((s) => s.basemap)
  const fallback = useAppStore((s) => s.basemapFallback)
  const setBasemap = useAppStore((s) => s.setBasemap)
  return (
    <div className="basemap-switcher segmented" role="radiogroup" aria-label="Basemap">
      {BASEMAPS.map((id) => (
        <button key={id} type="button" role="radio" aria-checked={basemap === id} onClick={() => setBasemap(id)}>
          {BASEMAP_LABELS[id]}
          {basemap === id && fallback && id !== 'offline' ? ' (unreachable)' : ''}
        </button>
      ))}
    </div>
  )
}
