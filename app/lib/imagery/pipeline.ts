// A drawn area → one query embedding, from imagery (encoder mode):
//   STAC search (stac.ts) → the least cloudy covering scene → its reference band's pixel grid
//   (read-window.ts) → the chips of that grid under the area, with overlap weights
//   (chip-grid.ts) → their windows of every band (read-window.ts) → a true-colour preview
//   (preview.ts) → the encoder's feeds (../encoder/preprocess.ts) in batches → `encode` (the
//   caller's: the encoder worker in the app, onnxruntime in Node tests) → the overlap-weighted
//   mean of the chip embeddings.
// Pure apart from fetch: the encoder is passed in.
import type { ModelManifest } from '../encoder/manifest.ts'
import { buildFeeds, weightedMean, type Feed } from '../encoder/preprocess.ts'
import { chipsForArea, utmProjection, DEFAULT_MAX_CHIPS, type ChipCell } from './chip-grid.ts'
import { ImageryError, throwIfAborted } from './errors.ts'
import { truecolourPreview, type Preview } from './preview.ts'
import { openCog, readChips } from './read-window.ts'
import { pickScene, searchScenes, type AreaGeometry, type LonLat, type Scene } from './stac.ts'

export { ImageryError } from './errors.ts'
export type { ImageryErrorKind } from './errors.ts'
export type { AreaGeometry, LonLat, Scene } from './stac.ts'

/** A step of the work, for a progress line. */
export interface ImageryStep {
  step: 'imagery' | 'encoding'
  /** What is happening, for people: "Reading imagery: band 3 of 10". */
  label: string
  /** Bytes received ('imagery') or chips encoded ('encoding'). */
  loaded?: number
  /** Chips to encode; null when the total is not known (bytes of imagery). */
  total?: number | null
}

export interface EmbedAreaOptions {
  manifest: ModelManifest
  /** The STAC API root; default the manifest's imagery.stac. */
  stacUrl?: string
  /** Inclusive date window, "YYYY-MM-DD". */
  dates: { from: string; to: string }
  /** Pin this scene id (a shared link names the scene, so it gives the same embedding). */
  scene?: string
  /** Most cloud cover accepted, percent (default 50). */
  maxCloud?: number
  /** Most chips read for one area (default 25). */
  maxChips?: number
  /** Chips per encoder call (default 4). */
  batchSize?: number
  signal?: AbortSignal
  onStep?: (step: ImageryStep) => void
  /** Runs the encoder on one batch; returns batch × output.dims floats. */
  encode: (feeds: Record<string, Feed>, outputName: string) => Promise<Float32Array>
}

export interface AreaEmbedding {
  /** The overlap-weighted mean of the chip embeddings (output.dims floats). */
  vector: Float32Array
  /** The chips used, with their weights (summing to 1). */
  chips: { row: number; col: number; bboxLonLat: [number, number, number, number]; cornersLonLat: [LonLat, LonLat, LonLat, LonLat]; weight: number }[]
  scene: { id: string; datetime: string; cloudCover: number | null }
  preview: Preview
  /** Things a person may want to know about how the vector was made. */
  notes: string[]
}

const DEFAULT_MAX_CLOUD = 50

/** The area's query embedding from the clearest Sentinel-2 scene of the dates (see the top of this file). */
export async function embedAreaFromImagery(area: AreaGeometry, opts: EmbedAreaOptions): Promise<AreaEmbedding> {
  const { manifest, signal } = opts
  const step = (s: ImageryStep) => opts.onStep?.(s)
  const notes: string[] = []
  const imagery = manifest.imagery
  const stacUrl = opts.stacUrl ?? imagery?.stac
  if (!imagery || !stacUrl) throw new ImageryError('no-scenes', `The model ${manifest.name} doesn't say where its imagery comes from, so an area can't be encoded with it.`)
  const maxCloud = opts.maxCloud ?? DEFAULT_MAX_CLOUD

  // 1. The scene.
  step({ step: 'imagery', label: opts.scene ? `Finding scene ${opts.scene}` : 'Finding Sentinel-2 scenes' })
  const { scenes, problems } = await searchScenes(
    stacUrl,
    { collection: imagery.collection, area, dates: opts.dates, ids: opts.scene ? [opts.scene] : undefined },
    { signal },
  )
  notes.push(...problems.slice(0, 3))
  let scene: Scene
  if (opts.scene) {
    const pinned = scenes.find((s) => s.id === opts.scene)
    if (!pinned)
      throw new ImageryError('no-scenes', `The scene this search was made from (${opts.scene}) is no longer available for this area. Search the dates again to use another scene.`)
    scene = pickScene([pinned], area, { maxCloud: 100, dates: opts.dates })
  } else scene = pickScene(scenes, area, { maxCloud, dates: opts.dates })
  throwIfAborted(signal)

  // 2. The scene's own chip grid, from a band at the chip resolution.
  const refBand = manifest.bands.find((b) => b.gsdM === manifest.gsdM)
  if (!refBand) throw new ImageryError('http', `The model ${manifest.name} has no band at its chip resolution (${manifest.gsdM} m).`)
  const refHref = scene.assets[refBand.asset]
  if (!refHref) throw new ImageryError('http', `Scene ${scene.id} has no "${refBand.asset}" asset (band ${refBand.name}), which the model needs. Pick other dates.`)
  step({ step: 'imagery', label: `Reading scene ${scene.id}`, loaded: 0, total: null })
  const refCog = await openCog(refHref, {
    what: `band ${refBand.name} of scene ${scene.id}`,
    signal,
  })
  let bytes = refCog.counter.bytes
  const grid = refCog.grid
  if (grid.epsg !== scene.epsg) notes.push(`The scene's catalogue says EPSG:${scene.epsg}; its files say EPSG:${grid.epsg}, which was used.`)
  const cells: ChipCell[] = chipsForArea(area, grid, { chipPx: manifest.chipSizePx, maxChips: opts.maxChips ?? DEFAULT_MAX_CHIPS })
  if (cells.some((c) => c.partial)) notes.push("Part of a chip lies beyond the scene's edge; it was filled with no-data, as the scene's own chips are.")

  // 3. The windows of every band.
  const chipBands = await readChips(scene, manifest, cells, { band: refBand, cog: refCog }, {
    signal,
    onProgress: (p) => {
      bytes = p.bytes
      step({ step: 'imagery', label: `Reading imagery: band ${Math.min(p.bandsDone + 1, p.bandsTotal)} of ${p.bandsTotal}`, loaded: p.bytes, total: null })
    },
  })
  if (manifest.bands.some((b) => b.gsdM > manifest.gsdM)) notes.push(`Bands coarser than ${manifest.gsdM} m were upsampled to ${manifest.gsdM} m (nearest).`)
  throwIfAborted(signal)

  // 4. The preview, placed on the map by the chips' bounding grid corners.
  const preview = truecolourPreview(
    cells.map((c, i) => ({ row: c.row, col: c.col, bands: chipBands[i]! })),
    manifest.chipSizePx,
  )
  preview.cornersLonLat = gridCorners(cells, grid.epsg)

  // 5. Encode in batches.
  const dims = manifest.output.dims
  const vectors = new Float32Array(cells.length * dims)
  const batchSize = Math.max(1, opts.batchSize ?? 4)
  step({ step: 'encoding', label: `Encoding ${cells.length === 1 ? 'the chip' : `${cells.length} chips`}`, loaded: 0, total: cells.length })
  for (let start = 0; start < cells.length; start += batchSize) {
    throwIfAborted(signal)
    const batch = cells.slice(start, start + batchSize)
    const feeds = buildFeeds(
      manifest,
      batch.map((c, k) => ({ bands: chipBands[start + k]!, datetime: scene.datetime, lon: c.centreLonLat[0], lat: c.centreLonLat[1] })),
    )
    const out = await opts.encode(feeds, manifest.output.name)
    if (out.length !== batch.length * dims) throw new Error(`The encoder gave ${out.length} values for ${batch.length} chips of ${dims}.`)
    vectors.set(out, start * dims)
    step({ step: 'encoding', label: `Encoded ${Math.min(start + batchSize, cells.length)} of ${cells.length} chips`, loaded: Math.min(start + batchSize, cells.length), total: cells.length })
  }
  throwIfAborted(signal)

  const total = cells.reduce((n, c) => n + c.weight, 0)
  const vector = weightedMean(vectors, cells.map((c) => c.weight), dims)
  notes.unshift(
    `Scene ${scene.id} of ${scene.datetime.slice(0, 10)}${scene.cloudCover === null ? '' : `, ${Math.round(scene.cloudCover)} % cloud`}; ${cells.length} chip${cells.length === 1 ? '' : 's'}, ${(bytes / 1e6).toFixed(1)} MB read.`,
  )
  return {
    vector,
    chips: cells.map((c) => ({ row: c.row, col: c.col, bboxLonLat: c.bboxLonLat, cornersLonLat: c.cornersLonLat, weight: c.weight / total })),
    scene: { id: scene.id, datetime: scene.datetime, cloudCover: scene.cloudCover },
    preview,
    notes,
  }
}

/** NW, NE, SE, SW corners (lon/lat) of the rectangle of chip cells the preview covers. */
function gridCorners(cells: readonly ChipCell[], epsg: number): [LonLat, LonLat, LonLat, LonLat] | null {
  if (cells.length === 0) return null
  const minX = Math.min(...cells.map((c) => c.boundsUtm[0]))
  const minY = Math.min(...cells.map((c) => c.boundsUtm[1]))
  const maxX = Math.max(...cells.map((c) => c.boundsUtm[2]))
  const maxY = Math.max(...cells.map((c) => c.boundsUtm[3]))
  const proj = utmProjection(epsg)
  const inv = (x: number, y: number) => proj.inverse([x, y]) as LonLat
  return [inv(minX, maxY), inv(maxX, maxY), inv(maxX, minY), inv(minX, minY)]
}
