// Encoder mode: a drawn area → imagery → the dataset's own encoder, in the browser.
//   1. the model: downloaded once (progress in bytes, SHA-256 checked) and kept in Cache Storage
//      by the encoder worker, which starts one onnxruntime-web session on WebGPU or WebAssembly;
//   2. the imagery and the chips: app/lib/imagery/pipeline.ts (STAC search, COG windows, the
//      scene's own chip grid, overlap weights, preview);
//   3. the chips through the worker in batches, averaged by weight.
// The date window defaults to a month either side of the dataset's own dates (the same season
// as its embeddings), else the last four months; the scene picked is remembered on the area, so a
// shared link reproduces the same vector. Errors keep their wording for people.

import type { EncoderClient } from '../../../../workers/encoder/client.ts'
import type { BackendChoice } from '../../../lib/vocabulary.ts'
import type { DrawnArea } from '../../../lib/areas/area.ts'
import { embedAreaFromImagery, type AreaGeometry, type LonLat } from '../../../lib/imagery/pipeline.ts'
import { useAppStore } from '../../../state/store.ts'
import type { AreaEmbedder } from './area-service.ts'
import { areaModeChoice } from './area-mode.ts'

const DAY_MS = 86_400_000

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** The imagery dates to search when the area has none: around the dataset's dates, else recent months. */
export function defaultDates(datasetDates: readonly string[], now = Date.now()): { from: string; to: string } {
  const times = datasetDates.map((d) => Date.parse(d)).filter((t) => Number.isFinite(t))
  if (times.length > 0) return { from: isoDate(Math.min(...times) - 30 * DAY_MS), to: isoDate(Math.min(now, Math.max(...times) + 30 * DAY_MS)) }
  return { from: isoDate(now - 120 * DAY_MS), to: isoDate(now) }
}

/** The area as GeoJSON for the imagery pipeline. */
export function areaGeometry(area: DrawnArea): AreaGeometry {
  if (area.shape === 'point') return { type: 'Point', coordinates: area.ring[0] as LonLat }
  const ring = area.ring.map((p) => [p[0], p[1]] as LonLat)
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] }
}

/** The backend in words, for the area's card. */
export function backendLabel(backend: 'webgpu' | 'wasm', threads: number): string {
  return backend === 'webgpu' ? 'WebGPU (graphics card)' : `WebAssembly (CPU, ${threads} thread${threads === 1 ? '' : 's'})`
}

export interface EncoderEmbedderOptions {
  /** The page's encoder worker (the composition root starts it on first use). */
  client: () => EncoderClient
  /** Which backend to ask for (the person's choice). */
  backend?: () => BackendChoice
  now?: () => number
}

export function encoderEmbedder(opts: EncoderEmbedderOptions): AreaEmbedder {
  const client = opts.client
  const backendChoice = opts.backend ?? (() => useAppStore.getState().encoderBackend)
  return async (area, { signal, progress, remember }) => {
    const choice = areaModeChoice()
    const model = choice.model
    if (choice.mode !== 'encoder' || !model?.source) throw new Error(choice.reason ?? 'This dataset has no encoder that runs in a browser.')
    const { manifest, source } = model
    const dates = area.dates ?? defaultDates(useAppStore.getState().summary?.dates ?? [], opts.now?.() ?? Date.now())
    // 1. The model.
    progress({ step: 'model', label: `Getting the encoder (${manifest.name})`, loaded: 0, total: source.bytes })
    const encoder = client()
    const loaded = await encoder.load(source, backendChoice(), {
      signal,
      // The card adds the bytes ("(120 kB of 444 kB)") to the label.
      onProgress: (p) => progress({ step: 'model', label: 'Downloading the encoder', loaded: p.loaded, total: p.total }),
    })
    const notes = [...loaded.notes]
    if (loaded.fromCache) notes.push('The encoder came from this browser’s cache: nothing was downloaded.')
    let backend = backendLabel(loaded.backend, loaded.threads)

    // 2 and 3. The imagery, the chips, the encoder.
    const result = await embedAreaFromImagery(areaGeometry(area), {
      manifest,
      ...(choice.stac ? { stacUrl: choice.stac } : {}),
      dates,
      ...(area.scene ? { scene: area.scene } : {}),
      signal,
      onStep: progress,
      encode: async (feeds, outputName) => {
        const out = await encoder.run(feeds, outputName, { signal })
        for (const note of out.notes) if (!notes.includes(note)) notes.push(note)
        if (out.backend !== loaded.backend) backend = backendLabel(out.backend, loaded.threads)
        return out.output
      },
    })
    remember({ ...(area.dates ? {} : { dates }), scene: result.scene.id })
    notes.push(...result.notes)
    return {
      vector: result.vector,
      preview: result.preview,
      info: {
        chips: result.chips.length,
        scene: { id: result.scene.id, datetime: result.scene.datetime, cloudCover: result.scene.cloudCover },
        backend,
        notes,
      },
    }
  }
}
