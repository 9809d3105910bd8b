// The whole-archive results on the map: one marker per place, at any zoom (most lie in files
// that were never loaded, so there is no footprint to draw), coloured by score like the chips,
// the best drawn on top. Clicking a result in the list flies there; its file then loads and the
// chip shows as usual.

import { ScatterplotLayer } from '@deck.gl/layers'
import type { Layer } from '@deck.gl/core'
import { viridis } from '../lib/color-ramp.ts'
import type { ArchiveResults } from '../services/resources/registry.ts'

interface Marker {
  i: number
  position: [number, number]
}

export function archiveLayers(results: ArchiveResults | null, count: number, version: number): Layer[] {
  if (!results || results.ids.length === 0) return []
  const n = Math.min(count, results.ids.length)
  // Worst first, so the best are drawn last (on top).
  const data: Marker[] = Array.from({ length: n }, (_, k) => {
    const i = n - 1 - k
    return { i, position: [results.lon[i]!, results.lat[i]!] }
  })
  const colour = (i: number): [number, number, number] => viridis(Math.max(0, Math.min(1, (results.scores[i]! + 1) / 2)))
  return [
    new ScatterplotLayer<Marker>({
      id: 'archive-results',
      data,
      getPosition: (d) => d.position,
      getFillColor: (d) => colour(d.i),
      getLineColor: [255, 255, 255],
      stroked: true,
      filled: true,
      radiusUnits: 'pixels',
      getRadius: (d) => (d.i < 10 ? 8 : 5),
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      updateTriggers: { getFillColor: version, getRadius: version, getPosition: version },
    }),
  ]
}
