// Every deck.gl layer, from one pure function of the chips, the files, the ranking and the
// selection. There is one chip layer per loaded file: its binary data object is made once, so a
// new file arriving never re-tessellates the others, and colours change through an accessor
// keyed by version numbers (updateTriggers).

import { PathLayer, SolidPolygonLayer } from '@deck.gl/layers'
import type { Layer } from '@deck.gl/core'
import type { ChipCollection, ChipSegment } from '../lib/chip-collection.ts'
import type { FileRecord, FileStatus } from '../lib/catalog/load-plan.ts'
import { viridis } from '../lib/color-ramp.ts'
import { domainFraction, type ScoreDomain } from '../lib/histogram.ts'

export const POSITIVE_COLOR: [number, number, number] = [255, 255, 255]
export const NEGATIVE_COLOR: [number, number, number] = [255, 69, 58]
const UNRANKED_FILL: [number, number, number, number] = [255, 255, 255, 36]
const FADED_ALPHA = 18
const RANKED_ALPHA = 185
const HIDDEN: [number, number, number, number] = [0, 0, 0, 0]

export interface LayerInput {
  epoch: number
  chips: ChipCollection
  /** File footprints of a dataset of many files (none for a single file). */
  files: readonly FileRecord[]
  /** Scores of the current ranking, one per row ranked; rows loaded later have none. */
  scores: Float32Array | null
  domain: ScoreDomain | null
  threshold: number | null
  positives: readonly number[]
  negatives: readonly number[]
  hoveredRow: number | null
  rankingVersion: number
  datasetVersion: number
  coverageVersion: number
  colourBy: 'score' | 'loss'
  /** Loss range to colour by (the loaded chips' lowest and highest). */
  lossDomain: ScoreDomain | null
  /** Chips outside it are hidden. */
  lossFilter: [number, number] | null
}

/** RGBA fill of one chip: viridis by score, faded below the threshold, neutral when unranked. */
export function chipFill(score: number | undefined, domain: ScoreDomain | null, threshold: number | null): [number, number, number, number] {
  if (score === undefined || !domain) return UNRANKED_FILL
  const [r, g, b] = viridis(domainFraction(score, domain))
  return [r, g, b, threshold !== null && score < threshold ? FADED_ALPHA : RANKED_ALPHA]
}

// Binary data objects per segment, cached so deck.gl sees the same object while it is loaded.
const dataCache = new WeakMap<ChipSegment, { polygons: object; outlines: object }>()

function binaryData(segment: ChipSegment) {
  let d = dataCache.get(segment)
  if (!d) {
    const { ringStarts, ringCoords } = segment.chips
    const shared = { length: segment.count, startIndices: ringStarts }
    d = {
      polygons: { ...shared, attributes: { getPolygon: { value: ringCoords, size: 2 } } },
      outlines: { ...shared, attributes: { getPath: { value: ringCoords, size: 2 } } },
    }
    dataCache.set(segment, d)
  }
  return d
}

const COVERAGE_COLORS: Record<FileStatus, [number, number, number, number]> = {
  unlocated: [0, 0, 0, 0],
  idle: [142, 202, 230, 200],
  queued: [253, 231, 37, 220],
  loading: [253, 231, 37, 255],
  loaded: [142, 202, 230, 90],
  skipped: [255, 179, 64, 220],
  error: [255, 69, 58, 230],
}

interface RingDatum {
  path: [number, number][]
}

function ringPath(ring: Float64Array): [number, number][] {
  const out: [number, number][] = []
  for (let i = 0; i < ring.length; i += 2) out.push([ring[i]!, ring[i + 1]!])
  return out
}

/** The layer id of a file's chips; picking maps it back to the segment. */
export function chipLayerId(segmentIndex: number): string {
  return `chips-${segmentIndex}`
}

export function segmentIndexOfLayer(layerId: string | undefined): number | null {
  const m = /^chips-(\d+)$/.exec(layerId ?? '')
  return m ? Number(m[1]) : null
}

export function buildLayers(input: LayerInput): Layer[] {
  const { chips, scores, domain, threshold } = input
  const { colourBy, lossDomain, lossFilter } = input
  const colourKey = [input.epoch, input.rankingVersion, threshold, domain?.min, domain?.max, colourBy, lossDomain?.min, lossDomain?.max, lossFilter?.join('–'), input.datasetVersion].join(':')
  const layers: Layer[] = []

  if (input.files.length > 1) {
    const withFootprint = input.files.filter((f) => f.footprint !== null)
    layers.push(
      new PathLayer<FileRecord>({
        id: 'coverage',
        data: withFootprint,
        getPath: (f) => ringPath(f.footprint!),
        getColor: (f) => COVERAGE_COLORS[f.status],
        getWidth: (f) => (f.status === 'loading' || f.status === 'queued' ? 2.5 : 1.5),
        widthUnits: 'pixels',
        updateTriggers: { getColor: input.coverageVersion, getWidth: input.coverageVersion, getPath: input.coverageVersion },
      }),
    )
  }

  chips.segments.forEach((segment, k) => {
    const data = binaryData(segment)
    const { offset } = segment
    const loss = segment.chips.extra?.loss
    const fill = (index: number): [number, number, number, number] => {
      const l = loss?.[index]
      const hasLoss = l !== undefined && !Number.isNaN(l)
      if (lossFilter && hasLoss && (l < lossFilter[0] || l > lossFilter[1])) return HIDDEN
      if (colourBy === 'loss') {
        if (!hasLoss || !lossDomain) return UNRANKED_FILL
        const [r, g, b] = viridis(domainFraction(l, lossDomain))
        return [r, g, b, RANKED_ALPHA]
      }
      return chipFill(scores?.[offset + index], domain, threshold)
    }
    layers.push(
      new SolidPolygonLayer({
        id: chipLayerId(k),
        data: data.polygons as never,
        _normalize: false,
        positionFormat: 'XY',
        pickable: true,
        getFillColor: (_: unknown, { index }: { index: number }) => fill(index),
        updateTriggers: { getFillColor: colourKey },
      }),
      new PathLayer({
        id: `chip-outlines-${k}`,
        data: data.outlines as never,
        _pathType: 'open', // rings are already closed
        positionFormat: 'XY',
        getColor: [255, 255, 255, 70],
        getWidth: 1,
        widthUnits: 'pixels',
      }),
    )
  })

  const examples: (RingDatum & { kind: 'positive' | 'negative' })[] = [
    ...input.negatives.map((row) => ({ path: chips.ring(row), kind: 'negative' as const })),
    ...input.positives.map((row) => ({ path: chips.ring(row), kind: 'positive' as const })),
  ]
  layers.push(
    new PathLayer<RingDatum & { kind: 'positive' | 'negative' }>({
      id: 'examples',
      data: examples,
      getPath: (d) => d.path,
      getColor: (d) => (d.kind === 'positive' ? POSITIVE_COLOR : NEGATIVE_COLOR),
      getWidth: 3,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
    }),
  )
  const hovered = input.hoveredRow !== null && input.hoveredRow < chips.count ? [{ path: chips.ring(input.hoveredRow) }] : []
  layers.push(
    new PathLayer<RingDatum>({
      id: 'hover',
      data: hovered,
      getPath: (d) => d.path,
      getColor: [255, 214, 10],
      getWidth: 2,
      widthUnits: 'pixels',
    }),
  )
  return layers
}
