// Turns each drawn area into a vector, the way the open dataset allows (area-mode.ts):
// - stored-vector mode (any dataset): the mean of the loaded chips under the area, weighted by
//   how much of each it covers (app/lib/areas/overlap.ts), computed by the search worker, which
//   owns the embeddings (meanOfRows);
// - encoder mode: the embedder the composition root hands it (area-encoder.ts).
// One job per area, each with its own AbortController: removing an area, pressing its Cancel,
// or changing what its vector depends on (outline, dates, scene, dataset) aborts it. Progress
// and errors go to the store's areaStatus; vectors to registry.areas, then areaVersion++ (the
// ranking service ranks again). A failure loses nothing else: the area stays, with its message.

import { errorMessage, isAbortError } from '../../../lib/errors.ts'
import type { SearchClient } from '../../../../workers/search/client.ts'
import type { DrawnArea } from '../../../lib/areas/area.ts'
import { coveredChips } from '../../../lib/areas/overlap.ts'
import { useAppStore, type AppState, type AreaStatus, type AreaStep } from '../../../state/store.ts'
import { areaModeFor } from './area-mode.ts'
import type { AreaVectorEntry, Registry } from '../../resources/registry.ts'

export interface AreaVector {
  /** Raw, in the dataset's space. */
  vector: Float32Array
  info: NonNullable<AreaStatus['info']>
  /** Stored-vector mode: the rows averaged. */
  covered?: Uint32Array
  /** Encoder mode: the imagery used, true colour. */
  preview?: { width: number; height: number; rgba: Uint8ClampedArray }
}

export interface AreaEmbedContext {
  signal: AbortSignal
  progress(step: AreaStep): void
  /**
   * Record what the embedder chose for the area (the imagery dates, the scene), so that a link
   * reproduces it. Use this rather than the store's setAreaDates/setAreaScene: the job goes on
   * (a change the person makes restarts it).
   */
  remember(choice: { dates?: { from: string; to: string }; scene?: string }): void
}

export type AreaEmbedder = (area: DrawnArea, ctx: AreaEmbedContext) => Promise<AreaVector>

/** Shown when an area covers no loaded chip (stored-vector mode). */
export const NO_CHIPS_MESSAGE = 'No loaded chips under this area: zoom in so its files load, or draw where chips are.'
export const CANCELLED_MESSAGE = 'Cancelled. Press Retry to make this area’s vector, or remove it.'

/** Stored-vector mode: the overlap-weighted mean of the loaded chips under the area. */
export function storedEmbedder(search: SearchClient, registry: Registry): AreaEmbedder {
  return async (area, { signal, progress }) => {
    const chips = registry.chips
    const epoch = registry.epoch
    progress({ step: 'chips', label: 'Finding the loaded chips under the area' })
    const { rows, weights } = chips ? coveredChips(area, chips) : { rows: new Uint32Array(0), weights: new Float64Array(0) }
    if (rows.length === 0) throw new Error(NO_CHIPS_MESSAGE)
    progress({ step: 'mean', label: `Averaging ${rows.length} chip${rows.length === 1 ? '' : 's'}` })
    const vector = await search.call('meanOfRows', { epoch, rows: rows.slice(), weights }, { signal })
    if (!vector) throw new DOMException('The dataset changed', 'AbortError')
    const notes = area.shape === 'point' ? ['The vector of the chip under the point.'] : ['The mean of the chips’ stored vectors, weighted by how much of each the area covers.']
    return { vector, covered: rows, info: { chips: rows.length, notes } }
  }
}

export interface AreaService {
  /** Stop making an area's vector (its card then offers Retry). */
  cancel(id: string): void
  /** Make an area's vector again. */
  retry(id: string): void
  stop(): void
}

interface Job {
  key: string
  controller: AbortController
  /** Started by more chips loading for an area whose vector exists: no 'working' state shown. */
  quiet: boolean
}

/** Everything an area's vector depends on, as a string. */
function inputKey(area: DrawnArea, mode: 'stored' | 'encoder', epoch: number): string {
  return JSON.stringify([mode, epoch, area.shape, area.ring, mode === 'encoder' ? [area.dates ?? null, area.scene ?? null] : null])
}

function sameRows(a: Uint32Array | undefined, b: Uint32Array | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** How long to wait after a file arrives before redoing stored-mode areas (files come in bursts). */
const RELOAD_DELAY_MS = 200

export interface AreaServiceDeps {
  search: SearchClient
  registry: Registry
  /** Encoder mode's embedder; null where the app has none (areas then wait in encoder mode). */
  encoder: AreaEmbedder | null
}

export function startAreaService({ search, registry, encoder }: AreaServiceDeps): AreaService {
  const store = useAppStore
  const stored = storedEmbedder(search, registry)
  const jobs = new Map<string, Job>()
  /** The key each area's current vector (or error) was made from. */
  const done = new Map<string, string>()
  let epoch = registry.epoch
  let reloadTimer: ReturnType<typeof setTimeout> | null = null

  const status = (id: string, s: AreaStatus | null) => store.getState().setAreaStatus(id, s)

  function dropVector(id: string): void {
    if (registry.areas.delete(id)) store.getState().bumpAreaVersion()
  }

  function start(area: DrawnArea, key: string, mode: 'stored' | 'encoder', quiet: boolean): void {
    jobs.get(area.id)?.controller.abort()
    const embed = mode === 'stored' ? stored : encoder
    if (!embed) {
      status(area.id, { state: 'working', mode, step: { step: 'wait', label: 'Waiting for the encoder to be ready' } })
      return
    }
    const controller = new AbortController()
    const job: Job = { key, controller, quiet }
    jobs.set(area.id, job)
    const jobEpoch = registry.epoch
    if (!quiet) status(area.id, { state: 'working', mode, step: { step: 'start', label: 'Starting' } })
    const ctx: AreaEmbedContext = {
      signal: controller.signal,
      progress(step) {
        if (jobs.get(area.id) === job && !job.quiet) status(area.id, { state: 'working', mode, step })
      },
      remember({ dates, scene }) {
        if (jobs.get(area.id) !== job) return
        const now = store.getState().areas.find((a) => a.id === area.id)
        if (!now) return
        // Update the job's key first, so that the store change doesn't restart it.
        job.key = inputKey({ ...now, ...(dates ? { dates } : {}), ...(scene ? { scene } : {}) }, mode, jobEpoch)
        // One store change for both, so that no state in between is synced.
        store.setState((st) => ({ areas: st.areas.map((x) => (x.id === area.id ? { ...x, ...(dates ? { dates } : {}), ...(scene ? { scene } : {}) } : x)) }))
      },
    }
    embed(area, ctx).then(
      (result) => {
        if (jobs.get(area.id) !== job || controller.signal.aborted) return
        jobs.delete(area.id)
        if (registry.epoch !== jobEpoch) return
        done.set(area.id, job.key)
        const before = registry.areas.get(area.id)
        const entry: AreaVectorEntry = { epoch: jobEpoch, vector: result.vector }
        if (result.covered) entry.covered = result.covered
        if (result.preview) entry.preview = result.preview
        registry.areas.set(area.id, entry)
        status(area.id, { state: 'ready', mode, info: result.info })
        // More chips loaded but none of them under the area: the vector is the same.
        if (before && before.epoch === jobEpoch && sameRows(before.covered, result.covered)) return
        store.getState().bumpAreaVersion()
      },
      (err: unknown) => {
        if (jobs.get(area.id) !== job) return
        jobs.delete(area.id)
        if (isAbortError(err) || controller.signal.aborted) return
        done.set(area.id, job.key)
        dropVector(area.id)
        const message = errorMessage(err)
        status(area.id, { state: 'error', mode, message: message || 'This area’s vector could not be made.' })
      },
    )
  }

  /** Start, restart or stop jobs so that every area's vector matches its inputs. */
  function sync(reason: 'areas' | 'data'): void {
    const s = store.getState()
    const mode = areaModeFor()
    const ids = new Set(s.areas.map((a) => a.id))
    for (const [id, job] of jobs) {
      if (!ids.has(id)) {
        job.controller.abort()
        jobs.delete(id)
      }
    }
    for (const id of [...registry.areas.keys()]) if (!ids.has(id)) dropVector(id)
    for (const id of Object.keys(s.areaStatus)) if (!ids.has(id)) status(id, null)
    for (const id of [...done.keys()]) if (!ids.has(id)) done.delete(id)

    for (const area of s.areas) {
      const key = inputKey(area, mode, registry.epoch)
      const job = jobs.get(area.id)
      if (job) {
        if (job.key === key) continue
      } else if (done.get(area.id) === key) {
        // Stored mode: more chips loaded may lie under the area. Quietly: the card keeps saying
        // what it said until the answer changes.
        const st = s.areaStatus[area.id]
        if (reason === 'data' && mode === 'stored' && (st?.state === 'ready' || st?.message === NO_CHIPS_MESSAGE)) start(area, key, mode, true)
        continue
      }
      if (mode === 'stored' && !registry.chips) {
        status(area.id, { state: 'working', mode, step: { step: 'wait', label: 'Waiting for the dataset to load' } })
        continue
      }
      start(area, key, mode, false)
    }
  }

  const unsubscribe = store.subscribe((s: AppState, prev: AppState) => {
    if (s.datasetVersion !== prev.datasetVersion) {
      if (registry.epoch !== epoch) {
        // Another dataset: every vector belongs to the old one.
        epoch = registry.epoch
        for (const job of jobs.values()) job.controller.abort()
        jobs.clear()
        done.clear()
        if (registry.areas.size > 0) {
          registry.areas.clear()
          s.bumpAreaVersion()
        }
        sync('areas')
        return
      }
      if (reloadTimer !== null) clearTimeout(reloadTimer)
      reloadTimer = setTimeout(() => {
        reloadTimer = null
        sync('data')
      }, RELOAD_DELAY_MS)
    }
    if (s.areas !== prev.areas) sync('areas')
  })
  sync('areas')

  return {
    cancel(id) {
      const job = jobs.get(id)
      if (!job) return
      job.controller.abort()
      jobs.delete(id)
      done.set(id, job.key)
      dropVector(id)
      status(id, { state: 'error', mode: areaModeFor(), message: CANCELLED_MESSAGE })
    },
    retry(id) {
      done.delete(id)
      sync('areas')
    },
    stop() {
      unsubscribe()
      if (reloadTimer !== null) clearTimeout(reloadTimer)
      for (const job of jobs.values()) job.controller.abort()
      jobs.clear()
    },
  }
}
