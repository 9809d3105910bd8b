// A folder's files, loaded for where the person is looking: every file gets a footprint first
// (from its name for Clay v0 MGRS tiles, else from its footer), then the files in view load
// through the decode pool, nearest first, within the memory budget (app/lib/catalog/load-plan.ts).

import { estimateEmbeddingBytes, planLoads, type FileRecord } from '../../../lib/catalog/load-plan.ts'
import { bboxRing, ringBBox, unionBBox, type BBox } from '../../../lib/bbox.ts'
import { clayV0FileInfo, mgrsTileFootprint } from '../../../lib/catalog/mgrs-tile.ts'
import { readFooter } from '../../../lib/geoparquet/footer.ts'
import { resilientFetch } from '../../../lib/http/resilient-fetch.ts'
import { errorMessage, isAbortError } from '../../../lib/errors.ts'
import { useAppStore, type AppState } from '../../../state/store.ts'
import { addDecoded, settledExamples, type DatasetContext, type OpenDataset } from './open-dataset.ts'

/** Above this many unloaded files in view, the person is asked to zoom in. */
export const MAX_FILES_PER_VIEW = 24
/** Footers read at once while locating the files of a folder, and at most how many. */
const FOOTER_CONCURRENCY = 4
const MAX_FOOTERS = 2000
const WORLD: BBox = [-180, -85, 180, 85]

export interface FolderLoader {
  /** A new dataset opened: stop every load of the last one. */
  reset(): void
  /** Read the footers of files whose names don't say where they are. */
  locate(ds: OpenDataset): Promise<void>
  /** Load the files that hold the chips a shared link names. */
  loadExampleFiles(ds: OpenDataset): void
  /** Load what the view needs now, within the budget. */
  schedule(): void
  /** Stop the loads under way; panning starts them again. */
  cancel(): void
  /** The folder's files by state (the panel's counts). */
  countFiles(): AppState['fileCounts']
  stop(): void
}

/** A file of a folder, located by its name where the name says where it is. */
export function recordFor(key: string, url: string, size: number | null): FileRecord {
  const base = key.slice(key.lastIndexOf('/') + 1)
  const info = clayV0FileInfo(base)
  const footprint = info ? mgrsTileFootprint(info.mgrs) : null
  return { key, url, size, footprint, bbox: footprint ? ringBBox(footprint) : null, rows: null, status: footprint ? 'idle' : 'unlocated' }
}

export function createFolderLoader(ctx: DatasetContext): FolderLoader {
  const { registry, pool } = ctx
  const store = useAppStore
  const fetchForFooters = resilientFetch()
  let loadController = new AbortController()
  let progressByFile = new Map<string, number>()
  let batch = { done: 0, total: 0 }

  const bumpCoverage = () => store.setState((s) => ({ coverageVersion: s.coverageVersion + 1, fileCounts: countFiles() }))

  function countFiles(): AppState['fileCounts'] {
    if (!ctx.open || ctx.open.kind !== 'folder') return null
    const files = registry.files
    return {
      total: files.length,
      located: files.filter((f) => f.bbox !== null).length,
      loaded: files.filter((f) => f.status === 'loaded').length,
      failed: files.filter((f) => f.status === 'error' || f.status === 'skipped').length,
    }
  }

  function reset(): void {
    loadController.abort()
    loadController = new AbortController()
    progressByFile = new Map()
    batch = { done: 0, total: 0 }
  }

  async function locate(ds: OpenDataset): Promise<void> {
    const todo = registry.files.filter((f) => f.status === 'unlocated').slice(0, MAX_FOOTERS)
    if (todo.length === 0) return
    const signal = loadController.signal
    let next = 0
    let sinceRedraw = 0
    const worker = async () => {
      while (next < todo.length && ctx.open === ds && !signal.aborted) {
        const f = todo[next++]!
        try {
          const footer = await readFooter(f.url, { signal, fetch: fetchForFooters, ...(f.size !== null ? { byteLength: f.size } : {}) })
          f.rows = footer.rows
          f.status = 'idle'
          // No bbox in the footer: the data itself will say where the file is.
          f.bbox = footer.bbox ?? null
          if (footer.bbox) f.footprint = bboxRing(footer.bbox)
        } catch (err) {
          if (isAbortError(err)) return
          f.status = 'error'
          f.message = errorMessage(err)
        }
        if (++sinceRedraw >= 8) {
          sinceRedraw = 0
          bumpCoverage()
          schedule()
        }
      }
    }
    await Promise.all(Array.from({ length: FOOTER_CONCURRENCY }, worker))
    if (ctx.open !== ds) return
    bumpCoverage()
    const located = unionBBox(registry.files.filter((f) => f.bbox).map((f) => f.bbox!))
    if (located && !registry.files.some((f) => f.status === 'loaded' || f.status === 'loading')) ctx.fitToData(located)
    schedule()
  }

  function loadExampleFiles(ds: OpenDataset): void {
    const { positives, negatives } = store.getState()
    const wanted = new Set<FileRecord>()
    for (const id of [...positives, ...negatives]) {
      // Clay v0 ids say their tile and date.
      const m = /^(\d{1,2}[C-X][A-Z]{2})_(\d{4})(\d{2})(\d{2})_\d{4}$/.exec(id)
      if (!m) continue
      const date = `${m[2]}-${m[3]}-${m[4]}`
      for (const f of registry.files) {
        const info = clayV0FileInfo(f.key.slice(f.key.lastIndexOf('/') + 1))
        if (info && info.mgrs === m[1] && info.minDate <= date && date <= info.maxDate && f.status === 'idle') wanted.add(f)
      }
    }
    for (const f of [...wanted].slice(0, MAX_FILES_PER_VIEW)) queueFile(ds, f)
  }

  /** The batch's last file: whatever it ends with, the batch is over. */
  function endBatch(): void {
    batch = { done: 0, total: 0 }
    progressByFile = new Map()
    store.setState({ filesProgress: null })
  }

  function queueFile(ds: OpenDataset, f: FileRecord): void {
    const cost = estimateEmbeddingBytes(f, ds.dims)
    f.status = 'queued'
    ds.pendingBytes += cost
    batch.total++
    const signal = loadController.signal
    publishProgress()
    /** This file's part of the batch is over (loaded, failed or cancelled); counted once. */
    let settled = false
    const settle = () => {
      if (settled) return
      settled = true
      ds.pendingBytes -= cost
      batch.done++
    }
    /** Whether the batch's examples went out with this file's data (it was the last). */
    let examplesSettled = false
    pool
      .decode(
        { kind: 'url', url: f.url },
        {
          signal,
          onProgress: (p) => {
            if (f.status === 'queued') f.status = 'loading'
            progressByFile.set(f.key, p.bytesRead)
            publishProgress()
          },
        },
      )
      .then(async (decoded) => {
        if (ctx.open !== ds) return
        // The examples are settled in the same store change as the batch's last file.
        await addDecoded(ctx, ds, f, decoded, () => {
          settle()
          if (batch.done < batch.total) return {}
          examplesSettled = true
          return settledExamples(ctx, ds)
        })
        if (ctx.open === ds) finish()
      })
      .catch((err: unknown) => {
        if (ctx.open !== ds) return
        if (isAbortError(err)) f.status = 'idle'
        else {
          f.status = 'error'
          f.message = errorMessage(err)
          store.getState().notify('error', f.message)
        }
        finish()
      })

    /** After the file: progress, coverage; at the batch's end, its examples (unless they went out with the data). */
    function finish(): void {
      settle()
      publishProgress()
      bumpCoverage()
      updateHere()
      if (batch.done >= batch.total) {
        if (!examplesSettled) {
          const patch = settledExamples(ctx, ds)
          if (Object.keys(patch).length > 0) store.setState(patch)
        }
        endBatch()
      }
    }
  }

  function publishProgress(): void {
    if (batch.total === 0) return
    let bytesRead = 0
    for (const b of progressByFile.values()) bytesRead += b
    store.setState({ filesProgress: { filesDone: batch.done, filesTotal: batch.total, bytesRead, chips: registry.chips?.count ?? 0 } })
  }

  function plan() {
    const s = store.getState()
    const open = ctx.open
    return planLoads({
      files: registry.files,
      view: s.viewBounds ?? WORLD,
      dims: open?.dims ?? null,
      budgetBytes: s.budgetBytes,
      committedBytes: (open?.loadedBytes ?? 0) + (open?.pendingBytes ?? 0),
      maxFilesPerView: MAX_FILES_PER_VIEW,
    })
  }

  function updateHere(): void {
    if (!ctx.open || ctx.open.kind !== 'folder') return
    const p = plan()
    store.setState({ here: { available: p.availableHere, approximate: p.approximate, loaded: p.loadedHere } })
  }

  function schedule(): void {
    const ds = ctx.open
    if (!ds || ds.kind !== 'folder') return
    const p = plan()
    for (const f of p.load) queueFile(ds, f)
    store.setState({ stopReason: p.stopReason })
    updateHere()
  }

  function cancel(): void {
    const ds = ctx.open
    if (!ds) return
    reset()
    for (const f of registry.files) if (f.status === 'queued' || f.status === 'loading') f.status = 'idle'
    ds.pendingBytes = 0
    store.setState({ filesProgress: null, stopReason: 'Loading was cancelled. Pan or zoom the map to load chips again.' })
    bumpCoverage()
    void locate(ds)
  }

  return { reset, locate, loadExampleFiles, schedule, cancel, countFiles, stop: () => loadController.abort() }
}
