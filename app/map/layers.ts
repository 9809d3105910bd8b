// Every deck.gl layer, from one pure function of the chips, the files, the ranking, the selection
// and the view. Built to stay interactive at a million chips (chip-buffers.ts says how):
//
// - Chips are drawn per segment (file), from binary attributes: as small squares (one GL point
//   each at its centre, chip-point-layer.ts) while a chip is a few pixels across, as their
//   footprints (tessellated polygons and outlines) once it is bigger. Footprint layers are made
//   for a segment the first time it is seen that close, then kept and hidden with `visible`, so
//   panning back costs nothing; segments out of view are hidden too.
// - Colours come from one RGBA buffer per segment, built in one loop when a new ranking (or
//   colour setting) arrives, never per chip through an accessor (points) and never on a
//   threshold change.
// - The threshold and the loss filter are DataFilterExtension ranges over [score, loss] per
//   chip: changing them changes uniforms only. Chips below the threshold are drawn by a second
//   layer over the same buffers with the complementary range at low opacity, so they fade rather
//   than vanish, and no chip is drawn twice.

import { PathLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers'
import { DataFilterExtension } from '@deck.gl/extensions'
import type { Layer } from '@deck.gl/core'
import type { ChipCollection, ChipSegment } from '../lib/chip-collection.ts'
import type { FileRecord, FileStatus } from '../lib/catalog/load-plan.ts'
import type { ScoreDomain } from '../lib/histogram.ts'
import {
  chipFilters,
  FADED_OPACITY,
  filterValues,
  POINT_MIN_PIXELS,
  rampColours,
  segmentMode,
  segmentShape,
  type FilterRange,
  type MapViewState,
  type SegmentMode,
} from './chip-buffers.ts'
import { mapStats } from './map-stats.ts'
import { ChipPointLayer } from './chip-point-layer.ts'

export const POSITIVE_COLOR: [number, number, number] = [255, 255, 255]
export const NEGATIVE_COLOR: [number, number, number] = [255, 69, 58]
const HOVER_COLOR: [number, number, number] = [255, 214, 10]
const OUTLINE_COLOR: [number, number, number, number] = [255, 255, 255, 70]

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
  /** What the map shows; null draws every chip as a point. */
  view: MapViewState | null
}

// One extension instance for every chip layer: a new one would make deck.gl rebuild the shaders.
const FILTER: [DataFilterExtension] = [new DataFilterExtension({ filterSize: 2 })]

/** What a segment's layers draw from, kept while the segment is loaded. */
interface SegmentBuffers {
  positions: { value: Float64Array; size: 2 }
  colours: { key: readonly unknown[]; value: Uint8Array; stamp: number } | null
  filter: { scores: Float32Array | null; value: Float32Array; stamp: number } | null
  points: { colours: Uint8Array; filter: Float32Array; data: object } | null
  polygons: object | null
  outlines: object | null
  /** Whether footprint layers exist for it (made the first time it is seen close up). */
  footprints: boolean
  /** Whether faded layers exist for it (made the first time a threshold fades chips). */
  fadedPoints: boolean
  fadedFootprints: boolean
}

const buffers = new WeakMap<ChipSegment, SegmentBuffers>()

function buffersOf(segment: ChipSegment): SegmentBuffers {
  let b = buffers.get(segment)
  if (!b) {
    b = {
      positions: { value: segment.centres, size: 2 },
      colours: null,
      filter: null,
      points: null,
      polygons: null,
      outlines: null,
      footprints: false,
      fadedPoints: false,
      fadedFootprints: false,
    }
    buffers.set(segment, b)
  }
  return b
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i])

/** The segment's colours for this input, rebuilt only when what they depend on changed. */
function coloursOf(segment: ChipSegment, b: SegmentBuffers, input: LayerInput) {
  const loss = segment.chips.extra?.loss ?? null
  const byLoss = input.colourBy === 'loss'
  const key = byLoss ? ['loss', loss, input.lossDomain?.min, input.lossDomain?.max] : ['score', input.scores, input.domain?.min, input.domain?.max]
  if (!b.colours || !sameKey(b.colours.key, key)) {
    const value = byLoss ? rampColours(loss, 0, segment.count, input.lossDomain) : rampColours(input.scores, segment.offset, segment.count, input.domain)
    b.colours = { key, value, stamp: (b.colours?.stamp ?? 0) + 1 }
    mapStats.colourBuilds++
  }
  return b.colours
}

function filterOf(segment: ChipSegment, b: SegmentBuffers, scores: Float32Array | null) {
  if (!b.filter || b.filter.scores !== scores) {
    const value = filterValues(scores, segment.offset, segment.count, segment.chips.extra?.loss)
    b.filter = { scores, value, stamp: (b.filter?.stamp ?? 0) + 1 }
    mapStats.filterBuilds++
  }
  return b.filter
}

/**
 * The point layers' binary data: a new object when colours or filter values change (deck.gl
 * uploads those two; the positions keep their attribute object, so they are not uploaded again).
 */
function pointData(segment: ChipSegment, b: SegmentBuffers, colours: Uint8Array, filter: Float32Array): object {
  if (!b.points || b.points.colours !== colours || b.points.filter !== filter) {
    const data = {
      length: segment.count,
      attributes: {
        getPosition: b.positions,
        getFillColor: { value: colours, size: 4, normalized: true },
        getFilterValue: { value: filter, size: 2 },
      },
    }
    b.points = { colours, filter, data }
  }
  return b.points.data
}

function polygonData(segment: ChipSegment, b: SegmentBuffers): { polygons: object; outlines: object } {
  if (!b.polygons || !b.outlines) {
    const { ringStarts, ringCoords } = segment.chips
    const shared = { length: segment.count, startIndices: ringStarts }
    b.polygons = { ...shared, attributes: { getPolygon: { value: ringCoords, size: 2 } } }
    b.outlines = { ...shared, attributes: { getPath: { value: ringCoords, size: 2 } } }
  }
  return { polygons: b.polygons, outlines: b.outlines }
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

type ChipLayerKind = 'points' | 'points-faded' | 'footprints' | 'footprints-faded'

/** The layer id of one of a file's chip layers; picking maps it back to the segment. */
export function chipLayerId(segmentIndex: number, kind: ChipLayerKind = 'points'): string {
  return `chips-${kind}-${segmentIndex}`
}

export function segmentIndexOfLayer(layerId: string | undefined): number | null {
  const m = /^chips-(?:points|footprints)(?:-faded)?-(\d+)$/.exec(layerId ?? '')
  return m ? Number(m[1]) : null
}

/** The mode each loaded segment is drawn in, for this view. */
export function segmentModes(chips: ChipCollection, view: MapViewState | null): SegmentMode[] {
  return chips.segments.map((s) => segmentMode(segmentShape(s), view))
}

function pointLayer(id: string, data: object, sizeMetres: number, filterRange: FilterRange, visible: boolean, faded: boolean) {
  return new ChipPointLayer({
    id,
    data,
    visible,
    pickable: true,
    opacity: faded ? FADED_OPACITY : 1,
    sizeMetres,
    minPixels: POINT_MIN_PIXELS,
    extensions: FILTER,
    filterRange,
    filterTransformSize: false,
    filterTransformColor: false,
  } as ConstructorParameters<typeof ChipPointLayer>[0])
}

function footprintLayer(id: string, data: object, b: SegmentBuffers, filterRange: FilterRange, visible: boolean, faded: boolean) {
  const colours = b.colours!
  const filter = b.filter!
  return new SolidPolygonLayer({
    id,
    data: data as never,
    visible,
    pickable: true,
    opacity: faded ? FADED_OPACITY : 1,
    _normalize: false,
    positionFormat: 'XY',
    // Footprints are drawn only for the few files seen close up, so a per-chip copy out of the
    // colour and filter buffers (deck.gl spreads it over each polygon's vertices) is cheap here.
    getFillColor: (_: unknown, { index, target }: { index: number; target: number[] }) => {
      const c = colours.value
      target[0] = c[4 * index]!
      target[1] = c[4 * index + 1]!
      target[2] = c[4 * index + 2]!
      target[3] = c[4 * index + 3]!
      return target as [number, number, number, number]
    },
    getFilterValue: (_: unknown, { index, target }: { index: number; target: number[] }) => {
      target[0] = filter.value[2 * index]!
      target[1] = filter.value[2 * index + 1]!
      return target
    },
    updateTriggers: { getFillColor: colours.stamp, getFilterValue: filter.stamp },
    extensions: FILTER,
    filterRange,
    filterTransformSize: false,
    filterTransformColor: false,
  })
}

function outlineLayer(id: string, data: object, b: SegmentBuffers, lossRange: [number, number], visible: boolean) {
  const filter = b.filter!
  return new PathLayer({
    id,
    data: data as never,
    visible,
    _pathType: 'open', // rings are already closed
    positionFormat: 'XY',
    getColor: OUTLINE_COLOR,
    getWidth: 1,
    widthUnits: 'pixels',
    // Outlines go with the loss filter (a hidden chip loses its outline), not with the threshold.
    getFilterValue: (_: unknown, { index, target }: { index: number; target: number[] }) => {
      target[0] = 0
      target[1] = filter.value[2 * index + 1]!
      return target
    },
    updateTriggers: { getFilterValue: filter.stamp },
    extensions: FILTER,
    filterRange: [[-1, 1], lossRange],
  })
}

export function buildLayers(input: LayerInput): Layer[] {
  const { chips, scores } = input
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

  const fading = input.colourBy === 'score' && scores !== null && input.threshold !== null
  const modes = segmentModes(chips, input.view)
  const fadedPoints: Layer[] = []
  const points: Layer[] = []
  const fadedFootprints: Layer[] = []
  const footprints: Layer[] = []
  const outlines: Layer[] = []
  let asPoints = 0
  let asFootprints = 0
  chips.segments.forEach((segment, k) => {
    const b = buffersOf(segment)
    const mode = modes[k]!
    const shape = segmentShape(segment)
    const colours = coloursOf(segment, b, input)
    const filter = filterOf(segment, b, scores)
    const ranges = chipFilters(input.threshold, fading, input.lossFilter, segment.chips.extra?.loss !== undefined)
    if (mode === 'points') asPoints += segment.count
    if (mode === 'footprints') asFootprints += segment.count

    const data = pointData(segment, b, colours.value, filter.value)
    b.fadedPoints ||= fading && mode === 'points'
    if (b.fadedPoints) fadedPoints.push(pointLayer(chipLayerId(k, 'points-faded'), data, shape.chipMetres, ranges.faded ?? ranges.shown, mode === 'points' && ranges.faded !== null, true))
    points.push(pointLayer(chipLayerId(k, 'points'), data, shape.chipMetres, ranges.shown, mode === 'points', false))

    b.footprints ||= mode === 'footprints'
    if (!b.footprints) return
    const { polygons, outlines: outlineData } = polygonData(segment, b)
    b.fadedFootprints ||= fading && mode === 'footprints'
    if (b.fadedFootprints)
      fadedFootprints.push(footprintLayer(chipLayerId(k, 'footprints-faded'), polygons, b, ranges.faded ?? ranges.shown, mode === 'footprints' && ranges.faded !== null, true))
    footprints.push(footprintLayer(chipLayerId(k, 'footprints'), polygons, b, ranges.shown, mode === 'footprints', false))
    outlines.push(outlineLayer(`chip-outlines-${k}`, outlineData, b, ranges.shown[1], mode === 'footprints'))
  })
  mapStats.chipsAsPoints = asPoints
  mapStats.chipsAsFootprints = asFootprints
  // Faded chips under the others, everywhere; points under footprints.
  layers.push(...fadedPoints, ...points, ...fadedFootprints, ...footprints, ...outlines)

  const pointRow = (row: number) => modes[chips.segments.indexOf(chips.locate(row).segment)] === 'points'
  const examples: (RingDatum & { kind: 'positive' | 'negative'; row: number })[] = [
    ...input.negatives.map((row) => ({ path: chips.ring(row), kind: 'negative' as const, row })),
    ...input.positives.map((row) => ({ path: chips.ring(row), kind: 'positive' as const, row })),
  ]
  const exampleColour = (d: { kind: 'positive' | 'negative' }) => (d.kind === 'positive' ? POSITIVE_COLOR : NEGATIVE_COLOR)
  layers.push(
    new PathLayer<RingDatum & { kind: 'positive' | 'negative' }>({
      id: 'examples',
      data: examples,
      getPath: (d) => d.path,
      getColor: exampleColour,
      getWidth: 3,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
    }),
    // Where chips are points, a ring around the example's point shows it at any zoom.
    new ScatterplotLayer<{ kind: 'positive' | 'negative'; row: number }>({
      id: 'example-points',
      data: examples.filter((d) => pointRow(d.row)),
      getPosition: (d) => chips.centre(d.row),
      getLineColor: exampleColour,
      filled: false,
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 6,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
    }),
  )
  const hovered = input.hoveredRow !== null && input.hoveredRow < chips.count ? [{ path: chips.ring(input.hoveredRow), row: input.hoveredRow }] : []
  layers.push(
    new PathLayer<RingDatum>({
      id: 'hover',
      data: hovered,
      getPath: (d) => d.path,
      getColor: HOVER_COLOR,
      getWidth: 2,
      widthUnits: 'pixels',
    }),
    new ScatterplotLayer<{ row: number }>({
      id: 'hover-point',
      data: hovered.filter((d) => pointRow(d.row)),
      getPosition: (d) => chips.centre(d.row),
      getLineColor: HOVER_COLOR,
      filled: false,
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 5,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
    }),
  )
  return layers
}
