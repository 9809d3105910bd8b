// Drawing an area on the map: a small toolbar (rectangle, polygon, point) over the map, and
// terra-draw doing the drawing while a tool is on. A finished shape is checked (an outline that
// crosses itself is refused, with a message, and the tool stays on to draw it again), rounded to
// what a link keeps, and added as an example with the current label (an undoable step). The
// terra-draw feature is then removed: the area is drawn by area-layers.ts from the store, like
// every other example. Esc cancels; one area per press of a tool.

import { useEffect } from 'react'
import { TerraDraw, TerraDrawPointMode, TerraDrawPolygonMode, TerraDrawRectangleMode, type GeoJSONStoreFeatures } from 'terra-draw'
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter'
import { areaProblem, SELF_INTERSECTING_MESSAGE, tidyRing, type AreaShape } from '../lib/areas/area.ts'
import { useAppStore, type AppState } from '../state/store.ts'
import { useServices } from '../services/context.ts'

type Tool = NonNullable<AppState['drawMode']>

const TOOLS: { tool: Tool; label: string; hint: string }[] = [
  { tool: 'rectangle', label: 'Rectangle', hint: 'Click one corner, then the opposite corner.' },
  { tool: 'polygon', label: 'Polygon', hint: 'Click each corner; click the first corner again (or press Enter) to finish.' },
  { tool: 'point', label: 'Point', hint: 'Click the place.' },
]

const LINE = '#ffcc00'

/** When the last shape was finished: the click that finished it must not also label a chip. */
let finishedAt = -Infinity

/** True just after a shape was finished (the map ignores that click). */
export function justFinishedDrawing(): boolean {
  return performance.now() - finishedAt < 500
}

/** The drawn feature as an area outline: lon/lat, open ring (one vertex for a point). */
function ringOf(feature: GeoJSONStoreFeatures): [number, number][] | null {
  const g = feature.geometry
  if (g.type === 'Point') return [[g.coordinates[0]!, g.coordinates[1]!]]
  if (g.type === 'Polygon' && g.coordinates[0]) return g.coordinates[0].map((p) => [p[0]!, p[1]!] as [number, number])
  return null
}

/** Take a finished drawing: refuse it with a message, or add it as an example. True when added. */
export function takeDrawing(shape: AreaShape, raw: [number, number][]): boolean {
  const s = useAppStore.getState()
  const ring = tidyRing(raw)
  const problem = areaProblem(shape, ring)
  if (problem) {
    s.notify('error', /crosses itself/.test(problem) ? SELF_INTERSECTING_MESSAGE : `That area can’t be used: ${problem}.`)
    return false
  }
  const id = s.addArea({ label: s.labelMode, shape, ring })
  s.setSelectedArea(id)
  return true
}

/** Runs terra-draw while a tool is on. */
function useTerraDraw(): void {
  const { mapHandle } = useServices()
  useEffect(() => {
    const store = useAppStore
    let draw: TerraDraw | null = null
    let tool: Tool | null = null

    const stopDrawing = () => {
      if (!draw) return
      draw.stop()
      draw = null
      tool = null
    }
    const startDrawing = (next: Tool) => {
      const map = mapHandle.current()
      if (!map) return
      if (draw && tool === next) return
      stopDrawing()
      const styles = { fillColor: LINE, fillOpacity: 0.15, outlineColor: LINE, outlineWidth: 2, closingPointColor: LINE, closingPointOutlineColor: '#000000' } as const
      draw = new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map }),
        modes: [
          new TerraDrawRectangleMode({ drawInteraction: 'click-move-or-drag', styles: { fillColor: LINE, fillOpacity: 0.15, outlineColor: LINE, outlineWidth: 2 } }),
          new TerraDrawPolygonMode({ styles }),
          new TerraDrawPointMode({ styles: { pointColor: LINE, pointOutlineColor: '#000000', pointWidth: 6 } }),
        ],
      })
      const d = draw
      d.start()
      d.setMode(next)
      tool = next
      d.on('finish', (id) => {
        finishedAt = performance.now()
        const feature = d.getSnapshotFeature(id)
        // Drawn by the area layers from now on.
        d.removeFeatures([id])
        const ring = feature ? ringOf(feature) : null
        if (!ring || tool === null) return
        if (takeDrawing(tool, ring)) store.getState().setDrawMode(null)
      })
    }
    const apply = (mode: AppState['drawMode']) => {
      if (mode === null) return stopDrawing()
      const map = mapHandle.current()
      if (map && !map.isStyleLoaded()) map.once('idle', () => store.getState().drawMode === mode && startDrawing(mode))
      else startDrawing(mode)
    }
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.drawMode !== prev.drawMode) apply(s.drawMode)
      // A new basemap style drops terra-draw's layers: start it again on the new style.
      if (s.drawMode !== null && (s.basemap !== prev.basemap || s.basemapFallback !== prev.basemapFallback)) {
        stopDrawing()
        mapHandle.current()?.once('idle', () => store.getState().drawMode && startDrawing(store.getState().drawMode!))
      }
    })
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && store.getState().drawMode !== null) store.getState().setDrawMode(null)
    }
    window.addEventListener('keydown', onKey)
    apply(store.getState().drawMode)
    return () => {
      unsubscribe()
      window.removeEventListener('keydown', onKey)
      stopDrawing()
    }
  }, [mapHandle])
}

/** The drawing tools, over the map. */
export function DrawControl() {
  useTerraDraw()
  const drawMode = useAppStore((s) => s.drawMode)
  const labelMode = useAppStore((s) => s.labelMode)
  const setDrawMode = useAppStore((s) => s.setDrawMode)
  const active = TOOLS.find((t) => t.tool === drawMode)
  return (
    <div className="draw-control" role="toolbar" aria-label="Draw an area" data-testid="draw-control">
      <span className="draw-title">Draw area</span>
      {TOOLS.map(({ tool, label }) => (
        <button
          key={tool}
          type="button"
          aria-pressed={drawMode === tool}
          title={`Draw a ${label.toLowerCase()} to use as a “${labelMode === 'positive' ? 'more like this' : 'not like this'}” example`}
          onClick={() => setDrawMode(drawMode === tool ? null : tool)}
        >
          {label}
        </button>
      ))}
      {active && (
        <p className="draw-hint" role="status">
          {active.hint} It will be a {labelMode === 'positive' ? '“more like this”' : '“not like this”'} example. Esc cancels.{' '}
          <button type="button" className="link" onClick={() => setDrawMode(null)}>
            Cancel
          </button>
        </p>
      )}
    </div>
  )
}
