// Every deck.gl layer, from one pure function of the chips, the ranking and the selection.
// Data objects stay the same between calls unless the dataset changes (deck.gl then skips
// re-tessellating); colours change through typed-array attributes keyed by version numbers.

import { PathLayer, SolidPolygonLayer } from '@deck.gl/layers'
import type { Layer } from '@deck.gl/core'
import type { ChipAttributes } from '../lib/chips.ts'
import { viridis } from '../lib/color-ramp.ts'
import { domainFraction, type ScoreDomain } from '../lib/histogram.ts'

export const POSITIVE_COLOR: [number, number, number] = [255, 255, 255]
export const NEGATIVE_COLOR: [number, number, number] = [255, 69, 58]
const UNRANKED_FILL: [number, number, number, number] = [255, 255, 255, 36]
const FADED_ALPHA = 18
const RANKED_ALPHA = 185

export interface LayerInput {
  datasetId: number
  chips: ChipAttributes
  /** Scores of the current ranking, or null before there is one. */
  scores: Float32Array | null
  domain: ScoreDomain | null
  threshold: number | null
  positives: readonly number[]
  negatives: readonly number[]
  hoveredRow: number | null
  rankingVersion: number
}

/** Fill colour per chip: viridis by score, faded below the threshold. */
export function chipFillColors(count: number, scores: Float32Array | null, domain: ScoreDomain | null, threshold: number | null): Uint8Array {
  const colors = new Uint8Array(count * 4)
  for (let i = 0; i < count; i++) {
    if (!scores || !domain) {
      colors.set(UNRANKED_FILL, i * 4)
      continue
    }
    const s = scores[i]!
    const [r, g, b] = viridis(domainFraction(s, domain))
    colors[i * 4] = r
    colors[i * 4 + 1] = g
    colors[i * 4 + 2] = b
    colors[i * 4 + 3] = threshold !== null && s < threshold ? FADED_ALPHA : RANKED_ALPHA
  }
  return colors
}

// Binary data objects, cached per dataset so deck.gl sees the same object while it is loaded.
let cached: { datasetId: number; polygons: object; outlines: object } | null = null

function binaryData(datasetId: number, chips: ChipAttributes) {
  if (cached?.datasetId === datasetId) return cached
  const length = chips.ringStarts.length - 1
  const shared = { length, startIndices: chips.ringStarts }
  cached = {
    datasetId,
    polygons: { ...shared, attributes: { getPolygon: { value: chips.ringCoords, size: 2 } } },
    outlines: { ...shared, attributes: { getPath: { value: chips.ringCoords, size: 2 } } },
  }
  return cached
}

interface ExamplePath {
  path: [number, number][]
  kind: 'positive' | 'negative'
}

function ringPath(chips: ChipAttributes, row: number): [number, number][] {
  const out: [number, number][] = []
  for (let v = chips.ringStarts[row]!; v < chips.ringStarts[row + 1]!; v++) out.push([chips.ringCoords[2 * v]!, chips.ringCoords[2 * v + 1]!])
  return out
}

export function buildLayers(input: LayerInput): Layer[] {
  const { chips, datasetId } = input
  const count = chips.ringStarts.length - 1
  const data = binaryData(datasetId, chips)
  const fill = chipFillColors(count, input.scores, input.domain, input.threshold)
  const colourKey = `${datasetId}:${input.rankingVersion}:${input.threshold ?? 'none'}:${input.domain?.min}:${input.domain?.max}`

  const examples: ExamplePath[] = [
    ...input.negatives.map((row) => ({ path: ringPath(chips, row), kind: 'negative' as const })),
    ...input.positives.map((row) => ({ path: ringPath(chips, row), kind: 'positive' as const })),
  ]
  const hovered = input.hoveredRow !== null && input.hoveredRow < count ? [{ path: ringPath(chips, input.hoveredRow) }] : []

  return [
    new SolidPolygonLayer({
      id: 'chips',
      data: data.polygons as never,
      _normalize: false,
      positionFormat: 'XY',
      pickable: true,
      // Binary data keeps the same object; only this accessor reruns when the colour key changes.
      getFillColor: (_: unknown, { index }: { index: number }) => [fill[index * 4]!, fill[index * 4 + 1]!, fill[index * 4 + 2]!, fill[index * 4 + 3]!],
      updateTriggers: { getFillColor: colourKey },
    }),
    new PathLayer({
      id: 'chip-outlines',
      data: data.outlines as never,
      _pathType: 'open', // rings are already closed
      positionFormat: 'XY',
      getColor: [255, 255, 255, 70],
      getWidth: 1,
      widthUnits: 'pixels',
    }),
    new PathLayer<ExamplePath>({
      id: 'examples',
      data: examples,
      getPath: (d) => d.path,
      getColor: (d) => (d.kind === 'positive' ? POSITIVE_COLOR : NEGATIVE_COLOR),
      getWidth: 3,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
    }),
    new PathLayer<{ path: [number, number][] }>({
      id: 'hover',
      data: hovered,
      getPath: (d) => d.path,
      getColor: [255, 214, 10],
      getWidth: 2,
      widthUnits: 'pixels',
    }),
  ]
}
