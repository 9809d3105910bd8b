// Reading only the chips a drawn area needs out of a scene's per-band COGs, by HTTP range
// requests, with geotiff.js (it parses the TIFF; nothing here reads TIFF structures). Bands at
// the chip resolution (10 m) are read directly; coarser bands (20 m) are read at their own
// resolution and upsampled by repeating each pixel (nearest), as DATA.md says Clay was fed.
import { BaseClient, BaseResponse, fromCustomClient, type GeoTIFFImage } from 'geotiff'
import type { ManifestBand, ModelManifest } from '../encoder/manifest.ts'
import type { ChipBands } from '../encoder/preprocess.ts'
import type { ChipCell, SceneGrid } from './chip-grid.ts'
import { ImageryError, abortedError, isAbort } from './errors.ts'
import type { Scene } from './stac.ts'

/** Progress while reading: bands finished of all, and bytes received so far. */
export interface ReadProgress {
  bandsDone: number
  bandsTotal: number
  bytes: number
}

interface Counter {
  bytes: number
  onBytes?: () => void
  /** The first failure a request met: geotiff.js folds failures into a bare AggregateError. */
  error: ImageryError | null
}

class CountingResponse extends BaseResponse {
  constructor(
    private readonly response: Response,
    private readonly counter: Counter,
    private readonly what: string,
  ) {
    super()
  }
  override get status(): number {
    return this.response.status
  }
  override getHeader(name: string): string | undefined {
    return this.response.headers.get(name) ?? undefined
  }
  override async getData(): Promise<ArrayBuffer> {
    let data: ArrayBuffer
    try {
      data = await this.response.arrayBuffer()
    } catch (error) {
      if (isAbort(error)) throw error
      throw (this.counter.error ??= new ImageryError('http', `The download of ${this.what} stopped half way. Try again.`, { cause: error }))
    }
    this.counter.bytes += data.byteLength
    this.counter.onBytes?.()
    return data
  }
}

/** A fetch client for geotiff.js that counts bytes and turns failures into people's words. */
class CountingClient extends BaseClient {
  constructor(
    url: string,
    private readonly counter: Counter,
    private readonly what: string,
  ) {
    super(url)
  }
  override async request(options: RequestInit = {}): Promise<BaseResponse> {
    let response: Response
    try {
      response = await fetch(this.url, { headers: options.headers, signal: options.signal })
    } catch (error) {
      if (isAbort(error, options.signal ?? undefined)) throw error
      throw (this.counter.error ??= new ImageryError(
        'http',
        `The imagery server (${hostOf(this.url)}) could not be reached for ${this.what}. Check the connection and try again.`,
        { cause: error },
      ))
    }
    if (!response.ok) {
      const why =
        response.status === 403
          ? 'refused it (403)'
          : response.status === 404
            ? 'does not have it (404): the scene may have been withdrawn'
            : `answered ${response.status}`
      throw (this.counter.error ??= new ImageryError('http', `The imagery server (${hostOf(this.url)}) ${why} for ${this.what}. Pick other dates, or try again later.`))
    }
    return new CountingResponse(response, this.counter, this.what)
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'unknown'
  }
}

/** One band's COG, opened (header read). */
export interface OpenedCog {
  image: GeoTIFFImage
  grid: SceneGrid
  counter: Counter
  what: string
}

/** Runs a geotiff.js call, turning its errors into ImageryError. */
async function guarded<T>(counter: Counter, what: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (isAbort(error, signal)) throw abortedError()
    if (counter.error) throw counter.error
    if (error instanceof ImageryError) throw error
    throw new ImageryError('http', `${what} could not be read as a GeoTIFF (${error instanceof Error ? error.message.slice(0, 120) : 'unknown error'}). Pick other dates.`, {
      cause: error,
    })
  }
}

/** Opens a COG (reads its header by range requests) and describes its pixel grid. */
export async function openCog(href: string, opts: { what: string; signal?: AbortSignal; onBytes?: (bytes: number) => void; counter?: Counter }): Promise<OpenedCog> {
  const counter: Counter = opts.counter ?? { bytes: 0, error: null }
  const what = opts.what
  return guarded(counter, what, opts.signal, async () => {
    const tiff = await fromCustomClient(new CountingClient(href, counter, what), {}, opts.signal)
    const image = await tiff.getImage()
    const [originX, originY] = image.getOrigin() as [number, number]
    const [resX, resY] = image.getResolution() as [number, number]
    const keys = image.getGeoKeys() ?? {}
    const epsg = Number(keys.ProjectedCSTypeGeoKey ?? keys.GeographicTypeGeoKey)
    if (!Number.isFinite(originX) || !(resX > 0) || !(resY < 0) || Math.abs(resX + resY) > 1e-9 * resX)
      throw new ImageryError('http', `${what} is not a north-up GeoTIFF with square pixels, which this app can't read. Pick other dates.`)
    return { image, grid: { epsg, originX, originY, gsd: resX, width: image.getWidth(), height: image.getHeight() }, counter, what }
  })
}

/**
 * The raw pixels of every chip, by band name, at the chip resolution: one ChipBands per chip in
 * `chips` order. `reference` is the already-opened COG of a band at the chip resolution (its
 * grid cut the chips). Honours `signal`; reports progress after each band.
 */
export async function readChips(
  scene: Scene,
  manifest: ModelManifest,
  chips: readonly ChipCell[],
  reference: { band: ManifestBand; cog: OpenedCog },
  opts: { signal?: AbortSignal; onProgress?: (p: ReadProgress) => void; concurrency?: number } = {},
): Promise<ChipBands[]> {
  const chipPx = manifest.chipSizePx
  const refGrid = reference.cog.grid
  const perChip: Record<string, ArrayLike<number>>[] = chips.map(() => ({}))
  let bandsDone = 0
  const totalBytes = () => counters.reduce((n, c) => n + c.bytes, 0)
  const counters: Counter[] = [reference.cog.counter]
  const report = () => opts.onProgress?.({ bandsDone, bandsTotal: manifest.bands.length, bytes: totalBytes() })
  reference.cog.counter.onBytes = report

  async function readBand(band: ManifestBand): Promise<void> {
    const href = scene.assets[band.asset]
    if (!href) throw new ImageryError('http', `Scene ${scene.id} has no "${band.asset}" asset (band ${band.name}), which the model needs. Pick other dates.`)
    const what = `band ${band.name} of scene ${scene.id}`
    let cog: OpenedCog
    if (band === reference.band) cog = reference.cog
    else {
      const counter: Counter = { bytes: 0, error: null, onBytes: report }
      counters.push(counter)
      cog = await openCog(href, { what, signal: opts.signal, counter })
    }
    const g = cog.grid
    const ratio = g.gsd / refGrid.gsd
    const factor = Math.round(ratio)
    if (Math.abs(ratio - factor) > 1e-6 || factor < 1) throw new ImageryError('http', `${what} is at ${g.gsd} m, not a whole multiple of ${refGrid.gsd} m. Pick other dates.`)
    if (g.epsg !== refGrid.epsg) throw new ImageryError('http', `${what} is in EPSG:${g.epsg}, the scene's other bands in EPSG:${refGrid.epsg}. Pick other dates.`)
    // The band's pixel grid must line up with the reference's (Sentinel-2's do: same corner).
    const dx = (refGrid.originX - g.originX) / g.gsd
    const dy = (g.originY - refGrid.originY) / g.gsd
    if (Math.abs(dx - Math.round(dx)) > 1e-6 || Math.abs(dy - Math.round(dy)) > 1e-6)
      throw new ImageryError('http', `The pixels of ${what} don't line up with the scene's ${refGrid.gsd} m grid. Pick other dates.`)
    const side = chipPx / factor
    if (!Number.isInteger(side)) throw new ImageryError('http', `A ${chipPx} px chip doesn't fit ${what}'s ${g.gsd} m pixels.`)
    for (const [i, chip] of chips.entries()) {
      const left = chip.x0 / factor + Math.round(dx)
      const top = chip.y0 / factor + Math.round(dy)
      const raster = await guarded(cog.counter, what, opts.signal, () =>
        cog.image.readRasters({ window: [left, top, left + side, top + side], samples: [0], interleave: false, fillValue: 0, signal: opts.signal }),
      )
      const pixels = (raster as unknown as ArrayLike<number>[])[0]
      if (!pixels || pixels.length !== side * side) throw new ImageryError('http', `${what} gave a window of the wrong size. Pick other dates.`)
      perChip[i]![band.name] = factor === 1 ? pixels : upsampleNearest(pixels, side, factor)
    }
    bandsDone++
    report()
  }

  // A few bands at once: enough to overlap round trips, few enough for a browser's connections.
  const queue = [...manifest.bands]
  const workers = Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 3, queue.length)) }, async () => {
    for (let band = queue.shift(); band; band = queue.shift()) {
      if (opts.signal?.aborted) throw abortedError()
      await readBand(band)
    }
  })
  await Promise.all(workers)
  return perChip
}

/** side × side pixels → (side·factor)², each pixel repeated factor × factor times. */
export function upsampleNearest(pixels: ArrayLike<number>, side: number, factor: number): Float32Array {
  const out = new Float32Array(side * factor * side * factor)
  const outSide = side * factor
  for (let y = 0; y < outSide; y++) {
    const src = Math.floor(y / factor) * side
    const row = y * outSide
    for (let x = 0; x < outSide; x++) out[row + x] = pixels[src + Math.floor(x / factor)]!
  }
  return out
}
