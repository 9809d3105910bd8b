// The map: a view of the store. MapLibre draws the basemap; deck.gl draws the chips on top
// through one overlay control. Layers are rebuilt from the store and the registry whenever a
// version number they depend on changes, and when the view moves a file between points,
// footprints and out of sight (layers.ts). Each rebuild is timed by its cause, and a new
// ranking is timed from the store to the first frame drawn with it (map-stats.ts).

import { useEffect, useRef, useState } from 'react'
import { Map as MapLibreMap, NavigationControl, ScaleControl, AttributionControl, setWorkerUrl, type ErrorEvent } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { MapboxOverlay } from '@deck.gl/mapbox'
import type { PickingInfo } from '@deck.gl/core'
import 'maplibre-gl/dist/maplibre-gl.css'
import { useAppStore, type AppState } from '../state/store.ts'
import { currentArchiveResults, currentRanking, type Registry } from '../services/resources/registry.ts'
import { archiveLayers } from './archive-layer.ts'
import { useServices } from '../services/context.ts'
import { buildLayers, segmentIndexOfLayer, segmentModes } from './layers.ts'
import type { MapViewState } from './chip-buffers.ts'
import { frameDrawn, mapStats, rankingStored, recordUpdate, type UpdateCause } from './map-stats.ts'
import { ChipTooltip, type HoverTip } from './ChipTooltip.tsx'
import { basemapStyle, REMOTE_SOURCE_IDS } from './basemaps.ts'
import { rangeDomain } from '../lib/histogram.ts'
import { lossKeep } from '../lib/chip-filter.ts'
import { roundView } from '../lib/url-state.ts'
import type { BasemapId } from '../lib/vocabulary.ts'
import { buildAreaLayers } from './area-layers.ts'
import { DrawControl, justFinishedDrawing } from './DrawControl.tsx'

setWorkerUrl(workerUrl)

const LAND_URL = new URL('basemap/land-50m.geojson', document.baseURI).href
/** Tile failures, with no tile loaded, before the map gives up on a remote basemap. */
const FAILURES_BEFORE_FALLBACK = 3

function prefersReducedMotion(): boolean {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false
}

function rowsOf(registry: Registry, ids: readonly string[]): number[] {
  const chips = registry.chips
  if (!chips) return []
  return ids.map((id) => chips.rowOf(id)).filter((r): r is number => r !== undefined)
}

function viewOf(map: MapLibreMap): MapViewState {
  const b = map.getBounds()
  return { bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom: map.getZoom() }
}

/** The drawn areas, and the chips under the area whose card is hovered or selected. */
function areaLayers(registry: Registry, s: AppState) {
  const id = s.hoveredArea ?? s.selectedArea
  const entry = id === null ? undefined : registry.areas.get(id)
  return buildAreaLayers({
    areas: s.areas,
    status: s.areaStatus,
    chips: registry.chips,
    highlight: id !== null && entry?.covered && entry.epoch === registry.epoch ? { id, rows: entry.covered } : null,
    version: `${s.areaVersion}:${Object.values(s.areaStatus)
      .map((st) => st.state)
      .join()}:${s.areas.map((a) => a.label).join()}`,
  })
}

function currentLayers(registry: Registry, s: AppState, view: MapViewState) {
  const chips = registry.chips
  const everywhere = s.archive?.status === 'ready' && s.scope === 'everywhere' ? archiveLayers(currentArchiveResults(registry), s.resultCount, s.archiveVersion) : []
  if (!chips) return [...areaLayers(registry, s), ...everywhere]
  const ranking = currentRanking(registry)
  return [...chipLayers(registry, s, view, chips, ranking), ...areaLayers(registry, s), ...everywhere]
}

function chipLayers(registry: Registry, s: AppState, view: MapViewState, chips: NonNullable<Registry['chips']>, ranking: ReturnType<typeof currentRanking>) {
  return buildLayers({
    epoch: registry.epoch,
    chips,
    files: registry.files,
    scores: ranking?.scores ?? null,
    domain: ranking ? rangeDomain(ranking.range) : null,
    threshold: s.threshold,
    positives: rowsOf(registry, s.positives),
    negatives: rowsOf(registry, s.negatives),
    hoveredRow: s.hoveredRow,
    rankingVersion: s.rankingVersion,
    datasetVersion: s.datasetVersion,
    coverageVersion: s.coverageVersion,
    colourBy: s.colourBy,
    lossDomain: lossDomainOf(chips),
    lossFilter: s.lossFilter,
    view,
  })
}

/** Which change a store update brings to the map, if any (the first that applies). */
function causeOf(s: AppState, prev: AppState): UpdateCause | null {
  if (s.rankingVersion !== prev.rankingVersion) return 'ranking'
  if (s.datasetVersion !== prev.datasetVersion || s.coverageVersion !== prev.coverageVersion) return 'data'
  if (s.threshold !== prev.threshold) return 'threshold'
  if (s.colourBy !== prev.colourBy || s.lossFilter !== prev.lossFilter) return 'filter'
  if (s.positives !== prev.positives || s.negatives !== prev.negatives) return 'selection'
  if (s.areas !== prev.areas || s.areaStatus !== prev.areaStatus || s.areaVersion !== prev.areaVersion || s.hoveredArea !== prev.hoveredArea || s.selectedArea !== prev.selectedArea)
    return 'selection'
  if (s.archiveVersion !== prev.archiveVersion || s.scope !== prev.scope || s.archive?.status !== prev.archive?.status || s.resultCount !== prev.resultCount) return 'selection'
  if (s.hoveredRow !== prev.hoveredRow) return 'hover'
  return null
}

const lossDomains = new WeakMap<object, { count: number; domain: { min: number; max: number } | null }>()

/** The loaded chips' loss range, cached until more chips arrive. */
function lossDomainOf(chips: NonNullable<Registry['chips']>) {
  const cached = lossDomains.get(chips)
  if (cached && cached.count === chips.count) return cached.domain
  const range = chips.lossRange()
  const domain = range ? { min: range[0], max: range[1] > range[0] ? range[1] : range[0] + 1 } : null
  lossDomains.set(chips, { count: chips.count, domain })
  return domain
}

/** Global row of a picked chip, if a chip layer was picked and the chip isn't filtered out. */
function pickedRow(registry: Registry, info: PickingInfo): number | null {
  const k = segmentIndexOfLayer(info.layer?.id)
  const segment = k === null ? undefined : registry.chips?.segments[k]
  if (!segment || info.index < 0) return null
  const row = segment.offset + info.index
  const keep = lossKeep(registry.chips, useAppStore.getState().lossFilter)
  return keep && !keep(row) ? null : row
}

export function MapView() {
  const { registry, mapHandle } = useServices()
  const container = useRef<HTMLDivElement>(null)
  const [tip, setTip] = useState<HoverTip | null>(null)
  const [size, setSize] = useState({ width: 0, height: 0 })

  useEffect(() => {
    const store = useAppStore
    const effectiveBasemap = (s: AppState): BasemapId => (s.basemapFallback ? 'offline' : s.basemap)
    // A link's view, else the whole world until the data is framed.
    const start = store.getState().linkView
    const map = new MapLibreMap({
      container: container.current!,
      style: basemapStyle(effectiveBasemap(store.getState()), LAND_URL),
      center: start ? [start.lon, start.lat] : [0, 20],
      zoom: start ? start.zoom : 1.5,
      attributionControl: false,
      // Shift-click marks a negative; MapLibre's shift-drag box zoom would swallow those clicks.
      boxZoom: false,
      fadeDuration: prefersReducedMotion() ? 0 : 300,
      canvasContextAttributes: { preserveDrawingBuffer: false },
    })
    map.addControl(new AttributionControl({ compact: true }), 'bottom-right')
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right')
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left')

    let frameStart = 0
    const overlay = new MapboxOverlay({
      interleaved: false,
      layers: [],
      onBeforeRender: () => {
        frameStart = performance.now()
      },
      onAfterRender: () => frameDrawn(performance.now() - frameStart),
      getCursor: ({ isHovering, isDragging }) => (isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab'),
      onClick: (info: PickingInfo, event) => {
        // While drawing an area, clicks place its corners.
        if (store.getState().drawMode !== null || justFinishedDrawing()) return
        const row = pickedRow(registry, info)
        if (row === null) return
        const id = registry.chips!.id(row)
        const s = store.getState()
        // Through MapboxOverlay, srcEvent is MapLibre's event; the DOM event sits inside it.
        const src = event.srcEvent as (MouseEvent & { originalEvent?: MouseEvent }) | undefined
        const shift = (src?.originalEvent ?? src)?.shiftKey === true
        s.toggleExample(id, shift || s.labelMode === 'negative' ? 'negative' : 'positive')
      },
      onHover: (info: PickingInfo) => {
        const row = pickedRow(registry, info)
        if (store.getState().hoveredRow !== row) store.getState().setHoveredRow(row)
        setTip(row === null ? null : { row, epoch: registry.epoch, x: info.x, y: info.y })
      },
    })
    map.addControl(overlay)
    mapHandle.attach(map)

    // Fall back to the offline basemap when the remote one can't be reached.
    let failures = 0
    let tilesLoaded = 0
    const onError = (e: ErrorEvent & { sourceId?: string }) => {
      const s = store.getState()
      if (s.basemapFallback || effectiveBasemap(s) === 'offline') return
      const remote = e.sourceId === undefined || REMOTE_SOURCE_IDS.has(e.sourceId)
      if (!remote) return
      failures++
      if ((tilesLoaded === 0 && failures >= FAILURES_BEFORE_FALLBACK) || !map.isStyleLoaded()) {
        s.fallBackToOfflineBasemap()
        s.notify('warning', 'The basemap could not be reached (are you offline?), so the offline map is shown. Pick a basemap to try again.')
      }
    }
    map.on('error', onError)
    map.on('sourcedata', (e) => {
      if (e.tile && e.sourceId && REMOTE_SOURCE_IDS.has(e.sourceId)) tilesLoaded++
    })

    let modesKey = ''
    const redraw = (cause: UpdateCause) => {
      const started = performance.now()
      const view = viewOf(map)
      const s = store.getState()
      overlay.setProps({ layers: currentLayers(registry, s, view) })
      mapStats.rankingVersion = s.rankingVersion
      modesKey = registry.chips ? segmentModes(registry.chips, view).join() : ''
      recordUpdate(cause, performance.now() - started)
    }
    // Moving the map only matters to the layers when a file turns between points, footprints
    // and out of sight.
    map.on('move', () => {
      if (registry.chips && segmentModes(registry.chips, viewOf(map)).join() !== modesKey) redraw('view')
    })
    const observer = new ResizeObserver(() => {
      const r = map.getContainer().getBoundingClientRect()
      setSize({ width: r.width, height: r.height })
    })
    observer.observe(map.getContainer())
    map.getCanvasContainer().addEventListener('pointerleave', () => setTip(null))
    const writeView = () => {
      const b = map.getBounds()
      const s = store.getState()
      s.setViewBounds([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()])
      const c = map.getCenter()
      const view = roundView({ lon: c.lng, lat: c.lat, zoom: map.getZoom() })
      const old = s.mapView
      if (!old || old.lon !== view.lon || old.lat !== view.lat || old.zoom !== view.zoom) s.setMapView(view)
    }
    map.on('moveend', writeView)
    map.once('load', writeView)
    const fitTo = (bbox: [number, number, number, number]) => {
      map.fitBounds(
        [
          [bbox[0], bbox[1]],
          [bbox[2], bbox[3]],
        ],
        { padding: 40, duration: 0, maxZoom: 12 },
      )
    }

    let shownEpoch = registry.epoch
    const unsubscribe = store.subscribe((s, prev) => {
      if (effectiveBasemap(s) !== effectiveBasemap(prev)) {
        failures = 0
        tilesLoaded = 0
        map.setStyle(basemapStyle(effectiveBasemap(s), LAND_URL))
      }
      if (s.fitRequest && s.fitRequest !== prev.fitRequest) fitTo(s.fitRequest.bbox)
      if (s.focus && s.focus !== prev.focus && registry.chips && s.focus.row < registry.chips.count) {
        const [w, so, e, n] = registry.chips.bounds(s.focus.row)
        map.fitBounds(
          [
            [w, so],
            [e, n],
          ],
          { padding: 120, maxZoom: 11, duration: prefersReducedMotion() ? 0 : 900 },
        )
      }
      const cause = causeOf(s, prev)
      if (cause === null) return
      // The ranking service stores a result in the registry, then bumps rankingVersion: start
      // the clock that the first frame drawn with it stops.
      if (cause === 'ranking' && currentRanking(registry)) rankingStored(s.rankingVersion)
      if (cause === 'data' && s.datasetVersion !== prev.datasetVersion && registry.epoch !== shownEpoch) {
        shownEpoch = registry.epoch
        setTip(null)
      }
      redraw(cause)
    })
    const { fitRequest } = store.getState()
    if (fitRequest) fitTo(fitRequest.bbox)
    if (registry.chips || store.getState().areas.length > 0) redraw('data')

    return () => {
      unsubscribe()
      observer.disconnect()
      mapHandle.detach(map)
      map.remove()
    }
  }, [registry, mapHandle])

  return (
    <>
      <div ref={container} className="map" data-testid="map" role="region" aria-label="Map of chips" />
      <ChipTooltip tip={tip} width={size.width} height={size.height} />
      <DrawControl />
    </>
  )
}
