// A small window into the app for the end-to-end tests: where a chip is on screen, what the
// current ranking is, and a way to move the camera. Only test builds have it: app/compose.ts
// installs it when the build was made with VITE_TEST_API=1 (scripts/run-e2e.mjs and the browser
// benchmarks do), and a production build leaves this module out.

import { rankedRows } from '../lib/export.ts'
import { currentArchiveResults, currentRanking } from '../services/resources/registry.ts'
import type { Services } from '../services/services.ts'
import { useAppStore } from '../state/store.ts'
import type { FileStatus } from '../lib/catalog/load-plan.ts'
import { snapshotMapStats, type MapStats } from '../map/map-stats.ts'
import type { EncoderClient, WebGpuFailure } from '../../workers/encoder/client.ts'
import type { BackendChoice } from '../lib/vocabulary.ts'

/** What encoderSelfTest saw: the test encoder run on its reference inputs in the page's encoder worker. */
export interface EncoderSelfTest {
  backend: 'webgpu' | 'wasm'
  /** The backend of the run (WASM after a WebGPU failure mid-run). */
  runBackend: 'webgpu' | 'wasm'
  threads: number
  fromCache: boolean
  crossOriginIsolated: boolean
  loadNotes: string[]
  runNotes: string[]
  dims: number[]
  output: number[]
  /** Largest absolute difference from PyTorch's output in reference.json. */
  maxAbsDiff: number
  /** Progress reports of the download, in bytes. */
  progress: { loaded: number; total: number | null }[]
  /** session.run time in the worker of each run, ms, in order (the first one warms up). */
  times: number[]
}

export interface ChipfinderTestApi {
  /** True once chips are on the map, nothing is loading, and the map has finished drawing. */
  isIdle(): boolean
  /** Viewport coordinates (CSS px) of a chip's centre, or null if it isn't loaded or on screen. */
  chipScreenPoint(id: string): { x: number; y: number } | null
  /** The current ranking's score of one chip; null before a ranking, or for a chip it didn't score. */
  chipScore(id: string): number | null
  /** Chip ids by rank, with scores; null before there is a ranking. */
  ranking(limit?: number): { id: string; score: number }[] | null
  /** Ids of all loaded chips, in load order. */
  chipIds(): string[]
  /** The last whole-archive search's places, best first (null before one); `exact` says the score was checked against the stored embedding. */
  archiveRanking(limit?: number): { id: string; score: number; exact: boolean; source: string }[] | null
  /** Files of the open dataset and their states. */
  files(): { key: string; status: FileStatus; rows: number | null }[]
  /** Move the camera to show [west, south, east, north] at once, as a person panning there would. */
  jumpTo(bbox: [number, number, number, number]): void
  /**
   * What the map has drawn and how long it took: colour and filter buffers built, JavaScript time
   * per kind of change, ranking-stored → drawn latencies, frames (app/map/map-stats.ts).
   */
  mapStats(): MapStats
  /**
   * Load the bundled test encoder in the page's encoder worker (the real one: the app's own
   * model and onnxruntime files) on `backend`, run its reference inputs and compare with
   * PyTorch's output. `failWebGpu` pretends WebGPU fails there, to see the fallback.
   */
  encoderSelfTest(backend: BackendChoice, options?: { failWebGpu?: WebGpuFailure; batch?: number; runs?: number; maxThreads?: number }): Promise<EncoderSelfTest>
}

declare global {
  interface Window {
    __chipfinder?: ChipfinderTestApi
  }
}

/** Put the test API on `window` (app/compose.ts calls this in test builds). */
export function installTestApi({ services, encoder }: { services: Services; encoder: () => EncoderClient }): void {
  const { registry, mapHandle } = services
  const api: ChipfinderTestApi = {
    isIdle() {
      const map = mapHandle.current()
      const s = useAppStore.getState()
      return !!map && !!registry.chips && s.loadStatus !== 'loading' && s.filesProgress === null && map.loaded() && !map.isMoving()
    },
    chipScreenPoint(id) {
      const chips = registry.chips
      const map = mapHandle.current()
      const row = chips?.rowOf(id)
      if (!chips || !map || row === undefined) return null
      const p = map.project(chips.centre(row))
      const rect = map.getContainer().getBoundingClientRect()
      if (p.x < 0 || p.y < 0 || p.x > rect.width || p.y > rect.height) return null
      return { x: rect.left + p.x, y: rect.top + p.y }
    },
    chipScore(id) {
      const row = registry.chips?.rowOf(id)
      const r = currentRanking(registry)
      return r && row !== undefined && row < r.scores.length ? r.scores[row]! : null
    },
    ranking(limit = Infinity) {
      const chips = registry.chips
      const r = currentRanking(registry)
      if (!chips || !r) return null
      return rankedRows(r.top, r.scores, null, limit).map(({ row, score }) => ({ id: chips.id(row), score }))
    },
    chipIds() {
      return registry.chips?.allIds() ?? []
    },
    archiveRanking(limit = Infinity) {
      const r = currentArchiveResults(registry)
      if (!r) return null
      return r.ids.slice(0, limit).map((id, i) => ({ id, score: r.scores[i]!, exact: r.exact[i] === 1, source: r.sources[i]! }))
    },
    files() {
      return registry.files.map((f) => ({ key: f.key, status: f.status, rows: f.rows }))
    },
    jumpTo(bbox) {
      mapHandle.current()?.fitBounds(
        [
          [bbox[0], bbox[1]],
          [bbox[2], bbox[3]],
        ],
        { duration: 0, padding: 0 },
      )
    },
    mapStats: snapshotMapStats,
    async encoderSelfTest(backend, options = {}) {
      // Loaded on first use: none of this is needed until a test (or a curious person) asks.
      const [{ maxAbsDiff, referenceFeeds }, { TEST_ENCODER, testEncoderReference }] = await Promise.all([
        import('../lib/encoder/reference-inputs.ts'),
        import('../services/resources/models.ts'),
      ])
      const ref = await testEncoderReference()
      const client = encoder()
      const progress: EncoderSelfTest['progress'] = []
      const loaded = await client.load(TEST_ENCODER.source!, backend, {
        onProgress: (p) => progress.push(p),
        failWebGpu: options.failWebGpu ?? null,
        maxThreads: options.maxThreads ?? null,
      })
      const batch = options.batch ?? ref.shape[0]
      let run = await client.run(referenceFeeds(ref, batch), TEST_ENCODER.manifest.output.name)
      const runNotes = [...run.notes]
      const times = [run.ms]
      for (let i = 1; i < (options.runs ?? 1); i++) {
        run = await client.run(referenceFeeds(ref, batch), TEST_ENCODER.manifest.output.name)
        times.push(run.ms)
      }
      const rows = Math.min(batch, ref.shape[0])
      return {
        backend: loaded.backend,
        runBackend: run.backend,
        threads: loaded.threads,
        fromCache: loaded.fromCache,
        crossOriginIsolated: window.crossOriginIsolated,
        loadNotes: loaded.notes,
        runNotes,
        dims: run.dims,
        output: Array.from(run.output),
        maxAbsDiff: maxAbsDiff(run.output.subarray(0, rows * 64), ref.embeddings.slice(0, rows)),
        progress,
        times,
      }
    },
  }
  window.__chipfinder = Object.freeze(api)
}
