// The drawn areas on the map, from one pure function of the areas, their status and the chips:
// each outline in its label's colour (the chip examples' colours), filled faintly; an area whose
// vector is being made, dashed in amber; and the chips an area covers (stored-vector mode),
// outlined while its card is hovered or selected.

import { PathLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers'
import { PathStyleExtension, type PathStyleExtensionProps } from '@deck.gl/extensions'
import type { Layer } from '@deck.gl/core'
import type { DrawnArea } from '../lib/areas/area.ts'
import type { ChipCollection } from '../lib/chip-collection.ts'
import type { AreaStatus } from '../state/store.ts'
import { NEGATIVE_COLOR, POSITIVE_COLOR } from './layers.ts'

/** An area whose vector is being made. */
export const WORKING_COLOR: [number, number, number] = [255, 204, 0]
/** The chips under the highlighted area. */
export const COVERED_COLOR: [number, number, number] = [90, 200, 250]

export interface AreaLayersInput {
  areas: readonly DrawnArea[]
  status: Readonly<Record<string, AreaStatus>>
  chips: ChipCollection | null
  /** The area whose covered chips to outline, and those rows (registry.areas). */
  highlight: { id: string; rows: Uint32Array } | null
  /** Changes whenever the layers' data may (the store's areaVersion and the areas). */
  version: string
}

interface AreaDatum {
  area: DrawnArea
  path: [number, number][]
  working: boolean
}

const colourOf = (d: AreaDatum): [number, number, number] => (d.working ? WORKING_COLOR : d.area.label === 'positive' ? POSITIVE_COLOR : NEGATIVE_COLOR)
const dashed = [new PathStyleExtension({ dash: true })]

export function buildAreaLayers(input: AreaLayersInput): Layer[] {
  const data: AreaDatum[] = input.areas.map((area) => ({
    area,
    // Closed for drawing.
    path: area.shape === 'point' ? area.ring : [...area.ring, area.ring[0]!],
    working: input.status[area.id]?.state === 'working',
  }))
  const shapes = data.filter((d) => d.area.shape !== 'point')
  const points = data.filter((d) => d.area.shape === 'point')
  const covered: { path: [number, number][] }[] = []
  const chips = input.chips
  if (input.highlight && chips) for (const row of input.highlight.rows) if (row < chips.count) covered.push({ path: chips.ring(row) })
  const triggers = { getFillColor: input.version, getColor: input.version, getLineColor: input.version, getDashArray: input.version }
  return [
    new PathLayer<{ path: [number, number][] }>({
      id: 'area-covered',
      data: covered,
      getPath: (d) => d.path,
      getColor: COVERED_COLOR,
      getWidth: 2,
      widthUnits: 'pixels',
    }),
    new SolidPolygonLayer<AreaDatum>({
      id: 'areas-fill',
      data: shapes,
      getPolygon: (d) => d.area.ring,
      getFillColor: (d) => [...colourOf(d), d.working ? 30 : 45],
      updateTriggers: triggers,
    }),
    new PathLayer<AreaDatum, PathStyleExtensionProps<AreaDatum>>({
      id: 'areas-outline',
      data: shapes,
      getPath: (d) => d.path,
      getColor: colourOf,
      getWidth: 2.5,
      widthUnits: 'pixels',
      jointRounded: true,
      getDashArray: (d) => (d.working ? [4, 3] : [0, 0]),
      dashJustified: true,
      extensions: dashed,
      updateTriggers: triggers,
    }),
    new ScatterplotLayer<AreaDatum>({
      id: 'area-points',
      data: points,
      getPosition: (d) => d.area.ring[0]!,
      getFillColor: colourOf,
      getLineColor: [0, 0, 0],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 6,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      updateTriggers: triggers,
    }),
  ]
}
