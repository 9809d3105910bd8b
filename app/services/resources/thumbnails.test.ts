import { describe, expect, it } from 'vitest'
import { createThumbnailLoader, describeTileFailure, type ThumbnailDeps, type TileImage } from './thumbnails.ts'
import type { ImagerySource } from '../../lib/catalog/catalog.ts'
import { TILE_SIZE, worldToLonLat, type ThumbnailPlan } from '../../lib/thumbnail.ts'

const SOURCE: ImagerySource = { tiles: 'https://tiles.test/{z}/{x}/{y}.png', maxZoom: 18, attribution: null }

/** A chip about 120 px across at zoom 12, centred on the corner where four tiles meet. */
const STRADDLING: [number, number][] = (() => {
  const n = 2 ** 12
  const [cx, cy] = [500 / n, 1000 / n]
  const h = 60 / (TILE_SIZE * n)
  const corners = [
    [cx + h, cy + h],
    [cx + h, cy - h],
    [cx - h, cy - h],
    [cx - h, cy + h],
    [cx + h, cy + h],
  ]
  return corners.map(([x, y]) => worldToLonLat(x!, y!))
})()

interface Harness {
  deps: ThumbnailDeps
  requests: string[]
  composed: { plan: ThumbnailPlan; tiles: (TileImage | null)[] }[]
  clock: { t: number }
  inFlight: { now: number; max: number }
  release: () => void
}

/** Fake fetch, decoder and canvas; `answer` says what each URL gets. `hold` keeps fetches pending until release(). */
function harness(answer: (url: string) => number | 'network' | 'garbage', hold = false): Harness {
  const requests: string[] = []
  const composed: Harness['composed'] = []
  const clock = { t: 0 }
  const inFlight = { now: 0, max: 0 }
  const waiting: (() => void)[] = []
  const deps: ThumbnailDeps = {
    async fetch(url) {
      requests.push(url)
      inFlight.now++
      inFlight.max = Math.max(inFlight.max, inFlight.now)
      if (hold) await new Promise<void>((r) => waiting.push(r))
      inFlight.now--
      const a = answer(url)
      if (a === 'network') throw new TypeError('Failed to fetch')
      if (a === 'garbage') return new Response('<html>', { status: 200 })
      return new Response(a === 200 ? new Uint8Array([137, 80, 78, 71]) : 'no', { status: a })
    },
    async decode(blob) {
      const bytes = new Uint8Array(await blob.arrayBuffer())
      if (bytes[0] !== 137) throw new Error('not an image')
      return { decoded: true } as unknown as TileImage
    },
    compose(plan, tiles) {
      composed.push({ plan, tiles })
      return { canvas: composed.length } as unknown as CanvasImageSource
    },
    now: () => clock.t,
  }
  return {
    deps,
    requests,
    composed,
    clock,
    inFlight,
    release: () => {
      while (waiting.length) waiting.shift()!()
    },
  }
}

describe('thumbnail loader', () => {
  it('fetches the tiles the plan names, draws them, and keeps the picture', async () => {
    const h = harness(() => 200)
    const loader = createThumbnailLoader(h.deps)
    const plan = loader.plan(STRADDLING, SOURCE)
    expect(loader.peek(STRADDLING, SOURCE)).toBeUndefined()
    const t = await loader.load(STRADDLING, SOURCE)
    expect(t.kind).toBe('image')
    expect(h.requests.sort()).toEqual(plan.tiles.map((p) => `https://tiles.test/${p.z}/${p.x}/${p.y}.png`).sort())
    expect(h.composed).toHaveLength(1)
    expect(h.composed[0]!.tiles.every((x) => x !== null)).toBe(true)
    // Cached: no more requests, and it is there at once.
    await loader.load(STRADDLING, SOURCE)
    expect(h.requests).toHaveLength(plan.tiles.length)
    expect(loader.peek(STRADDLING, SOURCE)).toBe(t)
  })

  it('says why when no tile could be had, and asks again after a while', async () => {
    for (const [answer, reason] of [
      [404, 'No imagery here'],
      ['network', 'Imagery can’t be reached'],
      ['garbage', 'Imagery unreadable'],
      [503, 'Imagery server error (503)'],
      [403, 'Imagery refused'],
    ] as const) {
      const h = harness(() => answer)
      const loader = createThumbnailLoader(h.deps)
      const t = await loader.load(STRADDLING, SOURCE)
      expect(t).toMatchObject({ kind: 'failed', reason })
      expect(h.composed).toHaveLength(0)
      const asked = h.requests.length
      await loader.load(STRADDLING, SOURCE)
      expect(h.requests).toHaveLength(asked)
      h.clock.t += 31_000
      await loader.load(STRADDLING, SOURCE)
      expect(h.requests.length).toBeGreaterThan(asked)
    }
  })

  it('draws what it has when only some tiles fail', async () => {
    let n = 0
    const h = harness(() => (n++ === 0 ? 404 : 200))
    const loader = createThumbnailLoader(h.deps)
    const plan = loader.plan(STRADDLING, SOURCE)
    expect(plan.zoom).toBe(12)
    expect(plan.tiles).toHaveLength(4)
    const t = await loader.load(STRADDLING, SOURCE)
    expect(t).toMatchObject({ kind: 'image', missingTiles: 1 })
    expect(h.composed[0]!.tiles.filter((x) => x === null)).toHaveLength(1)
  })

  it('fetches at most six tiles at once, and each tile once for pictures that share it', async () => {
    const h = harness(() => 200, true)
    const loader = createThumbnailLoader(h.deps)
    const rings = Array.from({ length: 12 }, (_, i) =>
      STRADDLING.map(([lon, lat]) => [lon + i * 0.3, lat] as [number, number]),
    )
    const all = Promise.all([...rings, ...rings].map((r) => loader.load(r, SOURCE)))
    // Let the queue start, then release fetches until everything has settled.
    let settled = false
    void all.then(() => (settled = true))
    while (!settled) {
      await new Promise((r) => setTimeout(r, 0))
      h.release()
    }
    expect(h.inFlight.max).toBeLessThanOrEqual(6)
    expect(new Set(h.requests).size).toBe(h.requests.length)
  })

  it('words failures for people', () => {
    expect(describeTileFailure({ status: 404 }).detail).toMatch(/no picture of this place/)
    expect(describeTileFailure({ network: true }).detail).toMatch(/offline|browser access/)
  })
})
