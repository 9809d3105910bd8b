// Pictures of chips for the result gallery: the XYZ tiles that cover a chip's footprint
// (app/lib/thumbnail.ts plans which), fetched, drawn on a canvas cropped to the footprint's box,
// and cached. A picture that can't be made says why, in words for people, and the gallery shows
// the chip's outline instead: never a broken image.
//
// Tiles are fetched with CORS (the canvas must stay readable), a few at a time, newest request
// first, so the pictures a person has just scrolled to come before the ones scrolled past.
// Tiles and pictures are kept in bounded caches; a failure is remembered for half a minute, so
// an unreachable server isn't asked again for every picture, but is asked again later.

import type { ImagerySource } from '../../lib/catalog/catalog.ts'
import { planThumbnail, tileUrl, type ThumbnailPlan } from '../../lib/thumbnail.ts'

/** Why a picture couldn't be made: a few words to show, and a sentence for its tooltip. */
export interface ImageryProblem {
  reason: string
  detail: string
}

export type Thumbnail =
  | { kind: 'image'; plan: ThumbnailPlan; image: CanvasImageSource; missingTiles: number }
  | ({ kind: 'failed'; plan: ThumbnailPlan } & ImageryProblem)

/** A decoded tile: anything a canvas can draw. */
export type TileImage = CanvasImageSource

type TileResult = { ok: true; image: TileImage } | ({ ok: false } & ImageryProblem)

export interface ThumbnailDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>
  /** Decode a tile's bytes into something drawable (createImageBitmap in a browser). */
  decode: (blob: Blob) => Promise<TileImage>
  /** Draw the tiles (null: missing) on a canvas of the plan's size. */
  compose: (plan: ThumbnailPlan, tiles: (TileImage | null)[]) => CanvasImageSource
  now: () => number
}

export interface ThumbnailLoader {
  /** The plan for a footprint: which tiles, at which zoom, on how large a canvas. */
  plan(ring: readonly (readonly [number, number])[], source: ImagerySource): ThumbnailPlan
  /** The picture of a footprint, from the cache when it is there. */
  load(ring: readonly (readonly [number, number])[], source: ImagerySource): Promise<Thumbnail>
  /** The picture if it is already made (to draw at once, without a flash of the placeholder). */
  peek(ring: readonly (readonly [number, number])[], source: ImagerySource): Thumbnail | undefined
}

/** Background where a tile is missing, and behind outlines without imagery. */
export const NEUTRAL_FILL = '#2a313c'
const MAX_PARALLEL = 6
const MAX_TILES_CACHED = 256
const MAX_THUMBNAILS_CACHED = 400
const FAILURE_MEMORY_MS = 30_000

/** What a failed tile request means to a person. */
export function describeTileFailure(failure: { status: number } | { network: true } | { notAnImage: true }): ImageryProblem {
  if ('network' in failure)
    return {
      reason: 'Imagery can’t be reached',
      detail: 'The imagery server can’t be reached: you may be offline, or it doesn’t allow browser access.',
    }
  if ('notAnImage' in failure) return { reason: 'Imagery unreadable', detail: 'The imagery server sent something that isn’t a picture.' }
  if (failure.status === 404) return { reason: 'No imagery here', detail: 'The imagery server has no picture of this place (it answered 404).' }
  if (failure.status === 401 || failure.status === 403)
    return { reason: 'Imagery refused', detail: `The imagery server refused to send its pictures (it answered ${failure.status}).` }
  return { reason: `Imagery server error (${failure.status})`, detail: `The imagery server failed to send a picture (it answered ${failure.status}).` }
}

/** A Map used as a cache that forgets its oldest entries beyond `max`. */
function boundedSet<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key)
  map.set(key, value)
  while (map.size > max) map.delete(map.keys().next().value as K)
}

export function createThumbnailLoader(deps: ThumbnailDeps): ThumbnailLoader {
  const tiles = new Map<string, { result: Promise<TileResult>; until: number }>()
  const thumbnails = new Map<string, { result: Promise<Thumbnail>; settled?: Thumbnail; until: number }>()
  /** Waiting tile fetches, started newest first. */
  const queue: (() => void)[] = []
  let running = 0

  function pump(): void {
    while (running < MAX_PARALLEL && queue.length > 0) {
      running++
      queue.pop()!()
    }
  }

  function limited<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            running--
            pump()
          })
      })
      pump()
    })
  }

  async function fetchTile(url: string): Promise<TileResult> {
    let response: Response
    try {
      response = await deps.fetch(url, { mode: 'cors', credentials: 'omit' })
    } catch {
      return { ok: false, ...describeTileFailure({ network: true }) }
    }
    if (!response.ok) return { ok: false, ...describeTileFailure({ status: response.status }) }
    try {
      return { ok: true, image: await deps.decode(await response.blob()) }
    } catch {
      return { ok: false, ...describeTileFailure({ notAnImage: true }) }
    }
  }

  function tile(url: string): Promise<TileResult> {
    const cached = tiles.get(url)
    if (cached && cached.until > deps.now()) return cached.result
    const entry = { result: limited(() => fetchTile(url)), until: Infinity }
    boundedSet(tiles, url, entry, MAX_TILES_CACHED)
    void entry.result.then((r) => {
      if (!r.ok) entry.until = deps.now() + FAILURE_MEMORY_MS
    })
    return entry.result
  }

  const plan = (ring: readonly (readonly [number, number])[], source: ImagerySource) => planThumbnail(ring, { maxZoom: source.maxZoom })
  const keyOf = (p: ThumbnailPlan, source: ImagerySource) => `${source.tiles}|${p.zoom}|${p.left},${p.top},${p.width}x${p.height}`

  async function make(p: ThumbnailPlan, source: ImagerySource): Promise<Thumbnail> {
    const results = await Promise.all(p.tiles.map((t) => tile(tileUrl(source.tiles, t))))
    const images = results.map((r) => (r.ok ? r.image : null))
    const missingTiles = images.filter((i) => i === null).length
    if (missingTiles === images.length) {
      const first = results.find((r): r is Extract<TileResult, { ok: false }> => !r.ok)!
      return { kind: 'failed', plan: p, reason: first.reason, detail: first.detail }
    }
    return { kind: 'image', plan: p, image: deps.compose(p, images), missingTiles }
  }

  return {
    plan,
    peek(ring, source) {
      const p = plan(ring, source)
      const cached = thumbnails.get(keyOf(p, source))
      return cached && cached.until > deps.now() ? cached.settled : undefined
    },
    load(ring, source) {
      const p = plan(ring, source)
      const key = keyOf(p, source)
      const cached = thumbnails.get(key)
      if (cached && cached.until > deps.now()) return cached.result
      const entry: { result: Promise<Thumbnail>; settled?: Thumbnail; until: number } = { result: make(p, source), until: Infinity }
      boundedSet(thumbnails, key, entry, MAX_THUMBNAILS_CACHED)
      void entry.result.then((t) => {
        entry.settled = t
        if (t.kind === 'failed' || t.missingTiles > 0) entry.until = deps.now() + FAILURE_MEMORY_MS
      })
      return entry.result
    },
  }
}

function composeOnCanvas(plan: ThumbnailPlan, images: (TileImage | null)[]): CanvasImageSource {
  const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(plan.width, plan.height) : Object.assign(document.createElement('canvas'), { width: plan.width, height: plan.height })
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
  if (!ctx) throw new Error('no 2D canvas')
  ctx.fillStyle = NEUTRAL_FILL
  ctx.fillRect(0, 0, plan.width, plan.height)
  plan.tiles.forEach((t, i) => {
    const image = images[i]
    if (image) ctx.drawImage(image, t.dx, t.dy)
  })
  return canvas
}

/** The page's loader, with the browser's fetch, image decoder and canvas (the composition root makes one). */
export function createBrowserThumbnailLoader(): ThumbnailLoader {
  return createThumbnailLoader({
    fetch: (url, init) => fetch(url, init),
    decode: (blob) => createImageBitmap(blob),
    compose: composeOnCanvas,
    now: () => performance.now(),
  })
}
