// The layer list as deck.gl will diff it: which layers exist and are visible for a view, and
// what changes (and what stays the very same object, so nothing is uploaded again) when the
// threshold, the ranking or the view change.
import { describe, expect, it } from 'vitest'
import type { Layer } from '@deck.gl/core'
import { buildLayers, chipLayerId, segmentIndexOfLayer, type LayerInput } from './layers.ts'
import { mapStats } from './map-stats.ts'
import { OPEN } from './chip-buffers.ts'
import { ChipCollection } from '../lib/chip-collection.ts'
import type { ChipAttributes } from '../lib/chips.ts'

function squares(n: number, lon: number, size: number, loss?: number[]): ChipAttributes {
  const coords: number[] = []
  const starts = [0]
  for (let i = 0; i < n; i++) {
    const x = lon + i * size
    coords.push(x + size, 0, x + size, size, x, size, x, 0, x + size, 0)
    starts.push(starts[i]! + 5)
  }
  return {
    ids: Array.from({ length: n }, (_, i) => `c${lon}-${i}`),
    dates: new Array(n).fill(null),
    sourceUrls: new Array(n).fill(null),
    ringCoords: new Float64Array(coords),
    ringStarts: new Uint32Array(starts),
    ...(loss ? { extra: { loss: new Float32Array(loss) } } : {}),
  }
}

function setup() {
  const chips = new ChipCollection()
  chips.add('a', squares(4, 10, 0.01, [0.1, 0.2, 0.3, 0.4]))
  chips.add('b', squares(4, 20, 0.01))
  const zoomedOut = { bounds: [0, -10, 30, 10] as [number, number, number, number], zoom: 5 }
  const input: LayerInput = {
    epoch: 1,
    chips,
    files: [],
    scores: null,
    domain: null,
    threshold: null,
    positives: [],
    negatives: [],
    hoveredRow: null,
    rankingVersion: 0,
    datasetVersion: 1,
    coverageVersion: 0,
    colourBy: 'score',
    lossDomain: { min: 0.1, max: 0.4 },
    lossFilter: null,
    view: zoomedOut,
  }
  return { chips, input, zoomedOut }
}

const byId = (layers: Layer[]) => new Map(layers.map((l) => [l.id, l]))
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const props = (l: Layer | undefined) => l!.props as any

describe('buildLayers', () => {
  it('draws each file’s chips as points from binary attributes when zoomed out', () => {
    const { input } = setup()
    const layers = byId(buildLayers(input))
    for (const k of [0, 1]) {
      const points = props(layers.get(chipLayerId(k, 'points')))
      expect(points.visible).toBe(true)
      expect(points.data.length).toBe(4)
      expect(points.data.attributes.getPosition.value).toBeInstanceOf(Float64Array)
      expect(points.data.attributes.getFillColor.value).toHaveLength(16)
      expect(points.data.attributes.getFilterValue).toMatchObject({ size: 2 })
      expect(points.filterRange).toEqual([[-OPEN, OPEN], [-OPEN, OPEN]])
    }
    expect([...layers.keys()].some((id) => id.includes('footprints'))).toBe(false)
    expect(mapStats.chipsAsPoints).toBe(8)
  })

  it('applies a threshold as filter ranges only: the same data objects, no colour or filter buffer rebuilt', () => {
    const { input } = setup()
    const scores = new Float32Array([0.9, 0.1, 0.5, 0.2, 0.8, 0.3, 0.6, 0.7])
    const ranked = { ...input, scores, domain: { min: -1, max: 1 }, rankingVersion: 1 }
    const first = byId(buildLayers(ranked))
    const colours = mapStats.colourBuilds
    const filters = mapStats.filterBuilds
    for (const threshold of [0.4, 0.45, 0.6]) {
      const next = byId(buildLayers({ ...ranked, threshold }))
      expect(mapStats.colourBuilds).toBe(colours)
      expect(mapStats.filterBuilds).toBe(filters)
      const shown = props(next.get(chipLayerId(0, 'points')))
      const faded = props(next.get(chipLayerId(0, 'points-faded')))
      expect(shown.data).toBe(props(first.get(chipLayerId(0, 'points'))).data)
      expect(faded.data).toBe(shown.data)
      expect(shown.filterRange[0][0]).toBeCloseTo(threshold, 6)
      expect(faded.filterRange[0][1]).toBeLessThan(shown.filterRange[0][0])
      expect(faded.visible).toBe(true)
      expect(faded.opacity).toBeLessThan(0.2)
    }
    // Without a threshold, the faded layers stay in the list (deck.gl keeps their buffers), hidden.
    const cleared = byId(buildLayers({ ...ranked, threshold: null }))
    expect(props(cleared.get(chipLayerId(0, 'points-faded'))).visible).toBe(false)
  })

  it('recolours on a new ranking with one new colour and filter buffer per file, the positions untouched', () => {
    const { input } = setup()
    const one = byId(buildLayers({ ...input, scores: new Float32Array(8).fill(0.2), domain: { min: -1, max: 1 } }))
    const colours = mapStats.colourBuilds
    const two = byId(buildLayers({ ...input, scores: new Float32Array(8).fill(0.9), domain: { min: -1, max: 1 } }))
    expect(mapStats.colourBuilds).toBe(colours + 2)
    const a = props(one.get(chipLayerId(1, 'points'))).data.attributes
    const b = props(two.get(chipLayerId(1, 'points'))).data.attributes
    expect(b.getFillColor.value).not.toBe(a.getFillColor.value)
    expect(b.getPosition).toBe(a.getPosition)
  })

  it('draws footprints for the files seen close up, and keeps them (hidden) after zooming out', () => {
    const { input, zoomedOut } = setup()
    const close = { bounds: [10, -0.02, 10.05, 0.03] as [number, number, number, number], zoom: 13 }
    const near = byId(buildLayers({ ...input, view: close }))
    expect(props(near.get(chipLayerId(0, 'footprints'))).visible).toBe(true)
    expect(props(near.get('chip-outlines-0')).visible).toBe(true)
    expect(props(near.get(chipLayerId(0, 'points'))).visible).toBe(false)
    // The other file is out of view: hidden, and never tessellated.
    expect(props(near.get(chipLayerId(1, 'points'))).visible).toBe(false)
    expect(near.has(chipLayerId(1, 'footprints'))).toBe(false)
    expect(mapStats.chipsAsFootprints).toBe(4)

    const far = byId(buildLayers({ ...input, view: zoomedOut }))
    expect(props(far.get(chipLayerId(0, 'footprints'))).visible).toBe(false)
    expect(props(far.get(chipLayerId(0, 'footprints'))).data).toBe(props(near.get(chipLayerId(0, 'footprints'))).data)
    expect(props(far.get(chipLayerId(0, 'points'))).visible).toBe(true)
  })

  it('filters by loss only the files that have a loss column', () => {
    const { input } = setup()
    const layers = byId(buildLayers({ ...input, lossFilter: [0.15, 0.35] }))
    expect(props(layers.get(chipLayerId(0, 'points'))).filterRange[1]).toEqual([expect.closeTo(0.15, 6), expect.closeTo(0.35, 6)])
    expect(props(layers.get(chipLayerId(1, 'points'))).filterRange[1]).toEqual([-OPEN, OPEN])
  })

  it('marks examples and the hovered chip with rings, and with circles where chips are points', () => {
    const { input } = setup()
    const layers = byId(buildLayers({ ...input, positives: [1], negatives: [6], hoveredRow: 2 }))
    expect(props(layers.get('examples')).data).toHaveLength(2)
    expect(props(layers.get('example-points')).data.map((d: { row: number }) => d.row).sort()).toEqual([1, 6])
    expect(props(layers.get('hover')).data).toHaveLength(1)
    expect(props(layers.get('hover-point')).data).toHaveLength(1)
  })

  it('maps every chip layer back to its file for picking', () => {
    for (const kind of ['points', 'points-faded', 'footprints', 'footprints-faded'] as const) expect(segmentIndexOfLayer(chipLayerId(7, kind))).toBe(7)
    expect(segmentIndexOfLayer('chip-outlines-7')).toBeNull()
    expect(segmentIndexOfLayer('coverage')).toBeNull()
  })
})
