// Opens datasets and keeps their chips loaded for where the person is looking.
//
// A dataset is one file, a folder of files on object storage (listed S3-style), or an entry of
// a catalog. Opening is atomic: a file is decoded, or a folder listed, before anything already
// on the map is replaced, so a broken link never costs the person their current search. In a
// folder, every file gets a footprint before any embeddings are read (from its name for Clay v0
// MGRS tiles, else from its footer), the map shows that coverage, and the files in view load
// through the decode pool, nearest first, within the memory budget.

import { ChipCollection } from '../lib/chip-collection.ts'
import { guessLayout, parseCatalog, type CatalogEntry } from '../lib/catalog/catalog.ts'
import { estimateEmbeddingBytes, planLoads, type FileRecord } from '../lib/catalog/load-plan.ts'
import { bboxRing, ringBBox, unionBBox, type BBox } from '../lib/bbox.ts'
import { listObjects, parseS3Url, type S3Location } from '../lib/catalog/s3-list.ts'
import { clayV0FileInfo, mgrsTileFootprint } from '../lib/catalog/mgrs-tile.ts'
import { checkIdentity, datasetIdentity, readFooter, type DatasetIdentity } from '../lib/geoparquet/footer.ts'
import { DatasetError, isAbortError } from '../lib/errors.ts'
import type { FileSummary } from '../lib/geoparquet/types.ts'
import { fileNameFromUrl } from '../lib/http/range-buffer.ts'
import { forgetCachedFiles, resilientFetch } from '../lib/http/resilient-fetch.ts'
import type { DecodePool } from '../../workers/decode/pool.ts'
import type { DecodedFile, FileSource } from '../../workers/decode/protocol.ts'
import type { SearchClient } from '../../workers/search/client.ts'
import { NO_DATASET_MODEL, useAppStore, type AppState } from '../state/store.ts'
import { registry } from './registry.ts'
import type { RankingService } from './ranking-service.ts'
import { builtinEntry } from './builtin-catalog.ts'

export interface DatasetService {
  /** Open a file from the person's computer; nothing leaves the browser. */
  openLocalFile(file: File): void
  /** Open an entry picked in the dataset picker. */
  openEntry(entry: CatalogEntry): void
  /** Open the current dataset again (after an error, say). */
  reload(): void
  /** Stop the file loads under way; panning starts them again. */
  cancelLoading(): void
  /** Drop every cached byte range, then reload. */
  forgetCache(): Promise<void>
  stop(): void
}

/** Above this many unloaded files in view, the person is asked to zoom in. */
const MAX_FILES_PER_VIEW = 24
/** Footers read at once while locating the files of a folder, and at most how many. */
const FOOTER_CONCURRENCY = 4
const MAX_FOOTERS = 2000
const PARQUET_NAME = /\.(parquet|gpq|geoparquet|pq)$/i
const WORLD: BBox = [-180, -85, 180, 85]

interface OpenDataset {
  epoch: number
  kind: 'file' | 'folder'
  title: string
  dims: number | null
  modelLabel: string | null
  /** What the first loaded file says the dataset is; later files must match it (footer.ts checkIdentity). */
  identity: DatasetIdentity | null
  dates: Set<string>
  loadedBytes: number
  /** Embedding bytes promised to files queued or loading. */
  pendingBytes: number
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function summaryOf(open: OpenDataset, chips: ChipCollection, last: FileSummary): FileSummary {
  const boxes = registry.files.filter((f) => f.status === 'loaded' && f.bbox).map((f) => f.bbox!)
  return {
    ...last,
    fileName: open.kind === 'folder' ? open.title : last.fileName,
    modelLabel: open.modelLabel,
    dims: open.dims ?? last.dims,
    count: chips.count,
    totalRows: chips.count,
    dates: [...open.dates].sort(),
    bbox: (unionBBox(boxes) ?? last.bbox) as FileSummary['bbox'],
  }
}

export function startDatasetService(deps: { search: SearchClient; pool: DecodePool; ranking: RankingService; demoUrl: string }): DatasetService {
  const { search, pool, ranking, demoUrl } = deps
  const store = useAppStore
  const fetchForLists = resilientFetch({ cache: false })
  const fetchForFooters = resilientFetch()
  let openController: AbortController | null = null
  let loadController = new AbortController()
  let open: OpenDataset | null = null
  let localFile: File | null = null
  /** The picker entry being opened, so its title and model go with its URL. */
  let pendingEntry: CatalogEntry | null = null
  /** The model and STAC API of the dataset being opened (its catalog entry's); the store's datasetModel once it opens. */
  let openingModel: AppState['datasetModel'] = NO_DATASET_MODEL
  /** The dataset the page was opened on, and the model and STAC API its link named (a link has no catalog entry). */
  const fromLink = { url: store.getState().datasetUrl, model: store.getState().datasetModel }
  let progressByFile = new Map<string, number>()
  let batch = { done: 0, total: 0 }

  const bumpCoverage = () => store.setState((s) => ({ coverageVersion: s.coverageVersion + 1, fileCounts: countFiles() }))

  function countFiles(): AppState['fileCounts'] {
    if (!open || open.kind !== 'folder') return null
    const files = registry.files
    return {
      total: files.length,
      located: files.filter((f) => f.bbox !== null).length,
      loaded: files.filter((f) => f.status === 'loaded').length,
      failed: files.filter((f) => f.status === 'error' || f.status === 'skipped').length,
    }
  }

  /** Replace the open dataset with a new, empty one. Only called once the new one is known to open. */
  async function commit(kind: OpenDataset['kind'], title: string, files: FileRecord[], model: { name: string | null; dims: number | null }): Promise<OpenDataset> {
    loadController.abort()
    loadController = new AbortController()
    const epoch = registry.epoch + 1
    await search.call('reset', { epoch })
    registry.epoch = epoch
    registry.chips = new ChipCollection()
    registry.files = files
    registry.ranking = null
    progressByFile = new Map()
    batch = { done: 0, total: 0 }
    open = { epoch, kind, title, dims: model.dims, modelLabel: model.name, identity: null, dates: new Set(), loadedBytes: 0, pendingBytes: 0 }
    store.setState((s) => ({
      summary: null,
      collectionTitle: kind === 'folder' ? title : null,
      datasetVersion: s.datasetVersion + 1,
      rankingVersion: s.rankingVersion + 1,
      rankingStatus: 'idle',
      filesProgress: null,
      here: null,
      stopReason: null,
      loadedBytes: 0,
      coverageVersion: s.coverageVersion + 1,
      fileCounts: countFiles(),
      datasetModel: openingModel,
    }))
    return open
  }

  /** Add one decoded file to the open dataset; false when it doesn't belong. */
  async function addDecoded(ds: OpenDataset, record: FileRecord, decoded: DecodedFile): Promise<boolean> {
    const { summary } = decoded
    const identity = datasetIdentity(summary)
    // Until a file has loaded, the catalog entry's dims are all the dataset is known by.
    const reason = checkIdentity(identity, ds.identity ?? datasetIdentity({ family: 'unknown', modelLabel: ds.modelLabel, dims: ds.dims, embeddingColumn: null }))
    if (reason) {
      record.status = 'skipped'
      record.message = `${summary.fileName} was skipped: ${reason}. Its embeddings can't be compared with the rest.`
      store.getState().notify('warning', record.message)
      return false
    }
    await search.call('addSegment', { epoch: ds.epoch, embeddings: decoded.embeddings, count: summary.count, dims: summary.dims })
    if (ds !== open) return false
    ds.identity ??= identity
    ds.dims ??= summary.dims
    ds.modelLabel ??= summary.modelLabel
    for (const d of summary.dates) ds.dates.add(d)
    const bytes = summary.count * summary.dims * 4
    ds.loadedBytes += bytes
    registry.chips!.add(record.key, decoded.chips)
    record.status = 'loaded'
    record.rows = summary.count
    record.bbox ??= summary.bbox
    record.footprint ??= bboxRing(summary.bbox)
    store.setState((s) => ({
      summary: summaryOf(ds, registry.chips!, summary),
      datasetVersion: s.datasetVersion + 1,
      loadedBytes: ds.loadedBytes,
    }))
    if (decoded.skipped.length > 0) {
      const first = decoded.skipped[0]!
      const n = decoded.skipped.length
      store.getState().notify('warning', `${summary.fileName}: ${n} chip${n > 1 ? 's were' : ' was'} skipped (row ${first.row}: ${first.reason}${n > 1 ? '; …' : ''}).`)
    }
    ranking.request()
    return true
  }

  /** Frame a dataset that has just opened, unless a link said where to look: then its view stays
   * (once; later datasets are framed as usual). */
  function fitToData(bbox: BBox): void {
    const s = store.getState()
    if (s.linkView) {
      store.setState({ linkView: null })
      return
    }
    s.fitTo(bbox)
  }

  /** Examples the loaded chips don't have: reported and dropped once nothing more can bring them. */
  function reconcileExamples(): void {
    const chips = registry.chips
    if (!chips || !open) return
    const { positives, negatives, notify, setExamples } = store.getState()
    const unknown = [...positives, ...negatives].filter((id) => chips.rowOf(id) === undefined)
    if (unknown.length === 0) return
    if (open.kind === 'folder' && registry.files.some((f) => f.status === 'queued' || f.status === 'loading')) return
    const shown = unknown.slice(0, 3).map((id) => `“${id}”`).join(', ')
    const more = unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''
    const one = unknown.length === 1
    const where = open.kind === 'folder' ? 'in the loaded part of this dataset' : 'in this dataset'
    notify('warning', `${one ? 'Chip' : 'Chips'} ${shown}${more} ${one ? "isn't" : "aren't"} ${where}, so ${one ? 'it was' : 'they were'} skipped.`)
    setExamples(
      positives.filter((id) => chips.rowOf(id) !== undefined),
      negatives.filter((id) => chips.rowOf(id) !== undefined),
    )
  }

  // ---- one file -------------------------------------------------------------------------

  async function openSingleFile(source: FileSource, fileName: string): Promise<void> {
    openController?.abort()
    const controller = new AbortController()
    openController = controller
    store.setState({ loadStatus: 'loading', loadError: null, loadProgress: { fileName, bytesRead: 0, totalBytes: null, chips: 0 } })
    try {
      const decoded = await pool.decode(source, {
        signal: controller.signal,
        onProgress: (p) => store.setState({ loadProgress: { fileName, ...p } }),
      })
      if (controller.signal.aborted) return
      const record: FileRecord = {
        key: fileName,
        url: source.kind === 'url' ? source.url : fileName,
        size: null,
        footprint: bboxRing(decoded.summary.bbox),
        bbox: decoded.summary.bbox,
        rows: decoded.summary.count,
        status: 'loading',
      }
      const ds = await commit('file', fileName, [record], { name: null, dims: null })
      await addDecoded(ds, record, decoded)
      store.setState({ loadStatus: 'ready' })
      fitToData(decoded.summary.bbox)
      reconcileExamples()
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      store.setState({ loadStatus: 'error', loadError: errorMessage(err) })
      store.getState().notify('error', errorMessage(err))
    }
  }

  // ---- a folder of files -----------------------------------------------------------------

  function recordFor(key: string, url: string, size: number | null): FileRecord {
    const base = key.slice(key.lastIndexOf('/') + 1)
    const info = clayV0FileInfo(base)
    const footprint = info ? mgrsTileFootprint(info.mgrs) : null
    return { key, url, size, footprint, bbox: footprint ? ringBBox(footprint) : null, rows: null, status: footprint ? 'idle' : 'unlocated' }
  }

  async function openFolder(url: string, title: string, model: { name: string | null; dims: number | null }): Promise<void> {
    openController?.abort()
    const controller = new AbortController()
    openController = controller
    store.setState({ loadStatus: 'loading', loadError: null, loadProgress: { fileName: title, bytesRead: 0, totalBytes: null, chips: 0 } })
    try {
      const { s3, listing } = await listFolder(url, title, controller.signal)
      if (controller.signal.aborted) return
      const files = listing.objects.filter((o) => PARQUET_NAME.test(o.key)).map((o) => recordFor(o.key, s3.objectUrl(o.key), o.size))
      if (files.length === 0)
        throw new DatasetError('no-rows', title, `No GeoParquet files were found under ${url}. Check the folder's address.`)
      const ds = await commit('folder', title, files, model)
      store.setState({ loadStatus: 'ready' })
      const located = unionBBox(files.filter((f) => f.bbox).map((f) => f.bbox!))
      if (located) fitToData(located)
      void locateFiles(ds)
      loadExampleFiles(ds)
      schedule()
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      store.setState({ loadStatus: 'error', loadError: errorMessage(err) })
      store.getState().notify('error', errorMessage(err))
    }
  }

  /**
   * List a folder. On an unknown host a path-style link doesn't say how many of its segments
   * name the bucket (MinIO: one; a proxy at /s3/<bucket>: two), so try one, two, then three,
   * and report the most telling failure if none lists.
   */
  async function listFolder(url: string, title: string, signal: AbortSignal) {
    const first = parseS3Url(url)
    const tries: S3Location[] = []
    if (first.style !== 'path-style') tries.push(first)
    else
      for (const n of [1, 2, 3]) {
        try {
          const s3 = parseS3Url(url, { bucketSegments: n })
          if (!tries.some((t) => t.listUrl === s3.listUrl)) tries.push(s3)
        } catch {
          // Fewer segments than that: no bucket at this depth.
        }
      }
    // 403 says the most (the bucket is there but refuses); 400 and 404 mostly say "not a bucket here".
    const telling = (err: unknown) => (err instanceof DatasetError ? (err.status === 403 ? 3 : err.status === 400 || err.status === 404 ? 1 : 2) : 2)
    let failure: unknown = null
    for (const s3 of tries) {
      try {
        const listing = await listObjects(s3.listUrl, { prefix: s3.prefix, signal, fetch: fetchForLists, label: title })
        return { s3, listing }
      } catch (err) {
        if (isAbortError(err)) throw err
        // No network or no CORS looks the same at every depth: stop at once.
        if (err instanceof DatasetError && err.code === 'network') throw err
        if (failure === null || telling(err) > telling(failure)) failure = err
      }
    }
    throw failure
  }

  /** Read the footers of files whose names don't say where they are, a few at a time. */
  async function locateFiles(ds: OpenDataset): Promise<void> {
    const todo = registry.files.filter((f) => f.status === 'unlocated').slice(0, MAX_FOOTERS)
    if (todo.length === 0) return
    const signal = loadController.signal
    let next = 0
    let sinceRedraw = 0
    const worker = async () => {
      while (next < todo.length && open === ds && !signal.aborted) {
        const f = todo[next++]!
        try {
          const footer = await readFooter(f.url, { signal, fetch: fetchForFooters, ...(f.size !== null ? { byteLength: f.size } : {}) })
          f.rows = footer.rows
          if (footer.bbox) {
            f.bbox = footer.bbox
            f.footprint = bboxRing(footer.bbox)
            f.status = 'idle'
          } else {
            // No bbox in the footer: the data itself will say where the file is.
            f.status = 'idle'
            f.bbox = null
          }
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
    if (open !== ds) return
    bumpCoverage()
    const located = unionBBox(registry.files.filter((f) => f.bbox).map((f) => f.bbox!))
    if (located && !registry.files.some((f) => f.status === 'loaded' || f.status === 'loading')) fitToData(located)
    schedule()
  }

  /** Files that hold the chips a shared link names (Clay v0 ids say their tile and date). */
  function loadExampleFiles(ds: OpenDataset): void {
    const { positives, negatives } = store.getState()
    const wanted = new Set<FileRecord>()
    for (const id of [...positives, ...negatives]) {
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

  function queueFile(ds: OpenDataset, f: FileRecord): void {
    const cost = estimateEmbeddingBytes(f, ds.dims)
    f.status = 'queued'
    ds.pendingBytes += cost
    batch.total++
    const signal = loadController.signal
    publishProgress()
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
      .then((decoded) => (open === ds ? addDecoded(ds, f, decoded) : false))
      .catch((err: unknown) => {
        if (open !== ds) return
        if (isAbortError(err)) {
          f.status = 'idle'
          return
        }
        f.status = 'error'
        f.message = errorMessage(err)
        store.getState().notify('error', f.message)
      })
      .finally(() => {
        if (open !== ds) return
        ds.pendingBytes -= cost
        batch.done++
        publishProgress()
        bumpCoverage()
        updateHere()
        if (batch.done >= batch.total) {
          batch = { done: 0, total: 0 }
          progressByFile = new Map()
          store.setState({ filesProgress: null })
          reconcileExamples()
        }
      })
  }

  function publishProgress(): void {
    if (batch.total === 0) return
    let bytesRead = 0
    for (const b of progressByFile.values()) bytesRead += b
    store.setState({ filesProgress: { filesDone: batch.done, filesTotal: batch.total, bytesRead, chips: registry.chips?.count ?? 0 } })
  }

  function plan() {
    const s = store.getState()
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
    if (!open || open.kind !== 'folder') return
    const p = plan()
    store.setState({ here: { available: p.availableHere, approximate: p.approximate, loaded: p.loadedHere } })
  }

  function schedule(): void {
    const ds = open
    if (!ds || ds.kind !== 'folder') return
    const p = plan()
    for (const f of p.load) queueFile(ds, f)
    store.setState({ stopReason: p.stopReason })
    updateHere()
  }

  // ---- entry points ----------------------------------------------------------------------

  async function openCatalog(url: string): Promise<void> {
    openController?.abort()
    const controller = new AbortController()
    openController = controller
    try {
      const response = await fetchForLists(url, { signal: controller.signal })
      if (!response.ok) throw new DatasetError('http', fileNameFromUrl(url), `The catalog at ${url} could not be read: the server answered ${response.status}.`, response.status)
      const text = await response.text()
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        throw new DatasetError('not-parquet', fileNameFromUrl(url), `${fileNameFromUrl(url)} isn't a catalog: it is not JSON.`)
      }
      const catalog = parseCatalog(json, url)
      if (catalog.entries.length === 0) throw new DatasetError('no-rows', fileNameFromUrl(url), `The catalog ${fileNameFromUrl(url)} lists no datasets. ${catalog.problems.join(' ')}`)
      if (catalog.problems.length) store.getState().notify('warning', `Catalog: ${catalog.problems.join(' ')}`)
      store.setState({ catalog: { url, entries: catalog.entries }, pickerOpen: true, loadStatus: registry.chips ? 'ready' : 'idle' })
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      store.setState({ loadStatus: 'error', loadError: errorMessage(err) })
      store.getState().notify('error', errorMessage(err))
    }
  }

  function openUrl(url: string, title?: string, model: { name: string | null; dims: number | null } = { name: null, dims: null }, layout = guessLayout(url)): void {
    if (layout === 'catalog') void openCatalog(url)
    else if (layout === 'file') void openSingleFile({ kind: 'url', url }, fileNameFromUrl(url))
    else void openFolder(url, title ?? decodeURIComponent(url.replace(/\/+$/, '').split('/').pop() ?? url), model)
  }

  function openCurrent(): void {
    if (localFile) {
      openingModel = NO_DATASET_MODEL
      void openSingleFile({ kind: 'file', file: localFile, fileName: localFile.name }, localFile.name)
      return
    }
    const url = store.getState().datasetUrl ?? demoUrl
    const entry = pendingEntry?.href === url ? pendingEntry : (builtinEntry(url, demoUrl) ?? store.getState().catalog?.entries.find((e) => e.href === url))
    pendingEntry = null
    openingModel = entry
      ? { modelId: entry.modelId ?? null, stac: entry.stac ?? null }
      : store.getState().datasetUrl === fromLink.url
        ? fromLink.model
        : NO_DATASET_MODEL
    if (entry) openUrl(url, entry.title, { name: entry.modelName, dims: entry.dims }, entry.layout)
    else openUrl(url)
  }

  let scheduleTimer: ReturnType<typeof setTimeout> | null = null
  const unsubscribe = store.subscribe((s: AppState, prev: AppState) => {
    if (s.datasetUrl !== prev.datasetUrl) {
      localFile = null
      openCurrent()
      return
    }
    if (s.viewBounds !== prev.viewBounds || s.budgetBytes !== prev.budgetBytes) {
      if (scheduleTimer !== null) clearTimeout(scheduleTimer)
      scheduleTimer = setTimeout(schedule, 150)
    }
  })

  openCurrent()

  return {
    openLocalFile(file) {
      localFile = file
      openingModel = NO_DATASET_MODEL
      store.setState({ localFileName: file.name, pickerOpen: false })
      void openSingleFile({ kind: 'file', file, fileName: file.name }, file.name)
    },
    openEntry(entry) {
      store.setState({ pickerOpen: false })
      localFile = null
      pendingEntry = entry
      // The demo is the absence of a dataset in the link.
      const url = entry.href === demoUrl ? null : entry.href
      if (store.getState().datasetUrl === url) openCurrent()
      else store.getState().setDatasetUrl(url)
    },
    reload: openCurrent,
    cancelLoading() {
      const ds = open
      if (!ds) return
      loadController.abort()
      loadController = new AbortController()
      for (const f of registry.files) if (f.status === 'queued' || f.status === 'loading') f.status = 'idle'
      ds.pendingBytes = 0
      batch = { done: 0, total: 0 }
      progressByFile = new Map()
      store.setState({ filesProgress: null, stopReason: 'Loading was cancelled. Pan or zoom the map to load chips again.' })
      bumpCoverage()
      void locateFiles(ds)
    },
    async forgetCache() {
      await forgetCachedFiles()
      store.getState().notify('info', 'Cached files were forgotten; they will be downloaded again.')
    },
    stop() {
      unsubscribe()
      openController?.abort()
      loadController.abort()
    },
  }
}
